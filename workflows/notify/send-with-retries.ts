import { ActivityFailure, ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { createNotifyActivities } from '../../activities/notify/index.js';
import { CIRCUIT_OPEN, RETRY, type SendChannel } from './channels.js';

type Activities = ReturnType<typeof createNotifyActivities>;

const { failDelivery } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

// Each channel with its own attempts; the activity sets each delay (backoff with jitter, or Retry-After).
const senders: Record<SendChannel, Activities> = {
  email: proxyActivities<Activities>({
    startToCloseTimeout: '15 seconds',
    retry: {
      maximumAttempts: RETRY.email.maximumAttempts,
      initialInterval: RETRY.email.initialMs,
      backoffCoefficient: 2,
    },
  }),
  sms: proxyActivities<Activities>({
    startToCloseTimeout: '15 seconds',
    retry: {
      maximumAttempts: RETRY.sms.maximumAttempts,
      initialInterval: RETRY.sms.initialMs,
      backoffCoefficient: 3,
    },
  }),
};

/**
 * Sends one delivery with its channel's attempts, waiting out an open circuit (that is not a
 * failure of this message). After the last attempt the delivery is recorded as failed: the
 * dead letter an operator can list and send again. Null when it failed. `round` is how many times
 * an operator has sent it again (0 first): a late failure of an earlier round leaves a later one be.
 */
export async function sendWithRetries(
  orgId: string,
  channel: SendChannel,
  deliveryId: string,
  round = 0,
): Promise<{ provider: string | null } | null> {
  for (;;) {
    try {
      return await senders[channel].sendMessage({ orgId, deliveryId });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const cause = err.cause;
      if (cause instanceof ApplicationFailure && cause.type === CIRCUIT_OPEN) {
        // The provider's circuit is open: hold this message until it may close, then try again.
        const retryAt = Date.parse(String((cause.details?.[0] as { retryAt?: string } | undefined)?.retryAt));
        await sleep(Number.isNaN(retryAt) ? 60_000 : Math.max(retryAt - Date.now(), 1_000));
        continue;
      }
      await failDelivery({ orgId, deliveryId, round, error: cause?.message ?? err.message });
      return null;
    }
  }
}
