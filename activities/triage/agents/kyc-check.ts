import { sql } from 'slonik';
import { z } from 'zod';
import { getCustomer } from '../../../db/triage/customers.js';
import type { AgentImpl } from '../deps.js';

/** KYC status, risk profile, account age and the customer's prior alerts and disputes. */
export const kycCheck: AgentImpl = async (ctx, { db }) => {
  const customer = await getCustomer(db, ctx.orgId, ctx.customerId);
  if (!customer) throw new Error(`customer ${ctx.customerId} not found`);
  const counts = await db.one(sql.type(
    z.object({ prior_alerts: z.number(), disputes: z.number(), first_account: z.string().nullable() }),
  )`
    SELECT
      (SELECT count(*)::int FROM alerts WHERE org_id = ${ctx.orgId} AND customer_id = ${ctx.customerId}
        AND id <> ${ctx.alertId}) AS prior_alerts,
      (SELECT count(*)::int FROM disputes WHERE org_id = ${ctx.orgId} AND customer_id = ${ctx.customerId}) AS disputes,
      (SELECT min(created_at)::text FROM accounts WHERE org_id = ${ctx.orgId} AND customer_id = ${ctx.customerId}) AS first_account`);
  const since = counts.first_account ?? customer.created_at;
  const accountAgeDays = Math.max(0, Math.floor((Date.now() - Date.parse(since)) / 86_400_000));
  return {
    kycStatus: customer.kyc_status,
    riskProfile: customer.risk_profile,
    accountAgeDays,
    priorAlerts: counts.prior_alerts,
    priorDisputes: counts.disputes,
    verified: customer.kyc_status === 'verified',
  };
};
