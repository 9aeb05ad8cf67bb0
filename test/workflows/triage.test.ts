import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../temporal/binaries.js';
import { alertTriage } from '../../workflows/triage/alert-triage.js';
import { cardFreeze } from '../../workflows/triage/card-freeze.js';
import { disputeLifecycle } from '../../workflows/triage/dispute-lifecycle.js';
import {
  assignUpdate,
  cardFreezeStateQuery,
  extendSignal,
  freezeUpdate,
  resolveUpdate,
  triageProgressQuery,
  unfreezeSignal,
  type CardFreezeState,
} from '../../workflows/triage/messages.js';
import { timeSkippingEnv } from '../helpers/time-skipping.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(() => env?.teardown());

const workflowsPath = path.join(PROJECT_ROOT, 'workflows', 'triage', 'index.ts');
const HOUR = 3600_000;
let queue = 0;

/** A worker on a fresh task queue with these (recording) activities. */
async function worker(activities: Record<string, (...args: any[]) => Promise<unknown>>) {
  const taskQueue = `triage-unit-${++queue}`;
  return {
    taskQueue,
    worker: await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities }),
  };
}

describe('alertTriage SLA (time-skipping)', () => {
  it('escalates an unresolved high alert after 4 h, then critical after 1 h more, until resolved', async () => {
    const escalations: { from: string; to: string }[] = [];
    const agentsRun: string[] = [];
    const { taskQueue, worker: w } = await worker({
      openTriage: async () => ({
        caseId: 'case-1',
        customerId: 'cust-1',
        transactionId: 'tx-1',
        cardId: 'card-1',
        priority: 'high',
        slaDueAt: new Date((await env.currentTimeMs()) + 4 * HOUR).toISOString(),
        resolved: false,
        assignedAgent: null,
      }),
      runAgent: async ({ agent }: { agent: string }) => {
        agentsRun.push(agent);
        return { agent, riskScore: 3 };
      },
      finishAgent: async () => undefined,
      completeTriage: async () => undefined,
      escalateAlert: async (i: { from: string; to: string }) => {
        escalations.push({ from: i.from, to: i.to });
      },
      // The card was not frozen: the customer-contact agent has nothing to ask.
      prepareContact: async () => ({ skip: 'the card was not frozen' }),
      completeAgent: async ({ agent }: { agent: string }) => {
        agentsRun.push(agent);
      },
      resolveAlert: async () => ({ status: 'resolved' }),
    });
    await w.runUntil(async () => {
      const handle = await env.client.workflow.start(alertTriage, {
        taskQueue,
        workflowId: 'triage-alert-sla',
        args: [{ orgId: 'org', alertId: 'alert-1' }],
      });
      await env.sleep('3 hours');
      expect((await handle.query(triageProgressQuery)).priority).toBe('high');
      expect(escalations).toEqual([]);
      await env.sleep('2 hours');
      expect(escalations).toEqual([{ from: 'high', to: 'critical' }]);
      expect(await handle.query(triageProgressQuery)).toMatchObject({
        priority: 'critical',
        status: 'awaiting_resolution',
      });
      await env.sleep('90 minutes');
      expect(escalations).toHaveLength(2);

      await expect(
        handle.executeUpdate(resolveUpdate, {
          args: [{ resolution: '', actions_taken: [], actor: 'user:u' }],
        }),
      ).rejects.toThrow();
      await handle.executeUpdate(resolveUpdate, {
        args: [
          {
            resolution: 'customer confirmed the purchase',
            actions_taken: [],
            outcome: 'customer_confirmed',
            actor: 'user:u',
          },
        ],
      });
      const result = await handle.result();
      expect(result).toMatchObject({ outcome: 'complete', finalPriority: 'critical' });
      expect(agentsRun.sort()).toEqual([
        'card-manager',
        'case-summarizer',
        'customer-contact',
        'fraud-detector',
        'kyc-check',
      ]);
    });
  });

  it('skips the dependents of an agent that fails, and reports a partial triage', async () => {
    const finished: { agent: string; status: string }[] = [];
    const { taskQueue, worker: w } = await worker({
      openTriage: async () => ({
        caseId: 'case-2',
        customerId: 'cust-2',
        transactionId: null,
        cardId: null,
        priority: 'low',
        slaDueAt: new Date((await env.currentTimeMs()) + 72 * HOUR).toISOString(),
        resolved: false,
        assignedAgent: null,
      }),
      runAgent: async ({ agent }: { agent: string }) => {
        if (agent === 'fraud-detector') throw new Error('scoring service down');
        return { ok: true };
      },
      finishAgent: async (i: { agent: string; status: string }) => {
        finished.push({ agent: i.agent, status: i.status });
      },
      completeTriage: async () => undefined,
      escalateAlert: async () => undefined,
      resolveAlert: async () => ({ status: 'resolved' }),
      assignAlert: async (i: { agent: string }) => ({ assigned_agent: i.agent }),
    });
    await w.runUntil(async () => {
      const handle = await env.client.workflow.start(alertTriage, {
        taskQueue,
        workflowId: 'triage-alert-partial',
        args: [{ orgId: 'org', alertId: 'alert-2' }],
      });
      // An update that arrives with the start waits for the case instead of being rejected.
      expect(await handle.executeUpdate(assignUpdate, { args: [{ agent: 'ana', actor: 'user:u' }] })).toEqual(
        { assigned_agent: 'ana' },
      );
      await env.sleep('1 minute');
      const progress = await handle.query(triageProgressQuery);
      expect(progress.agents['fraud-detector']?.status).toBe('failed');
      expect(progress.agents['kyc-check']?.status).toBe('completed');
      expect(progress.agents['card-manager']?.status).toBe('skipped');
      expect(progress.agents['case-summarizer']?.status).toBe('skipped');
      expect(finished).toEqual(
        expect.arrayContaining([
          { agent: 'fraud-detector', status: 'failed' },
          { agent: 'card-manager', status: 'skipped' },
        ]),
      );
      await handle.executeUpdate(resolveUpdate, {
        args: [{ resolution: 'done', actions_taken: [], actor: 'user:u' }],
      });
      expect((await handle.result()).outcome).toBe('partial');
    });
  });

  it('fails without retrying on an unknown agent', async () => {
    const { taskQueue, worker: w } = await worker({});
    await w.runUntil(async () => {
      await expect(
        env.client.workflow.execute(alertTriage, {
          taskQueue,
          workflowId: 'triage-alert-bad-plan',
          args: [{ orgId: 'org', alertId: 'alert-3', agents: ['mind-reader'] }],
        }),
      ).rejects.toThrow(/Workflow execution failed/);
    });
  });
});

describe('customer-contact agent (time-skipping)', () => {
  it('escalates to a supervisor when the customer never answers', async () => {
    const prefix = `cc${++queue}-`;
    const outcomes: string[] = [];
    const contactCalls: string[] = [];
    const base = {
      openTriage: async () => ({
        caseId: 'case-cc',
        customerId: 'cust-cc',
        transactionId: 'tx-cc',
        cardId: 'card-cc',
        priority: 'critical',
        slaDueAt: new Date((await env.currentTimeMs()) + 365 * 24 * HOUR).toISOString(),
        resolved: false,
        assignedAgent: null,
      }),
      runAgent: async ({ agent }: { agent: string }) =>
        agent === 'card-manager' ? { action: 'card_frozen' } : { riskScore: 9 },
      finishAgent: async () => undefined,
      completeTriage: async () => undefined,
      escalateAlert: async () => undefined,
      resolveAlert: async () => ({ status: 'resolved' }),
      completeAgent: async ({ result }: { result: { customer_answer: string } }) => {
        outcomes.push(`completed:${result.customer_answer}`);
      },
      prepareContact: async ({ contactId }: { contactId: string }) => ({ contactId }),
      escalateToSupervisor: async ({ reason }: { reason: string }) => {
        outcomes.push(reason);
      },
    };
    // The triage and notify task queues, as a deployment names them: <prefix>triage, <prefix>notify.
    const triage = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: `${prefix}triage`,
      workflowsPath,
      activities: base,
    });
    const notify = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: `${prefix}notify`,
      workflowsPath: path.join(PROJECT_ROOT, 'workflows', 'notify', 'index.ts'),
      activities: {
        loadContact: async () => ({
          channels: ['sms', 'email'],
          expectReply: true,
          replyTimeoutMs: 24 * HOUR,
          status: 'pending',
        }),
        startContactMessage: async ({ channel }: { channel: string }) => {
          contactCalls.push(channel);
          return { notificationId: `n-cc-${channel}` };
        },
        finishContact: async ({ status }: { status: string }) => {
          contactCalls.push(status);
        },
        planDelivery: async () => ({ critical: true, quietHours: null, sends: [] }),
      },
    });
    await triage.runUntil(() =>
      notify.runUntil(async () => {
        const handle = await env.client.workflow.start(alertTriage, {
          taskQueue: `${prefix}triage`,
          workflowId: 'triage-alert-cc',
          args: [{ orgId: 'org', alertId: 'alert-cc' }],
        });
        await env.sleep('50 hours');
        const progress = await handle.query(triageProgressQuery);
        expect(progress.agents['customer-contact']?.status).toBe('completed');
        await handle.executeUpdate(resolveUpdate, {
          args: [{ resolution: 'closed by supervisor', actions_taken: [], actor: 'user:s' }],
        });
        await handle.result();
      }),
    );
    expect(contactCalls).toEqual(['sms', 'email', 'no_reply']);
    // One step per consequence of the answer, then the agent's result.
    expect(outcomes).toEqual(['customer contact ended: no_reply', 'completed:no_reply']);
  });
});

describe('cardFreeze (time-skipping)', () => {
  it('lifts a 24 h temporary freeze by itself, later when extended', async () => {
    const calls: string[] = [];
    let frozenAt = 0;
    let unfrozenAt = 0;
    const { taskQueue, worker: w } = await worker({
      applyFreeze: async (i: { until: string | null; reason: string }): Promise<CardFreezeState> => {
        calls.push('freeze');
        frozenAt = await env.currentTimeMs();
        return { cardId: 'card-1', status: 'frozen', frozen_reason: i.reason, frozen_until: i.until };
      },
      applyUnfreeze: async (i: { reason: string }) => {
        calls.push(`unfreeze:${i.reason}`);
        unfrozenAt = await env.currentTimeMs();
        return { cardId: 'card-1', status: 'active', frozen_reason: null, frozen_until: null };
      },
    });
    await w.runUntil(async () => {
      const handle = await env.client.workflow.start(cardFreeze, {
        taskQueue,
        workflowId: 'card-freeze-card-1',
        args: [{ orgId: 'org', cardId: 'card-1' }],
      });
      const state = await handle.executeUpdate(freezeUpdate, {
        args: [
          { requestId: 'r1', reason: 'suspicious', temporary: true, durationHours: 24, actor: 'user:u' },
        ],
      });
      expect(state.status).toBe('frozen');
      await handle.signal(extendSignal, { hours: 12, actor: 'user:u' });
      const final = await handle.result();
      expect(final.status).toBe('active');
      expect(calls).toEqual(['freeze', 'unfreeze:temporary freeze expired']);
      expect(Math.round((unfrozenAt - frozenAt) / HOUR)).toBe(36);
    });
  });
});

describe('cardFreeze holds (time-skipping)', () => {
  it("lifts only the triage's freeze on the customer's yes; staff's freeze keeps the card frozen", async () => {
    const calls: string[] = [];
    const { taskQueue, worker: w } = await worker({
      applyFreeze: async (i: { until: string | null; reason: string; requestId: string }) => {
        calls.push(`freeze:${i.requestId}`);
        return { cardId: 'card-2', status: 'frozen', frozen_reason: i.reason, frozen_until: i.until };
      },
      applyUnfreeze: async (i: { reason: string }) => {
        calls.push(`unfreeze:${i.reason}`);
        return { cardId: 'card-2', status: 'active', frozen_reason: null, frozen_until: null };
      },
    });
    await w.runUntil(async () => {
      const handle = await env.client.workflow.start(cardFreeze, {
        taskQueue,
        workflowId: 'card-freeze-card-2',
        args: [{ orgId: 'org', cardId: 'card-2' }],
      });
      const freeze = (requestId: string, temporary: boolean) =>
        handle.executeUpdate(freezeUpdate, {
          args: [{ requestId, reason: requestId, temporary, durationHours: 24, actor: 'x' }],
        });
      await freeze('triage-a1', true);
      await freeze('staff-1', false);
      await handle.signal(unfreezeSignal, {
        reason: 'the customer confirmed',
        actor: 'w',
        hold: 'triage-a1',
      });
      await env.sleep(48 * HOUR); // past the triage's 24 h too
      expect((await handle.query(cardFreezeStateQuery)).status).toBe('frozen');
      expect(calls).toEqual(['freeze:triage-a1', 'freeze:staff-1']);
      await handle.signal(unfreezeSignal, { reason: 'staff lifted it', actor: 'user:u' });
      expect((await handle.result()).status).toBe('active');
      expect(calls).toEqual(['freeze:triage-a1', 'freeze:staff-1', 'unfreeze:staff lifted it']);
    });
  });
});

describe('disputeLifecycle (time-skipping)', () => {
  it('reminds before the deadline and expires an unsubmitted dispute', async () => {
    const reminders: number[] = [];
    let expired = false;
    const { taskQueue, worker: w } = await worker({
      disputeReminder: async (i: { daysLeft: number }) => {
        reminders.push(i.daysLeft);
      },
      expireDispute: async () => {
        expired = true;
        return 'expired';
      },
    });
    await w.runUntil(async () => {
      const submitBy = new Date((await env.currentTimeMs()) + 10 * 24 * HOUR).toISOString();
      const result = await env.client.workflow.execute(disputeLifecycle, {
        taskQueue,
        workflowId: 'dispute-expiring',
        args: [{ orgId: 'org', disputeId: 'd1', submitBy }],
      });
      expect(result.status).toBe('expired');
      expect(expired).toBe(true);
      expect(reminders).toEqual([7, 1]);
    });
  });
});
