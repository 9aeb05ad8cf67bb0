import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { startHttpFake, type FakeAnswer } from './http-fake.js';

type Intent = {
  id: string;
  object: 'payment_intent';
  amount: number;
  currency: string;
  status: 'succeeded' | 'processing' | 'requires_payment_method';
  payment_method: string;
  customer: string | null;
  metadata: Record<string, string>;
  last_payment_error: { code: string; decline_code: string; message: string } | null;
};

/** How the fake answers the next PaymentIntent (Stripe's test cards behave the same way by default). */
export type StripeOutcome = 'succeeded' | 'processing' | 'insufficient_funds' | 'card_declined';

type Scripted = { outcome: StripeOutcome; hold?: Promise<void>; customer?: string };

/** The fields of a form-encoded Stripe request (`metadata[k]=v` into an object). */
function formFields(body: string): { fields: Record<string, string>; metadata: Record<string, string> } {
  const fields: Record<string, string> = {};
  const metadata: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const m = /^metadata\[(.+)\]$/.exec(k);
    if (m) metadata[m[1]!] = v;
    else fields[k] = v;
  }
  return { fields, metadata };
}

/**
 * `POST /v1/payment_intents` as Stripe answers it (and `GET /v1/payment_intents/search` by our
 * payment id in the metadata): confirmed off-session, 200 with the intent, or
 * 402 with a card_error carrying it; a repeat of an Idempotency-Key replays the first answer
 * (`Idempotent-Replayed: true`) without a second charge. Outcomes are scripted with `next`, else
 * by payment method (`pm_card_chargeDeclined…` declines, as Stripe's test methods do).
 */
export async function startStripeFake() {
  const byKey = new Map<string, FakeAnswer>();
  const intents: Intent[] = [];
  // Scripted outcomes, each optionally for one customer only: a retry of another test's plan coming
  // due must not take an outcome meant for this one.
  const outcomes: Scripted[] = [];
  const fake = await startHttpFake((req) => {
    if (req.method === 'GET' && req.path.startsWith('/v1/payment_intents/search?')) {
      // Only the query Sentinel makes: metadata['payment_id']:'<id>'.
      const query = new URL(req.path, 'http://fake').searchParams.get('query') ?? '';
      const id = /^metadata\['payment_id'\]:'([\w-]+)'$/.exec(query)?.[1];
      const data = intents.filter((i) => id !== undefined && i.metadata.payment_id === id);
      return {
        status: 200,
        body: { object: 'search_result', url: '/v1/payment_intents/search', has_more: false, data },
      };
    }
    if (req.method !== 'POST' || req.path !== '/v1/payment_intents')
      return {
        status: 404,
        body: { error: { type: 'invalid_request_error', message: 'Unrecognized request URL' } },
      };
    const key = String(req.headers['idempotency-key'] ?? '');
    const replay = key && byKey.get(key);
    if (replay)
      return { ...replay, headers: { ...replay.headers, 'idempotent-replayed': 'true' }, hold: undefined };
    const { fields, metadata } = formFields(req.body);
    const pm = fields.payment_method ?? '';
    const at = outcomes.findIndex((o) => o.customer === undefined || o.customer === fields.customer);
    const next = at < 0 ? undefined : outcomes.splice(at, 1)[0];
    const outcome: StripeOutcome =
      next?.outcome ??
      (/InsufficientFunds/i.test(pm)
        ? 'insufficient_funds'
        : /chargeDeclined/i.test(pm)
          ? 'card_declined'
          : 'succeeded');
    const declined = outcome === 'insufficient_funds' || outcome === 'card_declined';
    const intent: Intent = {
      id: `pi_${randomBytes(12).toString('hex')}`,
      object: 'payment_intent',
      amount: Number(fields.amount),
      currency: fields.currency ?? 'usd',
      status: declined ? 'requires_payment_method' : outcome,
      payment_method: pm,
      customer: fields.customer ?? null,
      metadata,
      last_payment_error: declined
        ? { code: 'card_declined', decline_code: outcome, message: 'Your card was declined.' }
        : null,
    };
    intents.push(intent);
    const answer: FakeAnswer = declined
      ? {
          status: 402,
          headers: { 'request-id': `req_${randomBytes(6).toString('hex')}` },
          body: {
            error: {
              type: 'card_error',
              code: 'card_declined',
              decline_code: outcome,
              message: 'Your card was declined.',
              payment_intent: intent,
            },
          },
        }
      : { status: 200, headers: { 'request-id': `req_${randomBytes(6).toString('hex')}` }, body: intent };
    if (key) byKey.set(key, answer);
    return next?.hold ? { ...answer, hold: next.hold } : answer;
  });
  return {
    ...fake,
    /** Every intent created (a replayed key creates none): what the card was really charged. */
    intents,
    /** The next intents' outcomes, in order (a `hold` delays the answer, not the charge). */
    next: (...o: (StripeOutcome | Scripted)[]) =>
      outcomes.push(...o.map((x) => (typeof x === 'string' ? { outcome: x } : x))),
  };
}

/** A webhook body and its `Stripe-Signature`, signed as Stripe signs them (the SDK's test helper). */
export function signedStripeEvent(secret: string, type: string, object: unknown) {
  const payload = JSON.stringify({
    id: `evt_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: '2025-01-01',
    created: Math.floor(Date.now() / 1000),
    type,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
  });
  return { payload, signature: Stripe.webhooks.generateTestHeaderString({ payload, secret }) };
}
