import type { BondRow } from '../../db/bail/bonds.js';
import type { PendingStart } from '../../db/platform/workflow-starts.js';
import type { AppearanceOutcome } from '../../workflows/bail/bond-status.js';
import { courtRemindersWorkflowId } from '../../workflows/bail/ids.js';

/** What a bond's court-reminder run is told after a commit (temporal/clients/bail.ts sends it). */
export type CourtSignal =
  | { type: 'changed' }
  | { type: 'rescheduled'; appearanceId: string; newAppearanceId: string; newTime: string }
  | { type: 'outcome'; appearanceId: string; outcome: AppearanceOutcome }
  | { type: 'reinstated' }
  | { type: 'closed' };

/**
 * The court-reminder run a bond is owed, with what to tell it: started or signalled with
 * signal-with-start, so a run that ended is started again. Owed again at every change (the
 * sweeper sends it if the send after the commit fails).
 */
export const courtRemindersStart = (
  orgId: string,
  bond: Pick<BondRow, 'id' | 'client_id'>,
  signal: CourtSignal = { type: 'changed' },
): PendingStart => ({
  workflow_id: courtRemindersWorkflowId(bond.id),
  org_id: orgId,
  kind: 'court_reminders',
  subject_id: bond.id,
  customer_id: bond.client_id,
  priority: null,
  input: { signal },
});
