export const CHANNELS = ['in_app', 'email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];
export type SendChannel = Exclude<Channel, 'in_app'>;

/**
 * Per-channel retry (the seed's numbers): email 5 attempts from 1 s doubling to 5 min, SMS 3
 * attempts from 2 s tripling to 1 min. The activity computes each delay with jitter, or takes the
 * provider's Retry-After, and hands it to Temporal as nextRetryDelay.
 */
export const RETRY: Record<
  SendChannel,
  { maximumAttempts: number; initialMs: number; coefficient: number; maximumMs: number }
> = {
  email: { maximumAttempts: 5, initialMs: 1_000, coefficient: 2, maximumMs: 5 * 60_000 },
  sms: { maximumAttempts: 3, initialMs: 2_000, coefficient: 3, maximumMs: 60_000 },
};

/** Delay before retry number `attempt` (1 = first retry), ±20 % jitter from `random` in [0, 1). */
export function retryDelayMs(channel: SendChannel, attempt: number, random: number): number {
  const r = RETRY[channel];
  const base = Math.min(r.maximumMs, r.initialMs * r.coefficient ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random));
}

/** How long to wait for the provider's delivery report after a send. */
export const STATUS_WAIT_MS = 72 * 3600_000;

/** The failure type of a send refused because the provider's circuit is open (details: [{ retryAt }]). */
export const CIRCUIT_OPEN = 'CircuitOpen';
