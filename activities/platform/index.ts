import { ApplicationFailure } from '@temporalio/activity';
import { NotFoundError } from 'slonik';
import { enforceRetention } from '../../db/platform/audit.js';
import { deleteOldEvents } from '../../db/platform/events.js';
import * as checks from '../../db/platform/pipeline-checks.js';
import { listOrganizationIds } from '../../db/platform/organizations.js';
import type { Db } from '../../db/pool.js';
import { resealCustomers } from '../../db/customers/customers.js';
import { ensureTransactionPartitions } from '../../db/triage/transactions.js';
import { ensureInteractionPartitions } from '../../db/insights/interactions.js';
import type { FieldCipher } from '../../lib/field-encryption.js';
import type { Client } from '@temporalio/client';
import { sweepPendingStarts } from '../../temporal/clients/pending-starts.js';

/** Seven years, the usual bar for financial records. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 7 * 365;
/** The stream's events are kept a week: replay reaches back a day, the rest is for operators. */
export const EVENT_RETENTION_DAYS = 7;
const EVENT_RETENTION_BATCH = 10_000;

export type PlatformDeps = {
  db: Db;
  cipher: FieldCipher;
  auditRetentionDays?: number | undefined;
  /** Starts owed workflows (the start-pending sweeper). */
  temporal?: Client | undefined;
  taskQueuePrefix?: string | undefined;
};

export function createPlatformActivities({
  db,
  cipher,
  auditRetentionDays,
  temporal,
  taskQueuePrefix,
}: PlatformDeps) {
  return {
    /** Starts every workflow a committed row has been owed for `olderThanSeconds` (same ids: never twice). */
    async startPendingWorkflows(input: { olderThanSeconds: number }) {
      if (!temporal) throw ApplicationFailure.nonRetryable('no Temporal client', 'Misconfigured');
      return sweepPendingStarts(temporal, db, {
        olderThanSeconds: input.olderThanSeconds,
        prefix: taskQueuePrefix,
      });
    },

    async listOrganizationIds(): Promise<string[]> {
      return [...(await listOrganizationIds(db))];
    },

    /** One batch of the encryption pass, in one transaction (its rows stay locked until it commits). */
    async resealCustomers(q: {
      orgId: string;
      after: string | null;
      limit: number;
    }): Promise<{ scanned: number; resealed: number; last: string | null }> {
      return db.transaction((tx) => resealCustomers(tx, q.orgId, q, cipher));
    },

    /** Drops audit events past the retention period (AUDIT_RETENTION_DAYS). */
    /** One batch of old stream events deleted; a full batch means there may be more. */
    async enforceEventRetention(): Promise<{ deleted: number; more: boolean }> {
      const deleted = await deleteOldEvents(db, EVENT_RETENTION_DAYS, EVENT_RETENTION_BATCH);
      return { deleted, more: deleted === EVENT_RETENTION_BATCH };
    },

    async enforceAuditRetention(): Promise<number> {
      return enforceRetention(db, auditRetentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS);
    },

    /** Creates the missing monthly partitions of `transactions` (idempotent: existing ones are kept). */
    async ensureTransactionPartitions({ monthsAhead }: { monthsAhead: number }): Promise<number> {
      return ensureTransactionPartitions(db, monthsAhead);
    },

    /** Creates the missing monthly partitions of `interactions` (idempotent). */
    async ensureInteractionPartitions({ monthsAhead }: { monthsAhead: number }): Promise<number> {
      return ensureInteractionPartitions(db, monthsAhead);
    },

    /** Idempotent: a retry after a crash finds the row completed and returns it unchanged. */
    async completePipelineCheck(
      orgId: string,
      checkId: string,
    ): Promise<{ databaseTime: string; postgresVersion: string }> {
      try {
        const row = await checks.completePipelineCheck(db, orgId, checkId);
        return { databaseTime: row.database_time ?? '', postgresVersion: row.postgres_version ?? '' };
      } catch (err) {
        if (err instanceof NotFoundError) {
          throw ApplicationFailure.nonRetryable(`pipeline check ${checkId} not found`, 'NotFound');
        }
        throw err;
      }
    },
  };
}
