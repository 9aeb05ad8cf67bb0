import { updateCase } from '../../../db/triage/cases.js';
import { getAlert } from '../../../db/triage/alerts.js';
import type { AgentImpl } from '../types.js';

type KycContext = {
  recentSentiment?: {
    days: number;
    interactions: number;
    negative: number;
    average_sentiment: number | null;
  };
  patterns?: string[];
};

/** The customer's recent sentiment and patterns, when insights holds any (runs recorded before it have none). */
function customerContext(kyc: Record<string, unknown> | undefined): string[] {
  const { recentSentiment: s, patterns = [] } = (kyc ?? {}) as KycContext;
  const lines: string[] = [];
  if (s && s.interactions > 0)
    lines.push(
      `Customer sentiment (${s.days} days): ${s.interactions} interaction(s), ${s.negative} negative, mean ${s.average_sentiment ?? 'n/a'}.`,
    );
  if (patterns.length) lines.push(`Patterns: ${patterns.join(', ')}.`);
  return lines;
}

/** Writes the case summary from the alert and every agent's result. */
export const caseSummarizer: AgentImpl = async (ctx, { db }) => {
  const alert = await getAlert(db, ctx.orgId, ctx.alertId);
  const fraud = ctx.inputs['fraud-detector'];
  const kyc = ctx.inputs['kyc-check'];
  const card = ctx.inputs['card-manager'];
  const lines = [
    `${alert?.title ?? 'Alert'} (${alert?.priority ?? 'unknown'} priority).`,
    fraud
      ? `Fraud score ${String(fraud.riskScore)}/10, probability ${String(fraud.fraudProbability)}; recommendation: ${String(fraud.recommendation)}.`
      : 'Fraud assessment unavailable.',
    kyc
      ? `KYC ${String(kyc.kycStatus)}, risk profile ${String(kyc.riskProfile)}, account age ${String(kyc.accountAgeDays)} days, ${String(kyc.priorAlerts)} prior alert(s), ${String(kyc.priorDisputes)} dispute(s).`
      : 'KYC check unavailable.',
    ...customerContext(kyc),
    card
      ? card.action === 'card_frozen'
        ? `Card frozen until ${String(card.frozen_until)}.`
        : `Card: no action (${String(card.reason)}).`
      : 'Card action unavailable.',
  ];
  const summary = lines.join(' ');
  await updateCase(db, ctx.orgId, ctx.caseId, { summary });
  return { summary };
};
