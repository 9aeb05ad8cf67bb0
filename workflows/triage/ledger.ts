/**
 * How a posted transaction moves its account's balance. Pure; the numbers are moved in SQL
 * (numeric), by the absolute amount: these types add, every other type subtracts.
 */
export const CREDIT_TRANSACTION_TYPES = [
  'deposit',
  'refund',
  'reversal',
  'credit',
  'transfer_in',
  'interest',
  'cashback',
] as const;

/**
 * Failed and reversed transactions never moved money; pending ones hold it (available balance).
 * The same statuses make a customer's history for screening.
 */
export const POSTING_STATUSES = ['pending', 'completed'] as const;
