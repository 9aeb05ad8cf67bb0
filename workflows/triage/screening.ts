/**
 * Real-time screening of one transaction against the customer's own history. Pure: the activity
 * gathers the features with SQL, this decides. Thresholds are configuration (SCREENING_* env).
 */
export type Severity = 'low' | 'medium' | 'high';

export type ScreeningFeatures = {
  amount: number;
  channel: string;
  merchantName: string | null;
  merchantCategory: string | null;
  /** Has the customer paid this merchant before (excluding this transaction)? */
  merchantSeenBefore: boolean;
  /** The customer's completed/pending transactions over the history window, excluding this one. */
  history: { count: number; avgAmount: number; stddevAmount: number };
  /** Transactions of the customer in the velocity window ending at this one, this one included. */
  recentCount: number;
  /** Distance and time from the customer's previous located transaction. */
  distanceKmFromLast: number | null;
  hoursSinceLast: number | null;
  /** Distance from the customer's usual location (median of past located transactions). */
  distanceKmFromUsual: number | null;
};

export type ScreeningThresholds = {
  historyDays: number;
  minHistory: number;
  amountMultiplier: number;
  minAnomalousAmount: number;
  velocityCount: number;
  velocityWindowMinutes: number;
  riskyCategories: string[];
  impossibleSpeedKmh: number;
  farFromUsualKm: number;
  cardNotPresentAmount: number;
};

export const DEFAULT_THRESHOLDS: ScreeningThresholds = {
  historyDays: 90,
  minHistory: 5,
  amountMultiplier: 3,
  minAnomalousAmount: 100,
  velocityCount: 5,
  velocityWindowMinutes: 10,
  riskyCategories: ['gambling', 'crypto', 'money_transfer', 'gift_cards', 'wire_transfer', 'jewelry'],
  impossibleSpeedKmh: 900,
  farFromUsualKm: 1500,
  cardNotPresentAmount: 500,
};

export type Signal = { rule: string; severity: Severity; reason: string };

export type Screening = {
  signals: Signal[];
  /** 0–10. */
  riskScore: number;
  riskLevel: Severity;
  /** The alert to raise, if any. */
  alert: { alertType: string; priority: 'low' | 'medium' | 'high' | 'critical'; title: string } | null;
};

const WEIGHT: Record<Severity, number> = { low: 1, medium: 2.5, high: 4 };
const round1 = (n: number) => Math.round(n * 10) / 10;

export function screenTransaction(
  f: ScreeningFeatures,
  t: ScreeningThresholds = DEFAULT_THRESHOLDS,
): Screening {
  const signals: Signal[] = [];

  if (f.history.count >= t.minHistory && f.amount >= t.minAnomalousAmount && f.history.avgAmount > 0) {
    const ratio = f.amount / f.history.avgAmount;
    const limit = Math.max(
      t.amountMultiplier * f.history.avgAmount,
      f.history.avgAmount + 3 * f.history.stddevAmount,
    );
    if (f.amount > limit) {
      signals.push({
        rule: 'amount_anomaly',
        severity: ratio >= 2 * t.amountMultiplier ? 'high' : 'medium',
        reason: `amount is ${round1(ratio)}× the customer's ${t.historyDays}-day average`,
      });
    }
  }
  if (f.recentCount >= t.velocityCount) {
    signals.push({
      rule: 'velocity',
      severity: f.recentCount >= 2 * t.velocityCount ? 'high' : 'medium',
      reason: `${f.recentCount} transactions within ${t.velocityWindowMinutes} minutes`,
    });
  }
  if (f.merchantCategory && t.riskyCategories.includes(f.merchantCategory) && !f.merchantSeenBefore) {
    signals.push({
      rule: 'risky_new_merchant',
      severity: 'medium',
      reason: `first payment to ${f.merchantName ?? 'a merchant'} in risky category ${f.merchantCategory}`,
    });
  }
  if (f.distanceKmFromLast !== null && f.hoursSinceLast !== null && f.distanceKmFromLast > 100) {
    const speed = f.distanceKmFromLast / Math.max(f.hoursSinceLast, 1 / 60);
    if (speed > t.impossibleSpeedKmh) {
      signals.push({
        rule: 'impossible_travel',
        severity: 'high',
        reason: `${Math.round(f.distanceKmFromLast)} km from the previous transaction in ${round1(f.hoursSinceLast)} h`,
      });
    }
  }
  if (
    f.distanceKmFromUsual !== null &&
    f.distanceKmFromUsual > t.farFromUsualKm &&
    !signals.some((s) => s.rule === 'impossible_travel')
  ) {
    signals.push({
      rule: 'far_from_usual',
      severity: 'medium',
      reason: `${Math.round(f.distanceKmFromUsual)} km from the customer's usual location`,
    });
  }
  if (f.channel === 'card_not_present' && f.amount >= t.cardNotPresentAmount) {
    signals.push({
      rule: 'card_not_present',
      severity: f.amount >= 5 * t.cardNotPresentAmount ? 'medium' : 'low',
      reason: `card-not-present payment of ${f.amount.toFixed(2)}`,
    });
  }

  const riskScore = round1(
    Math.min(
      10,
      signals.reduce((sum, s) => sum + WEIGHT[s.severity], 0),
    ),
  );
  const highs = signals.filter((s) => s.severity === 'high').length;
  const riskLevel: Severity = riskScore >= 7 ? 'high' : riskScore >= 3 ? 'medium' : 'low';
  if (!signals.length) return { signals, riskScore, riskLevel, alert: null };

  const top = [...signals].sort((a, b) => WEIGHT[b.severity] - WEIGHT[a.severity])[0]!;
  const priority =
    highs >= 2 || riskScore >= 9
      ? 'critical'
      : highs === 1 || riskScore >= 7
        ? 'high'
        : top.severity === 'medium'
          ? 'medium'
          : 'low';
  return {
    signals,
    riskScore,
    riskLevel,
    alert: { alertType: top.rule, priority, title: `Suspicious transaction: ${top.reason}` },
  };
}

/** Great-circle distance in km. */
export function haversineKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}
