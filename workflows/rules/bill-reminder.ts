import { condition, continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createRulesActivities } from '../../activities/rules/index.js';
import { dueDayOver, localDate, reminderAt } from './bill-schedule.js';
import { billPaidSignal, billUpdatedSignal, cancelBillSignal } from './messages.js';

const acts = proxyActivities<ReturnType<typeof createRulesActivities>>({
  startToCloseTimeout: '30 seconds',
  // Bounded (~15 minutes): a reminder that cannot be sent fails where /admin/jobs/failed lists it
  // for an operator's retry, instead of retrying unseen for ever.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 20 },
});

export type BillReminderInput = {
  orgId: string;
  billId: string;
  /** Reminders sent by earlier runs of this chain (carried over continue-as-new). */
  reminded?: number;
};
export type BillReminderResult = { status: string; reminded: number };

/**
 * One bill's reminders (`bill-<billId>`): for the occurrence now due, sleeps until 06:00 in the
 * customer's time zone on each reminder day (the days_before of the bill's upcoming_bill rules),
 * checks the bill is still due and notifies once for that due date; after the due date it moves
 * to the next occurrence and continues as new. `billUpdated` and `billPaid` make it plan again;
 * `cancel` ends it.
 */
export async function billReminder(input: BillReminderInput): Promise<BillReminderResult> {
  let changed = false;
  let cancelled = false;
  setHandler(billUpdatedSignal, () => void (changed = true));
  setHandler(billPaidSignal, () => void (changed = true));
  setHandler(cancelBillSignal, () => void (cancelled = true));
  const wake = () => changed || cancelled;
  let reminded = input.reminded ?? 0;
  // Reminders tried for this due date (one that no longer fires is not tried again).
  const tried = new Set<string>();

  for (;;) {
    changed = false;
    const bill = await acts.loadBill(input);
    if (cancelled || !bill || bill.status !== 'active') {
      return { status: cancelled ? 'cancelled' : (bill?.status ?? 'gone'), reminded };
    }
    const over = dueDayOver(bill.dueDate, bill.timezone);
    // The next reminder still owed for this due date; one whose moment has passed goes now.
    const next = bill.paid
      ? undefined
      : bill.reminders
          .filter((r) => !r.notified && !tried.has(`${r.ruleId}:${r.daysBefore}`))
          .map((r) => ({ ...r, at: reminderAt(bill.dueDate, r.daysBefore, bill.timezone) }))
          .sort((a, b) => a.at - b.at)[0];
    if (next && Date.now() < over) {
      if (await condition(wake, Math.max(next.at - Date.now(), 0) || 1)) continue;
      tried.add(`${next.ruleId}:${next.daysBefore}`);
      const sent = await acts.sendBillReminder({
        ...input,
        ruleId: next.ruleId,
        dueDate: bill.dueDate,
        today: localDate(Date.now(), bill.timezone),
      });
      if (sent.notificationId) reminded += 1;
      continue;
    }
    // Nothing more to say for this occurrence: wait until its day is over, then the next one.
    if (await condition(wake, Math.max(over - Date.now(), 1))) continue;
    const advanced = await acts.advanceBill({ ...input, dueDate: bill.dueDate });
    if (advanced.status !== 'active') return { status: advanced.status, reminded };
    await continueAsNew<typeof billReminder>({ ...input, reminded });
  }
}
