import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelOf, preprocess, vaderModel } from '../../../lib/insights/sentiment.js';

describe('sentiment (VADER behind SentimentModel)', () => {
  it('labels by the compound score and reports the winning class as confidence', () => {
    const angry = vaderModel.score('This is TERRIBLE, I want my money back!!!');
    expect(angry.label).toBe('negative');
    expect(angry.confidence).toBe(angry.negative);
    const happy = vaderModel.score('Thank you, the support was great');
    expect(happy.label).toBe('positive');
    expect(happy.confidence).toBe(happy.positive);
    expect(labelOf(0.05)).toBe('positive');
    expect(labelOf(-0.05)).toBe('negative');
    expect(labelOf(0.049)).toBe('neutral');
  });

  it('turns URLs, emails and numbers into tokens, and text without words is neutral 1.0', () => {
    expect(preprocess('Mail me at ada@example.com or see https://x.io/great  on 12.5')).toBe(
      'Mail me at [EMAIL] or see [URL] on [NUM]',
    );
    // "great" inside a URL is not the customer's word.
    expect(vaderModel.score('https://example.com/great-amazing-love').label).toBe('neutral');
    for (const t of ['', '   ', '!!! ...', '42 17', 'a@b.co'])
      expect(vaderModel.score(t)).toMatchObject({ label: 'neutral', neutral: 1, confidence: 1 });
  });

  it('property 4: scores lie in 0..1 and sum exactly to 1, compound in -1..1, label agrees', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 400 }),
        fc.constantFrom('', ' great', ' awful!', ' not bad'),
        (s, w) => {
          const r = vaderModel.score(s + w);
          for (const x of [r.positive, r.negative, r.neutral, r.confidence]) if (x < 0 || x > 1) return false;
          const sum =
            Math.round(r.positive * 10_000) +
            Math.round(r.negative * 10_000) +
            Math.round(r.neutral * 10_000);
          return sum === 10_000 && r.compound >= -1 && r.compound <= 1 && r.label === labelOf(r.compound);
        },
      ),
      { numRuns: 300 },
    );
  });
});
