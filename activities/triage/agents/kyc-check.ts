import { kycHistory } from '../../../db/triage/customer-history.js';
import { getCustomer } from '../../../db/customers/customers.js';
import { recentSentiment } from '../../../db/insights/interactions.js';
import { listPatterns } from '../../../db/insights/patterns.js';
import type { AgentImpl } from '../types.js';

/** How far back the customer's sentiment is context for an alert. */
const SENTIMENT_DAYS = 7;

/**
 * KYC status, risk profile, account age and the customer's prior alerts and disputes; and what
 * insights knows of them: their sentiment this week and their current behaviour patterns (a
 * customer angry on chat the day of a disputed payment is context for the operator).
 */
export const kycCheck: AgentImpl = async (ctx, { db }) => {
  const customer = await getCustomer(db, ctx.orgId, ctx.customerId);
  if (!customer) throw new Error(`customer ${ctx.customerId} not found`);
  const counts = await kycHistory(db, ctx.orgId, ctx.customerId, ctx.alertId);
  const opened = counts.first_account ?? customer.created_at;
  const since = new Date(Date.now() - SENTIMENT_DAYS * 86_400_000).toISOString();
  const [sentiment, patterns] = await Promise.all([
    recentSentiment(db, ctx.orgId, ctx.customerId, since),
    listPatterns(db, ctx.orgId, ctx.customerId),
  ]);
  const accountAgeDays = Math.max(0, Math.floor((Date.now() - Date.parse(opened)) / 86_400_000));
  return {
    kycStatus: customer.kyc_status,
    riskProfile: customer.risk_profile,
    accountAgeDays,
    priorAlerts: counts.prior_alerts,
    priorDisputes: counts.disputes,
    verified: customer.kyc_status === 'verified',
    recentSentiment: { days: SENTIMENT_DAYS, ...sentiment },
    patterns: patterns.map((p) => p.pattern_type),
  };
};
