import { kycHistory } from '../../../db/triage/customer-history.js';
import { getCustomer } from '../../../db/customers/customers.js';
import type { AgentImpl } from '../types.js';

/** KYC status, risk profile, account age and the customer's prior alerts and disputes. */
export const kycCheck: AgentImpl = async (ctx, { db }) => {
  const customer = await getCustomer(db, ctx.orgId, ctx.customerId);
  if (!customer) throw new Error(`customer ${ctx.customerId} not found`);
  const counts = await kycHistory(db, ctx.orgId, ctx.customerId, ctx.alertId);
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
