import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { createNotifyActivities } from '../../activities/notify/index.js';
import { CIRCUIT_OPEN, RETRY, STATUS_WAIT_MS, type SendChannel } from './channels.js';
import { providerStatusSignal, type ProviderStatusReport } from './messages.js';
import { quietHoursEnd } from './quiet-hours.js';

type Activities = ReturnType<typeof createNotifyActivities>;

const acts = proxyActivities<Activities>({
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

export type DeliverNotificationInput = { orgId: string; notificationId: string };
export type DeliverNotificationResult = {
  heldUntil: string | null;
  channels: Record<string, 'sent' | 'failed'>;
};

/**
 * Delivers one notification (`deliver-<notificationId>`) on every channel the customer allows.
 * Inside quiet hours the email and SMS wait on a durable timer until the window ends, in the
 * customer's time zone; critical kinds go at once. Each channel retries on its own.
 */
export async function deliverNotification(
  input: DeliverNotificationInput,
): Promise<DeliverNotificationResult> {
  const plan = await acts.planDelivery(input);
  let heldUntil: string | null = null;
  if (plan.quietHours && plan.sends.length) {
    const until = quietHoursEnd(Date.now(), plan.quietHours);
    if (until !== null) {
      heldUntil = new Date(until).toISOString();
      await acts.holdDeliveries({
        orgId: input.orgId,
        deliveryIds: plan.sends.map((s) => s.deliveryId),
        until: heldUntil,
      });
      await sleep(until - Date.now());
    }
  }
  const channels: DeliverNotificationResult['channels'] = {};
  // Deliveries a provider will report on (the outbox never does), and the reports as they come.
  const awaiting = new Set<string>();
  const reports: ProviderStatusReport[] = [];
  setHandler(providerStatusSignal, (r) => {
    reports.push(r);
  });
  await Promise.all(
    plan.sends.map(async ({ channel, deliveryId }) => {
      for (;;) {
        try {
          const sent = await senders[channel].sendMessage({ orgId: input.orgId, deliveryId });
          channels[channel] = 'sent';
          if (sent.provider && sent.provider !== 'outbox') awaiting.add(deliveryId);
          return;
        } catch (err) {
          if (!(err instanceof ActivityFailure)) throw err;
          const cause = err.cause;
          if (cause instanceof ApplicationFailure && cause.type === CIRCUIT_OPEN) {
            // The provider's circuit is open: hold this message until it may close, then try again.
            const retryAt = Date.parse(
              String((cause.details?.[0] as { retryAt?: string } | undefined)?.retryAt),
            );
            await sleep(Number.isNaN(retryAt) ? 60_000 : Math.max(retryAt - Date.now(), 1_000));
            continue;
          }
          await acts.failDelivery({ orgId: input.orgId, deliveryId, error: cause?.message ?? err.message });
          channels[channel] = 'failed';
          return;
        }
      }
    }),
  );

  // Wait up to 72 h for the providers' reports (delivered, bounced, failed, spam).
  const deadline = Date.now() + STATUS_WAIT_MS;
  while (awaiting.size || reports.length) {
    const report = reports.shift();
    if (report) {
      await acts.recordProviderStatus({ orgId: input.orgId, ...report });
      if (report.status !== 'spam_report') awaiting.delete(report.deliveryId);
      continue;
    }
    if (!(await condition(() => reports.length > 0, Math.max(deadline - Date.now(), 1)))) break;
  }
  return { heldUntil, channels };
}
