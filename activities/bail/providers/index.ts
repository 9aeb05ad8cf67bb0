import type { Config } from '../../../lib/config.js';
import { localPayments } from './local.js';
import { stripePayments } from './stripe.js';
import type { PaymentProvider } from './types.js';

/** Stripe with STRIPE_SECRET_KEY; else the local provider, so development works offline. */
export function paymentsFromConfig(
  c: Partial<Pick<Config, 'STRIPE_SECRET_KEY' | 'STRIPE_API_BASE'>>,
): PaymentProvider {
  return c.STRIPE_SECRET_KEY
    ? stripePayments({ secretKey: c.STRIPE_SECRET_KEY, apiBase: c.STRIPE_API_BASE })
    : localPayments();
}
