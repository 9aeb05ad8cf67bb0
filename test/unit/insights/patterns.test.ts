import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHANNELS,
  detectPatterns,
  engagementScore,
  temporalPattern,
  type PatternInput,
} from '../../../workflows/insights/patterns.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const HOUR = 3_600_000;

const every = (n: number, gapHours: number, extra: Partial<PatternInput> = {}): PatternInput[] =>
  Array.from({ length: n }, (_, i) => ({
    occurredAt: NOW - (i + 1) * gapHours * HOUR,
    channel: 'chat',
    sentimentLabel: 'negative',
    compound: -0.6,
    ...extra,
  }));

const interaction = fc.record({
  occurredAt: fc.integer({ min: NOW - 40 * 24 * HOUR, max: NOW }),
  channel: fc.constantFrom(...CHANNELS),
  sentimentLabel: fc.constantFrom('positive' as const, 'negative' as const, 'neutral' as const, null),
  compound: fc.option(fc.double({ min: -1, max: 1, noNaN: true }), { nil: null }),
});

describe('behaviour pattern detectors', () => {
  it('finds a regular channel, a consistent sentiment and a time of day', () => {
    const found = detectPatterns(every(12, 24), { now: NOW });
    const types = found.map((p) => p.patternType);
    expect(types).toEqual(
      expect.arrayContaining(['frequent_chat_user', 'negative_sentiment_trend', 'temporal_pattern']),
    );
    expect(found.find((p) => p.patternType === 'frequent_chat_user')).toMatchObject({
      confidence: 1,
      frequency: 12,
      metadata: { channel: 'chat', avg_interval_hours: 24 },
    });
  });

  it('needs five interactions in the 30-day lookback', () => {
    expect(detectPatterns(every(4, 24), { now: NOW })).toEqual([]);
    // Forty days ago is outside the lookback.
    expect(detectPatterns(every(10, 24 * 10), { now: NOW }).length).toBe(0);
  });

  it("reads the time of day in the customer's zone", () => {
    // Every day at 01:00 UTC is 20:00 the evening before in New York (EST).
    const list = Array.from({ length: 10 }, (_, i) => ({
      ...every(1, 1)[0]!,
      occurredAt: Date.parse('2026-11-20T01:00:00Z') + i * 24 * HOUR,
    }));
    expect(temporalPattern(list, 'America/New_York')).toMatchObject({
      confidence: 1,
      metadata: { kind: 'hour_of_day', start_hour: 19 },
    });
    expect(temporalPattern(list, 'UTC')!.metadata).toMatchObject({ start_hour: 0 });
  });

  it('scores engagement 0..1 with a level and a trend', () => {
    const e = engagementScore(every(30, 24), NOW);
    expect(e.score).toBeGreaterThan(0);
    expect(e.score).toBeLessThanOrEqual(1);
    expect(e.level).toBe(e.score >= 0.7 ? 'high' : e.score >= 0.4 ? 'medium' : 'low');
    expect(engagementScore(every(10, 12), NOW).trend).toBe('increasing');
  });

  it('property 6: every pattern has confidence ≥ 0.7, strongest first, no type twice, pure', () => {
    fc.assert(
      fc.property(
        fc.array(interaction, { maxLength: 80 }),
        fc.constantFrom('UTC', 'Asia/Tokyo'),
        (list, tz) => {
          const found = detectPatterns(list, { now: NOW, timeZone: tz });
          const types = found.map((p) => p.patternType);
          const inWindow = list.filter((i) => i.occurredAt > NOW - 30 * 24 * HOUR).length;
          return (
            found.every((p) => p.confidence >= 0.7 && p.confidence <= 1 && p.frequency > 0) &&
            found.every((p, i) => i === 0 || found[i - 1]!.confidence >= p.confidence) &&
            new Set(types).size === types.length &&
            (inWindow >= 5 || found.length === 0) &&
            JSON.stringify(detectPatterns(list, { now: NOW, timeZone: tz })) === JSON.stringify(found)
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
