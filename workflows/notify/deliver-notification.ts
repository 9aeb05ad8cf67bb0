import { condition, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { createNotifyActivities } from '../../activities/notify/index.js';
import { STATUS_WAIT_MS } from './channels.js';
import { providerStatusSignal, type ProviderStatusReport } from './messages.js';
import { quietHoursEnd } from './quiet-hours.js';
import { sendWithRetries } from './send-with-retries.js';

type Activities = ReturnType<typeof createNotifyActivities>;

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

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
      const sent = await sendWithRetries(input.orgId, channel, deliveryId);
      channels[channel] = sent ? 'sent' : 'failed';
      if (sent?.provider && sent.provider !== 'outbox') awaiting.add(deliveryId);
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
