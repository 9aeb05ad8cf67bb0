/**
 * The case timeline's vocabulary and the one place alert and case status may change. Pure:
 * imported by workflows, commands and db/ alike; the `case_events.type` CHECK in the database is
 * the same list (test/unit/triage/case-events.test.ts compares them).
 */
export const CASE_EVENT_TYPES = [
  // The triage itself.
  'triage_started',
  'agent_completed',
  'agent_failed',
  'agent_skipped',
  'evidence_added',
  'escalated',
  'escalated_to_supervisor',
  // Operators.
  'assigned',
  'resolved',
  'note_added',
  'reopened',
  // The card.
  'card_frozen',
  'card_unfrozen',
  'replacement_card_requested',
  // The dispute.
  'dispute_opened',
  'dispute_deadline_approaching',
  'dispute_submitted',
  'dispute_won',
  'dispute_lost',
  'dispute_expired',
  // The customer.
  'customer_contacted',
  'customer_replied',
  'customer_no_reply',
  'callback_requested',
] as const;
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

export const CASE_OUTCOMES = [
  'confirmed_fraud',
  'false_positive',
  'customer_confirmed',
  'inconclusive',
] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

export const ALERT_STATUSES = ['open', 'assigned', 'resolved', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const CASE_STATUSES = ['pending', 'investigating', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

const ALERT_MOVES: Record<AlertStatus, readonly AlertStatus[]> = {
  open: ['assigned', 'resolved'],
  // Reassigning keeps it assigned.
  assigned: ['assigned', 'resolved'],
  // A reopened case opens its alert again.
  resolved: ['open', 'assigned'],
  closed: [],
};
const CASE_MOVES: Record<CaseStatus, readonly CaseStatus[]> = {
  pending: ['investigating', 'closed'],
  investigating: ['closed'],
  closed: ['investigating'],
};

/** Whether an alert or a case may go from one status to the other. */
export function canTransition(kind: 'alert', from: AlertStatus, to: AlertStatus): boolean;
export function canTransition(kind: 'case', from: CaseStatus, to: CaseStatus): boolean;
export function canTransition(kind: 'alert' | 'case', from: string, to: string): boolean {
  const moves = (kind === 'alert' ? ALERT_MOVES : CASE_MOVES) as Record<string, readonly string[]>;
  return moves[from]?.includes(to) ?? false;
}

/** The statuses a move to `to` may start from: the guard of the UPDATE that makes it. */
export function statusesBefore(kind: 'alert', to: AlertStatus): AlertStatus[];
export function statusesBefore(kind: 'case', to: CaseStatus): CaseStatus[];
export function statusesBefore(kind: 'alert' | 'case', to: string): string[] {
  const moves = (kind === 'alert' ? ALERT_MOVES : CASE_MOVES) as Record<string, readonly string[]>;
  return Object.keys(moves).filter((from) => moves[from]!.includes(to));
}
