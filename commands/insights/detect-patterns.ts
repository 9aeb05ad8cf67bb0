import { lockCustomers } from '../../db/customers/customers.js';
import { patternInputs } from '../../db/insights/interactions.js';
import { replacePatterns } from '../../db/insights/patterns.js';
import type { Db } from '../../db/pool.js';
import { detectPatterns, LOOKBACK_DAYS, type DetectedPattern } from '../../workflows/insights/patterns.js';

/** A detected pattern holds for a week unless detection runs again (new interactions) before. */
export const PATTERN_VALID_HOURS = 7 * 24;

/**
 * Detects the patterns of a set of customers of one organisation over the 30-day lookback and
 * replaces their current ones, in one transaction: one read for the set, one write per table.
 * The customers' locks order it with their ingests, so an interaction is seen now or marks the
 * customer due again.
 */
export async function detectCustomerPatterns(
  db: Db,
  orgId: string,
  customers: readonly { id: string; timezone: string }[],
  now = Date.now(),
): Promise<Map<string, DetectedPattern[]>> {
  if (!customers.length) return new Map();
  return db.transaction(async (t) => {
    await lockCustomers(
      t,
      orgId,
      customers.map((c) => c.id),
    );
    const since = new Date(now - LOOKBACK_DAYS * 86_400_000).toISOString();
    const rows = await patternInputs(
      t,
      orgId,
      customers.map((c) => c.id),
      since,
    );
    const byCustomer = new Map<string, (typeof rows)[number][]>();
    for (const r of rows) {
      const list = byCustomer.get(r.customer_id);
      if (list) list.push(r);
      else byCustomer.set(r.customer_id, [r]);
    }
    const found = new Map(
      customers.map((c) => [
        c.id,
        detectPatterns(
          (byCustomer.get(c.id) ?? []).map((r) => ({
            occurredAt: Date.parse(r.occurred_at),
            channel: r.channel,
            sentimentLabel: r.sentiment_label,
            compound: r.compound,
          })),
          { now, timeZone: c.timezone },
        ),
      ]),
    );
    await replacePatterns(t, orgId, found, PATTERN_VALID_HOURS);
    return found;
  });
}
