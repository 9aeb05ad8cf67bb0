/**
 * The seed's four behaviour detectors, pure: the same interactions and the same `now` give the
 * same patterns. Run by the hourly pass and on demand (commands/insights/detect-patterns.ts).
 */

export const CHANNELS = ['web', 'mobile', 'email', 'chat', 'phone'] as const;
export type Channel = (typeof CHANNELS)[number];

export type PatternInput = {
  occurredAt: number;
  channel: Channel;
  sentimentLabel: 'positive' | 'negative' | 'neutral' | null;
  compound: number | null;
};

export type DetectedPattern = {
  patternType: string;
  confidence: number;
  frequency: number;
  description: string;
  metadata: Record<string, unknown>;
};

export const LOOKBACK_DAYS = 30;
export const MIN_INTERACTIONS = 5;
export const MIN_CONFIDENCE = 0.7;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const clamp01 = (x: number) => Math.max(0, Math.min(1, x));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Per channel: uses, and how regular the gaps between them are (1 − coefficient of variation). */
export function channelFrequency(list: readonly PatternInput[]) {
  const out = new Map<Channel, { count: number; regularity: number; avgIntervalHours: number }>();
  for (const channel of CHANNELS) {
    const times = list
      .filter((i) => i.channel === channel)
      .map((i) => i.occurredAt)
      .sort((a, b) => a - b);
    if (times.length < 2) continue;
    const gaps = times.slice(1).map((t, k) => (t - times[k]!) / HOUR);
    const m = mean(gaps);
    const sd = Math.sqrt(mean(gaps.map((g) => (g - m) ** 2)));
    out.set(channel, {
      count: times.length,
      regularity: m > 0 ? clamp01(1 - sd / m) : 0,
      avgIntervalHours: round4(m),
    });
  }
  return out;
}

/** How consistent the customer's sentiment is (the dominant label's share) and where it is heading. */
export function sentimentTrend(list: readonly PatternInput[]) {
  const labelled = list.filter((i) => i.sentimentLabel !== null).sort((a, b) => a.occurredAt - b.occurredAt);
  if (!labelled.length) return null;
  const counts = { positive: 0, negative: 0, neutral: 0 };
  for (const i of labelled) counts[i.sentimentLabel!] += 1;
  const dominant = (['negative', 'positive', 'neutral'] as const).reduce((a, b) =>
    counts[b] > counts[a] ? b : a,
  );
  const scores = labelled.map((i) => i.compound ?? 0);
  const half = Math.floor(scores.length / 2);
  const delta = half ? mean(scores.slice(half)) - mean(scores.slice(0, half)) : 0;
  return {
    dominant,
    consistency: counts[dominant] / labelled.length,
    direction: delta > 0.1 ? 'improving' : delta < -0.1 ? 'declining' : 'stable',
    average: round4(mean(scores)),
    count: labelled.length,
  };
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Hour and weekday of an instant in a time zone. */
function localParts(at: number, zone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    hour: 'numeric',
    weekday: 'long',
  }).formatToParts(new Date(at));
  return {
    hour: Number(parts.find((p) => p.type === 'hour')!.value) % 24,
    weekday: WEEKDAYS.indexOf(parts.find((p) => p.type === 'weekday')!.value),
  };
}

/**
 * Where the customer's interactions concentrate in the customer's time zone: the busiest
 * three-hour window of the day, or the busiest weekday, whichever holds the larger share.
 */
export function temporalPattern(list: readonly PatternInput[], zone: string) {
  if (!list.length) return null;
  const hours = new Array<number>(24).fill(0);
  const days = new Array<number>(7).fill(0);
  for (const i of list) {
    const p = localParts(i.occurredAt, zone);
    hours[p.hour]! += 1;
    days[p.weekday]! += 1;
  }
  // The busiest window; of equally busy ones, the one centred on the busiest hour.
  let bestHour = 0;
  let hourCount = -1;
  let middle = -1;
  for (let h = 0; h < 24; h++) {
    const c = hours[h]! + hours[(h + 1) % 24]! + hours[(h + 2) % 24]!;
    const m = hours[(h + 1) % 24]!;
    if (c > hourCount || (c === hourCount && m > middle)) [bestHour, hourCount, middle] = [h, c, m];
  }
  const bestDay = days.indexOf(Math.max(...days));
  const dayCount = days[bestDay]!;
  const pad = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
  return hourCount >= dayCount
    ? {
        confidence: hourCount / list.length,
        occurrences: hourCount,
        description: `Customer is most active between ${pad(bestHour)} and ${pad(bestHour + 3)} (${zone})`,
        metadata: {
          kind: 'hour_of_day',
          start_hour: bestHour,
          end_hour: (bestHour + 3) % 24,
          time_zone: zone,
        },
      }
    : {
        confidence: dayCount / list.length,
        occurrences: dayCount,
        description: `Customer is most active on ${WEEKDAYS[bestDay]}s (${zone})`,
        metadata: { kind: 'weekday', weekday: WEEKDAYS[bestDay], time_zone: zone },
      };
}

/**
 * Engagement 0–1: recency (0.4: how recent the last interaction is in the lookback), frequency
 * (0.4: one a day is full marks) and breadth (0.2: channels used of five). The trend compares
 * the second half of the lookback with the first.
 */
export function engagementScore(list: readonly PatternInput[], now: number, lookbackDays = LOOKBACK_DAYS) {
  const window = lookbackDays * DAY;
  const last = Math.max(...list.map((i) => i.occurredAt));
  const recency = clamp01(1 - (now - last) / window);
  const frequency = clamp01(list.length / lookbackDays);
  const breadth = new Set(list.map((i) => i.channel)).size / CHANNELS.length;
  const score = round4(clamp01(0.4 * recency + 0.4 * frequency + 0.2 * breadth));
  const mid = now - window / 2;
  const recent = list.filter((i) => i.occurredAt >= mid).length;
  const earlier = list.length - recent;
  const trend = recent > earlier * 1.2 ? 'increasing' : recent < earlier * 0.8 ? 'decreasing' : 'stable';
  return {
    score,
    level: score >= 0.7 ? 'high' : score >= 0.4 ? 'medium' : 'low',
    interactionCount: list.length,
    trend,
  } as const;
}

/**
 * The seed's detectPatterns over the lookback: nothing below five interactions; only patterns of
 * confidence ≥ 0.7, one per type, strongest first.
 */
export function detectPatterns(
  all: readonly PatternInput[],
  o: { now: number; timeZone?: string; lookbackDays?: number },
): DetectedPattern[] {
  const lookbackDays = o.lookbackDays ?? LOOKBACK_DAYS;
  const list = all.filter((i) => i.occurredAt <= o.now && i.occurredAt > o.now - lookbackDays * DAY);
  if (list.length < MIN_INTERACTIONS) return [];
  const found: DetectedPattern[] = [];

  for (const [channel, f] of channelFrequency(list)) {
    if (f.count >= 10 && f.regularity > MIN_CONFIDENCE)
      found.push({
        patternType: `frequent_${channel}_user`,
        confidence: f.regularity,
        frequency: f.count,
        description: `Customer frequently uses the ${channel} channel`,
        metadata: { channel, avg_interval_hours: f.avgIntervalHours },
      });
  }
  const s = sentimentTrend(list);
  if (s && s.count >= MIN_INTERACTIONS && s.consistency > MIN_CONFIDENCE)
    found.push({
      patternType: `${s.dominant}_sentiment_trend`,
      confidence: s.consistency,
      frequency: s.count,
      description: `Customer shows consistent ${s.dominant} sentiment`,
      metadata: { trend: s.direction, average: s.average },
    });
  const t = temporalPattern(list, o.timeZone ?? 'UTC');
  if (t && t.confidence > MIN_CONFIDENCE)
    found.push({
      patternType: 'temporal_pattern',
      confidence: t.confidence,
      frequency: t.occurrences,
      description: t.description,
      metadata: t.metadata,
    });
  const e = engagementScore(list, o.now, lookbackDays);
  if (e.score > MIN_CONFIDENCE)
    found.push({
      patternType: `${e.level}_engagement`,
      confidence: e.score,
      frequency: e.interactionCount,
      description: `Customer shows ${e.level} engagement`,
      metadata: { score: e.score, trend: e.trend },
    });

  return found
    .map((p) => ({ ...p, confidence: round4(p.confidence) }))
    .filter((p) => p.confidence >= MIN_CONFIDENCE)
    .sort((a, b) => b.confidence - a.confidence || a.patternType.localeCompare(b.patternType));
}
