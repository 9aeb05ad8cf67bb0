import { createHash } from 'node:crypto';
import {
  PaymentsDisabledError,
  type ChargeRequest,
  type ChargeResult,
  type ESignProvider,
  type PaymentProvider,
} from './types.js';

const idFor = (prefix: string, key: string) =>
  `${prefix}_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;

/**
 * The local payment provider (no STRIPE_SECRET_KEY): nothing leaves the machine; the payment row
 * records what would have been charged. Stripe's test payment methods behave as in test mode
 * (`pm_card_chargeDeclined` and `pm_card_visa_chargeDeclinedInsufficientFunds` decline), so a
 * dunning run can be tried offline.
 */
export function localPayments(): PaymentProvider {
  return {
    name: 'local',
    charge(r: ChargeRequest): Promise<ChargeResult> {
      const id = idFor('local_pi', r.idempotencyKey);
      if (/chargeDeclined/i.test(r.paymentMethodId)) {
        const reason = /InsufficientFunds/i.test(r.paymentMethodId) ? 'insufficient_funds' : 'card_declined';
        return Promise.resolve({ status: 'failed', providerPaymentId: id, reason });
      }
      return Promise.resolve({ status: 'succeeded', providerPaymentId: id });
    },
    // Nothing leaves the machine, so a charge whose answer was lost never happened.
    find: () => Promise.resolve(null),
  };
}

/**
 * The local e-sign provider (no DocuSign keys): the envelope is only recorded; an agent (or a
 * test) completes it with `POST /api/v1/bail/documents/:id/local-signature`.
 */
export function localESign(): ESignProvider {
  return {
    name: 'local',
    send: (r) => Promise.resolve({ envelopeId: idFor('local_env', r.documentId) }),
    find: (documentId) => Promise.resolve({ envelopeId: idFor('local_env', documentId) }),
    remind: () => Promise.resolve(),
  };
}

/** PAYMENTS_PROVIDER=manual: every card charge is refused; a lost charge from before was never made here. */
export function manualPayments(): PaymentProvider {
  return {
    name: 'manual',
    charge: () => Promise.reject(new PaymentsDisabledError()),
    find: () => Promise.resolve(null),
  };
}
