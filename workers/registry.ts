import path from 'node:path';
import { createPlatformActivities } from '../activities/platform/index.js';
import type { Client } from '@temporalio/client';
import { createContactActivities } from '../activities/notify/contact.js';
import { createNotifyActivities, type NotifyDeps } from '../activities/notify/index.js';
import { createBailActivities } from '../activities/bail/index.js';
import type { ESignProvider, PaymentProvider } from '../activities/bail/providers/types.js';
import { createInsightsActivities } from '../activities/insights/index.js';
import { createRulesActivities } from '../activities/rules/index.js';
import { createTriageActivities } from '../activities/triage/index.js';
import type { Db } from '../db/pool.js';
import type { FieldCipher } from '../lib/field-encryption.js';
import type { ScreeningThresholds } from '../workflows/triage/screening.js';
import type { Context } from '../temporal/task-queues.js';

import { PROJECT_ROOT } from '../lib/paths.js';

// Workflow source is bundled from workflows/ (dev) or read prebuilt from dist/workflow-bundles (production).
const WORKFLOWS_DIR = path.join(PROJECT_ROOT, 'workflows');

export type WorkerDeps = {
  db: Db;
  /** Opens and seals national ids and dates of birth (ENCRYPTION_KEYS); the encryption pass re-seals with it. */
  cipher: FieldCipher;
  /** For activities that talk to other workflows (e.g. a triage agent freezing a card). */
  temporal: Client;
  taskQueuePrefix?: string;
  thresholds?: ScreeningThresholds;
  /** Email and SMS providers; a channel without one uses the local outbox. */
  providers?: NotifyDeps['providers'];
  /** Signs customers' answer links (LINK_SIGNING_KEY); the API verifies with the same key. */
  linkKey?: string;
  /** Where answer links point (PUBLIC_URL). */
  publicUrl?: string;
  /** Where emails' action buttons lead (APP_URL). */
  appUrl?: string;
  /** Bail charges (Stripe or the local provider). */
  payments?: PaymentProvider;
  /** Bail e-signatures (DocuSign or the local provider). */
  esign?: ESignProvider;
  /** Audit events older than this are deleted by the daily audit-retention schedule. */
  auditRetentionDays?: number;
  /** Notifications and delivery records kept this long by the daily notification-retention schedule. */
  retention?: NotifyDeps['retention'];
};

/** Which workflows and activities each context's task queue runs. Adding a context is one entry here. */
export const WORKER_REGISTRY: Partial<
  Record<Context, { workflowsPath: string; activities: (deps: WorkerDeps) => object }>
> = {
  platform: {
    workflowsPath: path.join(WORKFLOWS_DIR, 'platform', 'index.ts'),
    activities: (deps) => createPlatformActivities(deps),
  },
  notify: {
    workflowsPath: path.join(WORKFLOWS_DIR, 'notify', 'index.ts'),
    activities: (deps) => ({ ...createNotifyActivities(deps), ...createContactActivities(deps) }),
  },
  triage: {
    workflowsPath: path.join(WORKFLOWS_DIR, 'triage', 'index.ts'),
    activities: (deps) => createTriageActivities(deps),
  },
  rules: {
    workflowsPath: path.join(WORKFLOWS_DIR, 'rules', 'index.ts'),
    activities: (deps) => createRulesActivities(deps),
  },
  bail: {
    workflowsPath: path.join(WORKFLOWS_DIR, 'bail', 'index.ts'),
    activities: (deps) => createBailActivities(deps),
  },
  insights: {
    workflowsPath: path.join(WORKFLOWS_DIR, 'insights', 'index.ts'),
    activities: (deps) => createInsightsActivities(deps),
  },
};
