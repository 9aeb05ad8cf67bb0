import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

/** What the fraud agent weighs from a customer's past: confirmed fraud cases, alerts in the last 90 days. */
export function fraudHistory(
  db: Queryable,
  orgId: string,
  customerId: string,
): Promise<{ confirmed: number; alerts: number }> {
  return db.one(sql.type(z.object({ confirmed: z.number(), alerts: z.number() }))`
    SELECT
      (SELECT count(*)::int FROM cases WHERE org_id = ${orgId} AND customer_id = ${customerId}
        AND outcome = 'confirmed_fraud') AS confirmed,
      (SELECT count(*)::int FROM alerts WHERE org_id = ${orgId} AND customer_id = ${customerId}
        AND created_at > now() - interval '90 days') AS alerts`);
}

/** What the KYC agent reports: other alerts, disputes, and when the first account was opened. */
export function kycHistory(
  db: Queryable,
  orgId: string,
  customerId: string,
  alertId: string,
): Promise<{ prior_alerts: number; disputes: number; first_account: string | null }> {
  return db.one(sql.type(
    z.object({ prior_alerts: z.number(), disputes: z.number(), first_account: z.string().nullable() }),
  )`
    SELECT
      (SELECT count(*)::int FROM alerts WHERE org_id = ${orgId} AND customer_id = ${customerId}
        AND id <> ${alertId}) AS prior_alerts,
      (SELECT count(*)::int FROM disputes WHERE org_id = ${orgId} AND customer_id = ${customerId}) AS disputes,
      (SELECT min(created_at)::text FROM accounts WHERE org_id = ${orgId} AND customer_id = ${customerId}) AS first_account`);
}
