import { getAlert } from '../../../db/triage/alerts.js';
import { fraudHistory } from '../../../db/triage/customer-history.js';
import { getCustomer } from '../../../db/customers/customers.js';
import type { AlertData } from '../../../workflows/triage/alert-grouping.js';
import { getTransaction } from '../../../db/triage/transactions.js';
import { assessFraud } from '../../../workflows/triage/fraud-score.js';
import { DEFAULT_THRESHOLDS, screenTransaction } from '../../../workflows/triage/screening.js';
import type { AgentImpl } from '../types.js';
import { screeningFeatures } from '../features.js';

/** Risk score 0–10, fraud probability, reasons and a recommendation, from the customer's real history. */
export const fraudDetector: AgentImpl = async (ctx, { db, thresholds = DEFAULT_THRESHOLDS }) => {
  const customer = await getCustomer(db, ctx.orgId, ctx.customerId);
  if (!customer) throw new Error(`customer ${ctx.customerId} not found`);
  const tx = ctx.transactionId ? await getTransaction(db, ctx.orgId, ctx.transactionId) : null;
  const screening = tx ? screenTransaction(await screeningFeatures(db, tx, thresholds), thresholds) : null;
  const record = await fraudHistory(db, ctx.orgId, ctx.customerId);
  // The alert holds the whole burst: every rule that fired on its transactions, the worst score, the count.
  const burst = ((await getAlert(db, ctx.orgId, ctx.alertId))?.data ?? {}) as Partial<AlertData>;
  const signals = burst.signals?.length ? burst.signals : (screening?.signals ?? []);
  const assessment = assessFraud({
    screeningScore: Math.max(screening?.riskScore ?? 0, Number(burst.risk_score ?? 0)),
    signals,
    burstTransactions: burst.transaction_count ?? 1,
    riskProfile: customer.risk_profile,
    priorConfirmedFraud: record.confirmed,
    alertsLast90Days: record.alerts,
    kycStatus: customer.kyc_status,
  });
  return { ...assessment, signals };
};
