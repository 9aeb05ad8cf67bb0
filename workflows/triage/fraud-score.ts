import type { Signal } from './screening.js';

export type FraudFeatures = {
  screeningScore: number;
  signals: Signal[];
  riskProfile: 'low' | 'medium' | 'high';
  priorConfirmedFraud: number;
  alertsLast90Days: number;
  kycStatus: string;
  /** Suspicious transactions grouped in the alert (a card-testing burst is many small ones). */
  burstTransactions?: number;
};

/** This many suspicious transactions in one alert is a burst (card testing), whatever their amounts. */
export const BURST_TRANSACTIONS = 10;

export type FraudAssessment = {
  riskScore: number;
  fraudProbability: number;
  reasons: string[];
  recommendation: 'freeze_card' | 'contact_customer' | 'monitor';
};

/** The fraud-detector agent's verdict from the transaction's signals and the customer's record. Pure. */
export function assessFraud(f: FraudFeatures): FraudAssessment {
  const reasons = f.signals.map((s) => s.reason);
  let score = f.screeningScore;
  if (f.riskProfile === 'high') {
    score += 1.5;
    reasons.push('customer risk profile is high');
  } else if (f.riskProfile === 'low') {
    score -= 1;
  }
  if (f.priorConfirmedFraud > 0) {
    score += 1.5 * Math.min(f.priorConfirmedFraud, 2);
    reasons.push(`${f.priorConfirmedFraud} prior confirmed fraud case(s)`);
  }
  if (f.alertsLast90Days > 2) {
    score += 1;
    reasons.push(`${f.alertsLast90Days} alerts in the last 90 days`);
  }
  if ((f.burstTransactions ?? 1) >= BURST_TRANSACTIONS) {
    score += 2;
    reasons.push(`${f.burstTransactions} suspicious transactions in one burst`);
  }
  if (f.kycStatus !== 'verified') {
    score += 0.5;
    reasons.push(`KYC status is ${f.kycStatus}`);
  }
  const riskScore = Math.round(Math.min(10, Math.max(0, score)) * 10) / 10;
  // Logistic curve centred on 5: a score of 7 is ~0.88, 9 is ~0.98.
  const fraudProbability = Math.round((1 / (1 + Math.exp(-(riskScore - 5)))) * 100) / 100;
  const recommendation = riskScore > 7 ? 'freeze_card' : riskScore > 4 ? 'contact_customer' : 'monitor';
  return { riskScore, fraudProbability, reasons, recommendation };
}
