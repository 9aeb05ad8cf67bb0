import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BailActivities, PlanState } from '../../activities/bail/types.js';
import { PROJECT_ROOT } from '../../temporal/binaries.js';
import { planCancelledSignal } from '../../workflows/bail/messages.js';
import { paymentPlan } from '../../workflows/bail/payment-plan.js';
import { timeSkippingEnv } from '../helpers/time-skipping.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(() => env?.teardown());

const workflowsPath = path.join(PROJECT_ROOT, 'workflows', 'bail', 'index.ts');
const ZONE = 'America/Chicago';
let queue = 0;

/**
 * The payment-plan workflow against in-memory activities that keep the plan as Postgres would;
 * `charge` decides each attempt. Each step is logged at its server (skipped) time on the client's clock.
 */
async function runPlan(opts: {
  dueDates: string[];
  charge: (seq: number, attempt: number) => 'succeeded' | 'failed';
  on?: (step: string, cancel: () => void) => void;
}) {
  const taskQueue = `bail-plan-${++queue}`;
  const workflowId = `bond-plan-${queue}`;
  let status: PlanState['status'] = 'active';
  const installments = opts.dueDates.map((dueDate, i) => ({
    id: `i${i + 1}`,
    seq: i + 1,
    dueDate,
    amount: '100.00',
    attempts: 0,
    status: 'pending',
  }));
  const log: string[] = [];
  const step = async (s: string) => {
    const at = DateTime.fromMillis(await env.currentTimeMs(), { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm');
    log.push(`${at} ${s}`);
    opts.on?.(s, () => {
      status = 'cancelled';
      setImmediate(() => void env.client.workflow.getHandle(workflowId).signal(planCancelledSignal));
    });
  };
  const activities: Partial<BailActivities> = {
    loadPaymentPlan: async () => {
      const next = installments.find((i) => i.status !== 'paid');
      return {
        status,
        timeZone: ZONE,
        next: next ? { ...next, failed: next.status === 'failed', processing: false } : null,
      };
    },
    chargeInstallment: async ({ installmentId, attempt }) => {
      const i = installments.find((x) => x.id === installmentId)!;
      const outcome = opts.charge(i.seq, attempt);
      i.attempts = attempt;
      i.status = outcome === 'succeeded' ? 'paid' : 'failed';
      await step(`charge ${i.seq}#${attempt} ${outcome}`);
      return { status: outcome };
    },
    sendDunningNotice: async ({ installmentId, attempt }) => step(`notice ${installmentId}#${attempt}`),
    markPlanDelinquent: async ({ installmentId }) => {
      status = 'delinquent';
      await step(`delinquent ${installmentId}`);
    },
    completePaymentPlan: async () => {
      status = 'paid';
      await step('paid');
    },
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath,
    activities,
  });
  const result = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(paymentPlan, {
      taskQueue,
      workflowId,
      args: [{ orgId: 'org', planId: `p-${queue}` }],
    });
    return handle.result();
  });
  return { result, log };
}

/** A date `days` after the server's (skipped) clock, on the client's calendar. */
const inDays = async (days: number) =>
  DateTime.fromMillis(await env.currentTimeMs(), { zone: ZONE }).plus({ days });

describe('paymentPlan (time-skipping)', () => {
  it('charges each installment on its due morning, retrying a decline the next day', async () => {
    const first = await inDays(10);
    const second = first.plus({ months: 1 });
    const d = (t: DateTime) => t.toFormat('yyyy-MM-dd');
    const { result, log } = await runPlan({
      dueDates: [d(first), d(second)],
      charge: (seq, attempt) => (seq === 1 && attempt === 1 ? 'failed' : 'succeeded'),
    });
    expect(result).toEqual({ status: 'paid' });
    expect(log).toEqual([
      `${d(first)} 10:00 charge 1#1 failed`,
      `${d(first)} 10:00 notice i1#1`,
      `${d(first.plus({ days: 1 }))} 10:00 charge 1#2 succeeded`,
      `${d(second)} 10:00 charge 2#1 succeeded`,
      `${d(second)} 10:00 paid`,
    ]);
  });

  it('dunns 1, 3 and 7 days after a failed charge, then is delinquent until cancelled', async () => {
    const due = await inDays(5);
    const d = (days: number) => due.plus({ days }).toFormat('yyyy-MM-dd');
    const { result, log } = await runPlan({
      dueDates: [d(0)],
      charge: () => 'failed',
      on: (step, cancel) => {
        if (step.startsWith('delinquent')) cancel();
      },
    });
    expect(result).toEqual({ status: 'cancelled' });
    expect(log).toEqual([
      `${d(0)} 10:00 charge 1#1 failed`,
      `${d(0)} 10:00 notice i1#1`,
      `${d(1)} 10:00 charge 1#2 failed`,
      `${d(1)} 10:00 notice i1#2`,
      `${d(3)} 10:00 charge 1#3 failed`,
      `${d(3)} 10:00 notice i1#3`,
      `${d(7)} 10:00 charge 1#4 failed`,
      `${d(7)} 10:00 notice i1#4`,
      `${d(7)} 10:00 delinquent i1`,
    ]);
  });
});
