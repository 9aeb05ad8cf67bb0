import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../temporal/binaries.js';
import { billReminder } from '../../workflows/rules/bill-reminder.js';
import { nextDueDate } from '../../workflows/rules/bill-schedule.js';
import { billPaidSignal } from '../../workflows/rules/messages.js';
import { timeSkippingEnv } from '../helpers/time-skipping.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(() => env?.teardown());

const workflowsPath = path.join(PROJECT_ROOT, 'workflows', 'rules', 'index.ts');
const ZONE = 'America/New_York';
let queue = 0;

/**
 * The bill reminder against in-memory activities that keep the bill as Postgres would, recording
 * each reminder's moment in server (skipped) time.
 */
async function runBill(opts: {
  firstDue: string;
  occurrences: number;
  paid?: boolean;
  payAfterFirst?: boolean;
}) {
  const bill = { dueDate: opts.firstDue, paid: opts.paid ?? false, status: 'active', notified: '' };
  const reminders: { at: string; today: string; dueDate: string }[] = [];
  let advanced = 0;
  const taskQueue = `rules-unit-${++queue}`;
  const workflowId = `bill-${queue}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath,
    activities: {
      loadBill: async () => ({
        status: bill.status,
        dueDate: bill.dueDate,
        paid: bill.paid,
        timezone: ZONE,
        reminders: [{ ruleId: 'rule-1', daysBefore: 3, notified: bill.notified === bill.dueDate }],
      }),
      sendBillReminder: async (i: { dueDate: string; today: string }) => {
        bill.notified = i.dueDate;
        reminders.push({
          at: DateTime.fromMillis(await env.currentTimeMs(), { zone: ZONE }).toFormat(
            "yyyy-MM-dd'T'HH:mm:ssZZ",
          ),
          today: i.today,
          dueDate: i.dueDate,
        });
        if (opts.payAfterFirst && reminders.length === 1) {
          // Paid right after the first reminder, and the workflow told so, as the API does.
          bill.paid = true;
          setImmediate(() => void env.client.workflow.getHandle(workflowId).signal(billPaidSignal));
        }
        return { notificationId: `n-${reminders.length}` };
      },
      advanceBill: async () => {
        advanced += 1;
        bill.paid = false;
        if (advanced >= opts.occurrences) bill.status = 'completed';
        else bill.dueDate = nextDueDate(bill.dueDate, 'monthly', opts.firstDue)!;
        return { status: bill.status, nextDueDate: bill.dueDate };
      },
    },
  });
  const result = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(billReminder, {
      taskQueue,
      workflowId,
      args: [{ orgId: 'org', billId: `b-${queue}` }],
    });
    return handle.result();
  });
  return { result, reminders, advanced };
}

/** A due date some months after the server's time, which moves on from test to test. */
const monthsAhead = async (n: number) =>
  DateTime.fromMillis(await env.currentTimeMs(), { zone: ZONE })
    .plus({ months: n })
    .toISODate()!;

describe('billReminder (time-skipping)', () => {
  it('reminds a monthly bill at 06:00 local three months running, across the DST change', async () => {
    // Due on the 20th from February: reminders on 17 Feb (EST), 17 Mar and 17 Apr (EDT; US DST
    // starts on the second Sunday of March, always before the 17th).
    const now = DateTime.fromMillis(await env.currentTimeMs(), { zone: ZONE });
    const year =
      now < DateTime.fromObject({ year: now.year, month: 2, day: 16 }, { zone: ZONE })
        ? now.year
        : now.year + 1;
    const { result, reminders } = await runBill({ firstDue: `${year}-02-20`, occurrences: 3 });
    expect(result).toEqual({ status: 'completed', reminded: 3 });
    expect(reminders.map((r) => r.at)).toEqual([
      `${year}-02-17T06:00:00-05:00`,
      `${year}-03-17T06:00:00-04:00`,
      `${year}-04-17T06:00:00-04:00`,
    ]);
    expect(reminders.map((r) => r.today)).toEqual([`${year}-02-17`, `${year}-03-17`, `${year}-04-17`]);
  });

  it('does not remind a bill that is paid', async () => {
    const { result, reminders, advanced } = await runBill({
      firstDue: await monthsAhead(2),
      occurrences: 1,
      paid: true,
    });
    expect(result).toEqual({ status: 'completed', reminded: 0 });
    expect(reminders).toEqual([]);
    expect(advanced).toBe(1);
  });

  it('plans again when paid, and reminds the next occurrence as usual', async () => {
    const firstDue = await monthsAhead(2);
    const { result, reminders } = await runBill({ firstDue, occurrences: 2, payAfterFirst: true });
    expect(result).toEqual({ status: 'completed', reminded: 2 });
    expect(reminders.map((r) => r.dueDate)).toEqual([firstDue, nextDueDate(firstDue, 'monthly', firstDue)]);
  });
});

describe('rule activities retry a bounded number of times (issue 14, item 2)', () => {
  it('the 5-minute pass fails, listed as a failed run, when a page keeps failing', async () => {
    const taskQueue = `rules-unit-${++queue}`;
    let calls = 0;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath,
      activities: {
        dispatchPendingNotifications: async () => 0,
        evaluateRulePage: async () => {
          calls += 1;
          throw new Error('database unreachable');
        },
      },
    });
    const failure = await worker.runUntil(
      env.client.workflow
        .execute('evaluateAlertRules', {
          taskQueue,
          workflowId: `rules-pass-${queue}`,
          args: [{ parallelism: 1 }],
        })
        .then(
          () => null,
          (err: Error) => err,
        ),
    );
    expect(failure?.name).toBe('WorkflowFailedError');
    expect((failure?.cause as Error | undefined)?.message).toMatch(/Activity task failed/);
    expect(calls).toBe(8);
    const { status } = await env.client.workflow.getHandle(`rules-pass-${queue}`).describe();
    expect(status.name).toBe('FAILED');
  });
});
