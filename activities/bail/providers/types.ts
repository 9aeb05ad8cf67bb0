import { UnprocessableError } from '../../../lib/domain-errors.js';

/** An off-session card charge, made once per idempotency key. */
export type ChargeRequest = {
  /** Decimal string in the currency's major unit ("125.00"). */
  amount: string;
  currency: string;
  /** The provider's customer and saved payment method (from the agency's card form). */
  customerId: string | null;
  paymentMethodId: string;
  idempotencyKey: string;
  description: string;
  metadata: Record<string, string>;
};

export type ChargeResult =
  | { status: 'succeeded' | 'processing'; providerPaymentId: string }
  | { status: 'failed'; providerPaymentId: string | null; reason: string };

/** A provider error that a retry may fix (network, 5xx, 429): the activity retries with the same key. */
export class PaymentProviderUnavailable extends Error {
  override name = 'PaymentProviderUnavailable';
}

/** PAYMENTS_PROVIDER=manual: this deployment charges no card (payments are recorded by hand). */
export class PaymentsDisabledError extends UnprocessableError {
  override name = 'PaymentsDisabledError';
  constructor() {
    super('Card payments are off here (PAYMENTS_PROVIDER=manual): record payments taken by hand');
  }
}

export interface PaymentProvider {
  readonly name: 'stripe' | 'local' | 'manual';
  charge(r: ChargeRequest): Promise<ChargeResult>;
  /**
   * What the provider made of our payment (by the payment id in its metadata), for a payment whose
   * answer never arrived; null when the provider never received it.
   */
  find(paymentId: string): Promise<ChargeResult | null>;
}

/** What a payment webhook reports, read from its signed body. */
export type PaymentEvent = {
  id: string;
  type: 'payment_intent.succeeded' | 'payment_intent.payment_failed' | 'charge.refunded';
  providerPaymentId: string;
  reason: string | null;
  /** Our payment, from the metadata we sent: a report may arrive before the charge's own answer did. */
  payment: { orgId: string; id: string } | null;
};

/** An envelope to sign, sent once per document. */
export type EnvelopeRequest = {
  documentId: string;
  type: string;
  signerName: string;
  signerEmail: string;
  subject: string;
  expiresAt: string;
};

export interface ESignProvider {
  readonly name: 'docusign' | 'local';
  /** Sends the envelope; `find` first, so a retry after a crash does not send a second one. */
  send(r: EnvelopeRequest): Promise<{ envelopeId: string }>;
  /** The envelope already sent for this document, if any (by the custom field carrying its id). */
  find(documentId: string): Promise<{ envelopeId: string } | null>;
  /** Sends the signer a reminder of the open envelope. */
  remind(envelopeId: string): Promise<void>;
}

/** What a DocuSign Connect message (or the local provider) reports about an envelope. */
export type EnvelopeEvent = {
  envelopeId: string;
  status: 'sent' | 'delivered' | 'completed' | 'declined' | 'voided';
  at: string | null;
};
