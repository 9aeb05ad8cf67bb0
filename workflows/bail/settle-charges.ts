import { acts } from './activity-options.js';

/**
 * Card charges made through the API whose provider answer never arrived (a timeout, a crash) and
 * that no retry took up: each is settled by asking the provider what it made of the payment.
 * Run every 5 minutes by the `bail-charges` schedule; ten minutes is past any request's own wait.
 */
export async function settleUnansweredCharges(
  input: { olderThanSeconds?: number } = {},
): Promise<{ settled: number }> {
  return acts.settleUnansweredCharges({ olderThanSeconds: input.olderThanSeconds ?? 600 });
}
