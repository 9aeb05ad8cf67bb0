import { customerHistory, type CustomerHistory, type TransactionRow } from '../../db/triage/transactions.js';
import type { Queryable } from '../../db/pool.js';
import {
  haversineKm,
  type ScreeningFeatures,
  type ScreeningThresholds,
} from '../../workflows/triage/screening.js';

/** The screening features of a transaction, from its customer's history (customerHistories). */
export function featuresFrom(
  tx: Pick<
    TransactionRow,
    'amount' | 'channel' | 'merchant_name' | 'merchant_category' | 'location' | 'transaction_date'
  >,
  h: CustomerHistory,
  t: ScreeningThresholds,
): ScreeningFeatures {
  const here = tx.location;
  const last = h.last_location;
  const usual = h.usual_lat !== null && h.usual_lon !== null ? { lat: h.usual_lat, lon: h.usual_lon } : null;
  return {
    amount: Number(tx.amount),
    channel: tx.channel,
    merchantName: tx.merchant_name,
    merchantCategory: tx.merchant_category,
    merchantSeenBefore: h.merchant_seen,
    history: {
      count: h.history_count,
      avgAmount: Number(h.avg_amount ?? 0),
      stddevAmount: Number(h.stddev_amount ?? 0),
    },
    recentCount: h.recent_count,
    distanceKmFromLast: here && last ? haversineKm(here, last) : null,
    hoursSinceLast:
      here && h.last_date
        ? Math.abs(Date.parse(tx.transaction_date) - Date.parse(h.last_date)) / 3600_000
        : null,
    distanceKmFromUsual: here && usual && h.history_count >= t.minHistory ? haversineKm(here, usual) : null,
  };
}

/** The screening features of one transaction, read from the customer's history in Postgres. */
export async function screeningFeatures(
  db: Queryable,
  tx: TransactionRow,
  t: ScreeningThresholds,
): Promise<ScreeningFeatures> {
  return featuresFrom(tx, await customerHistory(db, tx, t), t);
}
