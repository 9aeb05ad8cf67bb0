/** The API's alert vocabulary, as the console lists and orders it. */
export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export const PRIORITY_RANK = { critical: 4, high: 3, medium: 2, low: 1 } as const;
export const OUTCOMES = ['confirmed_fraud', 'false_positive', 'customer_confirmed', 'inconclusive'] as const;
/** The queue's "older than" choices. */
export const AGE_MS = { '1h': 3600_000, '24h': 86400_000, '7d': 7 * 86400_000 } as const;
export type AgeFilter = keyof typeof AGE_MS;
