import type { AppearanceStatus, BondStatus } from '../../workflows/bail/bond-status.js';

type BondRef = { orgId: string; bondId: string };

/** The bond's next court date as the reminder workflow plans it, read fresh each time. */
export type CourtPlan = {
  bondStatus: BondStatus;
  graceDays: number;
  /** The earliest appearance still scheduled, or a missed one whose failure to appear is not raised yet. */
  appearance: {
    id: string;
    scheduledAt: string;
    timeZone: string;
    status: AppearanceStatus;
    remindersSent: string[];
  } | null;
  /** Set while a failure to appear runs its grace period. */
  failureToAppear: { appearanceId: string; missedAt: string; forfeitureDueAt: string } | null;
};

/** What the bail workflows ask of the world (implemented in activities/bail/index.ts). */
export interface BailActivities {
  loadCourtPlan(input: BondRef): Promise<CourtPlan>;
  /** Tells the client and indemnitors of a court date; once per appearance and reminder key. */
  sendCourtReminder(input: BondRef & { appearanceId: string; reminder: string }): Promise<{ sent: number }>;
  /** Tells the client and indemnitors their court date moved. */
  sendRescheduleNotice(input: BondRef & { appearanceId: string }): Promise<{ sent: number }>;
  /** Asks the agent to record what happened at a hearing nobody has recorded. */
  requestOutcome(input: BondRef & { appearanceId: string }): Promise<void>;
  /**
   * A missed court date: starts the grace period on the bond, raises a critical task for the
   * agent and contacts the client and indemnitors. Returns when forfeiture falls due.
   */
  raiseFailureToAppear(input: BondRef & { appearanceId: string }): Promise<{ forfeitureDueAt: string }>;
  /** Reminds the agent that the bond forfeits in `daysLeft` days unless reinstated. */
  remindForfeiture(input: BondRef & { appearanceId: string; daysLeft: number }): Promise<void>;
  /** The grace period ended: the bond forfeits, its collateral with it, and recovery is handed on. */
  forfeitBond(input: BondRef & { appearanceId: string }): Promise<{ status: BondStatus }>;
}
