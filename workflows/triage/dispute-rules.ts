/** Days before the submit-by deadline at which the issuer is reminded. */
export const REMINDER_DAYS = [30, 7, 1];
export const DAY_MS = 86_400_000;

/** The network's submit-by window: 110 days after the transaction, 65 for `no_authorization`. */
export function submitByDeadline(transactionDate: string, reason: string): string {
  const days = reason === 'no_authorization' ? 65 : 110;
  return new Date(Date.parse(transactionDate) + days * DAY_MS).toISOString();
}

export const DISPUTE_REASONS = [
  'fraud',
  'no_authorization',
  'not_received',
  'not_as_described',
  'duplicate',
  'incorrect_amount',
  'cancelled_recurring',
  'other',
] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];
