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

/** A charge's end: `skipped` when the plan or installment no longer needs it. */
export type ChargeOutcome = 'succeeded' | 'processing' | 'failed' | 'skipped';

type DocRef = { orgId: string; documentId: string };
type PlanRef = { orgId: string; planId: string };

/** A payment plan as its workflow plans the next charge, read fresh each time. */
export type PlanState = {
  status: 'active' | 'paid' | 'delinquent' | 'cancelled';
  /** The client's zone: installments are charged on their due date's morning there. */
  timeZone: string;
  /** The first installment not paid yet, or null when all are. */
  next: {
    id: string;
    seq: number;
    dueDate: string;
    amount: string;
    /** Charges tried (each with its own idempotency key). */
    attempts: number;
    /** Its latest attempt failed (the client is told, and it is tried again on the dunning schedule). */
    failed: boolean;
    /** A charge the provider accepted but has not settled (its webhook will). */
    processing: boolean;
  } | null;
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

  loadPaymentPlan(input: PlanRef): Promise<PlanState>;
  /**
   * Charges an installment off-session, once per installment and attempt (the provider's
   * idempotency key): a retry after a crash gets the first charge's answer, not a second charge.
   */
  chargeInstallment(
    input: PlanRef & { installmentId: string; attempt: number },
  ): Promise<{ status: ChargeOutcome }>;
  /** Tells the client a charge failed and when it is tried again (or that the plan is past due). */
  sendDunningNotice(input: PlanRef & { installmentId: string; attempt: number }): Promise<void>;
  /** Every attempt failed: the plan is delinquent, the agent gets a task and the client a notice. */
  markPlanDelinquent(input: PlanRef & { installmentId: string }): Promise<void>;
  /** Every installment is paid: the plan is paid. */
  completePaymentPlan(input: PlanRef): Promise<void>;
  /** Card charges whose provider answer was lost, settled by asking the provider (a page of them). */
  settleUnansweredCharges(input: { olderThanSeconds: number }): Promise<{ settled: number }>;

  /** Sends the document's envelope once (a retry finds the one already sent). */
  sendEnvelope(input: DocRef): Promise<{ envelopeId: string }>;
  loadDocument(input: DocRef): Promise<{
    status: 'draft' | 'sent' | 'signed' | 'declined' | 'voided' | 'expired';
    expiresAt: string;
  }>;
  /** Resends the envelope to the signer, once per document and days left. */
  remindSigner(input: DocRef & { daysLeft: number }): Promise<void>;
  /** The envelope expired unsigned: the document is `expired` and the agent gets a task. */
  expireDocument(input: DocRef): Promise<void>;
}
