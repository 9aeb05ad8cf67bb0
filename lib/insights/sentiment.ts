import vader from 'vader-sentiment';

export const SENTIMENT_LABELS = ['positive', 'negative', 'neutral'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

/** Scores are proportions that sum exactly to 1 (in steps of 0.0001, as stored); compound is −1..1. */
export type Sentiment = {
  label: SentimentLabel;
  positive: number;
  negative: number;
  neutral: number;
  compound: number;
  confidence: number;
};

/**
 * What scores a text. VADER (rule-based, its lexicon inside the npm package) is the one Sentinel
 * ships; a transformer model can be put behind the same interface, with this one as its fallback.
 */
export interface SentimentModel {
  readonly name: string;
  score(text: string): Sentiment;
}

const URL = /\b(?:https?:\/\/|www\.)\S+/gi;
const EMAIL = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g;
const NUMBER = /[-+]?\d+(?:[.,]\d+)*/g;

/**
 * The seed's preprocessing: URLs, email addresses and numbers become tokens (they carry no
 * sentiment, and a URL's words must not count as the customer's), whitespace is collapsed. Case
 * and punctuation stay: VADER reads "GREAT!!!" as stronger than "great".
 */
export function preprocess(text: string): string {
  return text
    .replace(URL, ' [URL] ')
    .replace(EMAIL, ' [EMAIL] ')
    .replace(NUMBER, ' [NUM] ')
    .replace(/\s+/g, ' ')
    .trim();
}

const NEUTRAL: Sentiment = {
  label: 'neutral',
  positive: 0,
  negative: 0,
  neutral: 1,
  compound: 0,
  confidence: 1,
};

/** The label from VADER's compound score, with its authors' ±0.05 thresholds. */
export const labelOf = (compound: number): SentimentLabel =>
  compound >= 0.05 ? 'positive' : compound <= -0.05 ? 'negative' : 'neutral';

export const vaderModel: SentimentModel = {
  name: 'vader',
  score(text) {
    const clean = preprocess(text);
    // Nothing but placeholders or punctuation: no words to judge.
    if (!/\p{L}/u.test(clean.replace(/\[(?:URL|EMAIL|NUM)\]/g, ''))) return NEUTRAL;
    const s = vader.SentimentIntensityAnalyzer.polarity_scores(clean);
    const sum = s.pos + s.neg + s.neu;
    if (!(sum > 0)) return NEUTRAL;
    // Renormalised in ten-thousandths so the three stored scores sum to exactly 1.
    const pos = Math.round((s.pos / sum) * 10_000);
    const neg = Math.min(Math.round((s.neg / sum) * 10_000), 10_000 - pos);
    const neu = 10_000 - pos - neg;
    const compound = Math.round(Math.max(-1, Math.min(1, s.compound)) * 10_000) / 10_000;
    const label = labelOf(compound);
    const scores = { positive: pos / 10_000, negative: neg / 10_000, neutral: neu / 10_000 };
    return { label, ...scores, compound, confidence: scores[label] };
  },
};
