import type { SendChannel } from '../../../workflows/notify/channels.js';

export type OutgoingMessage = {
  orgId: string;
  deliveryId: string;
  channel: SendChannel;
  to: string;
  /** The organisation's own sending number (SMS), when it has one; else the provider's default. */
  from?: string | null;
  subject: string | null;
  text: string;
  html: string | null;
};

/** A provider's answer that was not a success, classified for retries. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** HTTP status, when the provider answered. */
    readonly status: number | null,
    /** Whether another attempt can succeed (5xx, 408, 429, network errors). */
    readonly retryable: boolean,
    /** The provider's Retry-After, in ms. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface Provider {
  readonly name: string;
  send(m: OutgoingMessage): Promise<{ providerMessageId: string }>;
  /**
   * Whether this message already reached the provider (sent on or after `since`): asked before
   * re-sending after an attempt that crashed mid-request, so a retry never sends twice.
   */
  find?(m: OutgoingMessage, since: Date): Promise<{ providerMessageId: string } | null>;
}

/** 4xx other than 408 and 429 cannot succeed by retrying; everything else may. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}
