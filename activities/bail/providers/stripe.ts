import Stripe from 'stripe';
import {
  PaymentProviderUnavailable,
  type ChargeRequest,
  type ChargeResult,
  type PaymentEvent,
  type PaymentProvider,
} from './types.js';

export type StripeOptions = {
  secretKey: string;
  /** Tests point the SDK at a local fake (STRIPE_API_BASE, e.g. http://127.0.0.1:12111). */
  apiBase?: string | undefined;
  /** How long a request may take before it counts as unanswered (ms); 20 s by default. */
  timeoutMs?: number | undefined;
};

export function stripeClient(o: StripeOptions): Stripe {
  const base = o.apiBase ? new URL(o.apiBase) : null;
  return new Stripe(o.secretKey, {
    // Our activity retries (with the same idempotency key); the SDK's own retries would hide a crash window.
    maxNetworkRetries: 0,
    timeout: o.timeoutMs ?? 20_000,
    telemetry: false,
    ...(base && {
      host: base.hostname,
      port: base.port || (base.protocol === 'https:' ? 443 : 80),
      protocol: base.protocol === 'https:' ? 'https' : 'http',
    }),
  });
}

/** Minor units (cents) of a decimal string, without float drift. */
export function toMinorUnits(amount: string): number {
  const [whole = '0', frac = ''] = amount.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0').slice(0, 2));
}

/** A PaymentIntent's state as a charge's result. */
function intentResult(pi: Stripe.PaymentIntent): ChargeResult {
  if (pi.status === 'succeeded') return { status: 'succeeded', providerPaymentId: pi.id };
  if (pi.status === 'processing') return { status: 'processing', providerPaymentId: pi.id };
  return { status: 'failed', providerPaymentId: pi.id, reason: pi.last_payment_error?.code ?? pi.status };
}

/**
 * Stripe as the payment provider: an off-session PaymentIntent confirmed at once, with Stripe's
 * idempotency key (a repeat within 24 h returns the first intent, not a second charge). A card
 * decline answers 402 with the intent attached: a failed charge, not an error.
 */
export function stripePayments(o: StripeOptions): PaymentProvider {
  const stripe = stripeClient(o);
  return {
    name: 'stripe',
    async find(paymentId: string): Promise<ChargeResult | null> {
      try {
        const found = await stripe.paymentIntents.search({
          query: `metadata['payment_id']:'${paymentId.replace(/[^\w-]/g, '')}'`,
          limit: 1,
        });
        const pi = found.data[0];
        return pi ? intentResult(pi) : null;
      } catch (err) {
        if (err instanceof Stripe.errors.StripeCardError) throw err;
        throw new PaymentProviderUnavailable((err as Error).message);
      }
    },
    async charge(r: ChargeRequest): Promise<ChargeResult> {
      try {
        const pi = await stripe.paymentIntents.create(
          {
            amount: toMinorUnits(r.amount),
            currency: r.currency.toLowerCase(),
            payment_method: r.paymentMethodId,
            ...(r.customerId && { customer: r.customerId }),
            off_session: true,
            confirm: true,
            description: r.description,
            metadata: r.metadata,
          },
          { idempotencyKey: r.idempotencyKey },
        );
        return intentResult(pi);
      } catch (err) {
        if (err instanceof Stripe.errors.StripeCardError) {
          return {
            status: 'failed',
            providerPaymentId: (err.payment_intent as { id?: string } | undefined)?.id ?? null,
            reason: err.decline_code ?? err.code ?? 'card_declined',
          };
        }
        if (
          err instanceof Stripe.errors.StripeConnectionError ||
          err instanceof Stripe.errors.StripeAPIError ||
          err instanceof Stripe.errors.StripeRateLimitError ||
          err instanceof Stripe.errors.StripeIdempotencyError
        ) {
          throw new PaymentProviderUnavailable(err.message);
        }
        throw err;
      }
    },
  };
}

const EVENT_TYPES = new Set<PaymentEvent['type']>([
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.refunded',
]);

/**
 * A Stripe webhook, verified with the endpoint's signing secret over the raw body (the SDK's
 * `constructEvent`, which also refuses a timestamp older than 5 minutes). Events we do not act on
 * are `ignored`; a bad signature is `invalid`.
 */
export function readStripeWebhook(
  webhookSecret: string,
  rawBody: string,
  signature: string | undefined,
): { ok: true; event: PaymentEvent | null; id: string } | { ok: false } {
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(rawBody, signature ?? '', webhookSecret);
  } catch {
    return { ok: false };
  }
  if (!EVENT_TYPES.has(event.type as PaymentEvent['type'])) return { ok: true, event: null, id: event.id };
  const obj = event.data.object as {
    id: string;
    metadata?: Record<string, string> | null;
    payment_intent?: string | { id: string } | null;
    last_payment_error?: { code?: string; decline_code?: string } | null;
  };
  const providerPaymentId =
    event.type === 'charge.refunded'
      ? typeof obj.payment_intent === 'string'
        ? obj.payment_intent
        : (obj.payment_intent?.id ?? '')
      : obj.id;
  return {
    ok: true,
    id: event.id,
    event: {
      id: event.id,
      type: event.type as PaymentEvent['type'],
      providerPaymentId,
      reason: obj.last_payment_error?.decline_code ?? obj.last_payment_error?.code ?? null,
      payment:
        obj.metadata?.org_id && obj.metadata.payment_id
          ? { orgId: obj.metadata.org_id, id: obj.metadata.payment_id }
          : null,
    },
  };
}
