import type { SendChannel } from './channels.js';
import { sendWithRetries } from './send-with-retries.js';

export type RedeliverNotificationInput = {
  orgId: string;
  deliveryId: string;
  channel: SendChannel;
  /** The how-manieth time it is sent again (the `n` of its id). */
  round: number;
};

/**
 * Sends a failed delivery again (`redeliver-<deliveryId>-<n>`), asked for by an operator from the
 * dead-letter view: the channel's attempts once more, past an open circuit; failing again puts
 * it back in the view. The provider's later report reaches the delivery through its webhook.
 */
export async function redeliverNotification(
  input: RedeliverNotificationInput,
): Promise<{ status: 'sent' | 'failed' }> {
  const sent = await sendWithRetries(input.orgId, input.channel, input.deliveryId, input.round);
  return { status: sent ? 'sent' : 'failed' };
}
