import { paymentsProvider, type Config } from '../../../lib/config.js';
import { docusignESign } from './docusign.js';
import { localESign, localPayments, manualPayments } from './local.js';
import { stripePayments } from './stripe.js';
import type { ESignProvider, PaymentProvider } from './types.js';

/** Stripe with STRIPE_SECRET_KEY; none with PAYMENTS_PROVIDER=manual; else local, so development works offline. */
export function paymentsFromConfig(
  c: Partial<
    Pick<Config, 'STRIPE_SECRET_KEY' | 'STRIPE_API_BASE' | 'STRIPE_TIMEOUT_MS' | 'PAYMENTS_PROVIDER'>
  >,
): PaymentProvider {
  const which = paymentsProvider(c);
  if (which === 'manual') return manualPayments();
  return which === 'stripe' && c.STRIPE_SECRET_KEY
    ? stripePayments({
        secretKey: c.STRIPE_SECRET_KEY,
        apiBase: c.STRIPE_API_BASE,
        timeoutMs: c.STRIPE_TIMEOUT_MS,
      })
    : localPayments();
}

/** DocuSign with its account, token and base URL; else the local provider (signed through the API). */
export function esignFromConfig(
  c: Partial<Pick<Config, 'DOCUSIGN_BASE_URL' | 'DOCUSIGN_ACCOUNT_ID' | 'DOCUSIGN_ACCESS_TOKEN'>>,
): ESignProvider {
  return c.DOCUSIGN_BASE_URL && c.DOCUSIGN_ACCOUNT_ID && c.DOCUSIGN_ACCESS_TOKEN
    ? docusignESign({
        baseUrl: c.DOCUSIGN_BASE_URL,
        accountId: c.DOCUSIGN_ACCOUNT_ID,
        accessToken: c.DOCUSIGN_ACCESS_TOKEN,
      })
    : localESign();
}
