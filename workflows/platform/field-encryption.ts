import { continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createPlatformActivities } from '../../activities/platform/index.js';

const { listOrganizationIds, resealCustomers } = proxyActivities<ReturnType<typeof createPlatformActivities>>(
  {
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
  },
);

export type RotateFieldEncryptionInput = {
  /** One organisation (the admin endpoint), or every one (the daily schedule). */
  orgId?: string;
  /** Where a continued run picks up: organisations left, and the last customer id done in the first. */
  remaining?: string[];
  after?: string | null;
  resealed?: number;
  batchSize?: number;
};

/**
 * Re-seals every national id and date of birth not under the active key (and seals legacy
 * plaintext), a batch of customers per activity, so a key can be retired once this finishes.
 * Run daily by the `field-encryption` schedule and on demand by POST /admin/encryption/rotate.
 */
export async function rotateFieldEncryption(
  input: RotateFieldEncryptionInput = {},
): Promise<{ resealed: number }> {
  const remaining = input.remaining ?? (input.orgId ? [input.orgId] : await listOrganizationIds());
  const batchSize = input.batchSize ?? 500;
  let resealed = input.resealed ?? 0;
  let after = input.after ?? null;
  while (remaining.length) {
    const step = await resealCustomers({ orgId: remaining[0]!, after, limit: batchSize });
    resealed += step.resealed;
    after = step.scanned < batchSize ? null : step.last;
    if (after === null) remaining.shift();
    if (workflowInfo().continueAsNewSuggested && remaining.length) {
      await continueAsNew<typeof rotateFieldEncryption>({ ...input, remaining, after, resealed, batchSize });
    }
  }
  return { resealed };
}
