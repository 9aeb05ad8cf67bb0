import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BailActivities, CourtPlan } from '../../activities/bail/types.js';
import { PROJECT_ROOT } from '../../temporal/binaries.js';
import { courtReminders } from '../../workflows/bail/court-reminders.js';
import { outcomeSignal, reinstatedSignal, rescheduledSignal } from '../../workflows/bail/messages.js';
import { timeSkippingEnv } from '../helpers/time-skipping.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await timeSkippingEnv();
});
afterAll(() => env?.teardown());

const workflowsPath = path.join(PROJECT_ROOT, 'workflows', 'bail', 'index.ts');
const ZONE = 'America/New_York';
const DAY = 86_400_000;
let queue = 0;

type Appearance = { id: string; scheduledAt: string; status: string; sent: string[]; raised: boolean };

/**
 * The court-reminder workflow against in-memory activities that keep the bond as Postgres would,
 * recording what each activity did at its moment in server (skipped) time. `on` lets a test act
 * as the agent at a given step, as the API would (store, then signal).
 */
async function runBond(opts: {
  appearances: { scheduledAt: string }[];
  graceDays?: number;
  on?: (step: string, ctl: Ctl) => void;
}) {
  const taskQueue = `bail-unit-${++queue}`;
  const workflowId = `bond-court-${queue}`;
  const state = {
    status: 'active' as CourtPlan['bondStatus'],
    fta: null as null | { appearanceId: string; missedAt: string; forfeitureDueAt: string },
    appearances: opts.appearances.map((a, i): Appearance => ({
      id: `a${i + 1}`,
      scheduledAt: a.scheduledAt,
      status: 'scheduled',
      sent: [],
      raised: false,
    })),
  };
  const log: { step: string; at: string }[] = [];
  const now = async () => DateTime.fromMillis(await env.currentTimeMs(), { zone: ZONE });
  // Signals a step sends land before its activity returns: time cannot skip past them (under load,
  // a signal sent after the activity could arrive a timer or two late).
  const signals: Promise<void>[] = [];
  const ctl = {
    state,
    signal: (fn: (h: ReturnType<typeof env.client.workflow.getHandle>) => Promise<void>) => {
      signals.push(fn(env.client.workflow.getHandle(workflowId)));
    },
  };
  const step = async (s: string) => {
    log.push({ step: s, at: (await now()).toFormat("yyyy-MM-dd'T'HH:mmZZ") });
    opts.on?.(s, ctl);
    await Promise.all(signals.splice(0));
  };
  const activities: Partial<BailActivities> = {
    loadCourtPlan: async () => {
      const missed = state.appearances.find((a) => a.status === 'missed' && !a.raised);
      const next =
        missed ??
        state.appearances
          .filter((a) => a.status === 'scheduled')
          .sort((x, y) => Date.parse(x.scheduledAt) - Date.parse(y.scheduledAt))[0];
      return {
        bondStatus: state.status,
        graceDays: opts.graceDays ?? 90,
        appearance: next
          ? {
              id: next.id,
              scheduledAt: next.scheduledAt,
              timeZone: ZONE,
              status: next.status as 'scheduled',
              remindersSent: next.sent,
            }
          : null,
        failureToAppear: state.fta,
      };
    },
    sendCourtReminder: async ({ appearanceId, reminder }) => {
      state.appearances.find((a) => a.id === appearanceId)!.sent.push(reminder);
      await step(`remind ${appearanceId} ${reminder}`);
      return { sent: 1 };
    },
    sendRescheduleNotice: async ({ appearanceId }) => {
      await step(`notice ${appearanceId}`);
      return { sent: 1 };
    },
    requestOutcome: async ({ appearanceId }) => step(`outcome? ${appearanceId}`),
    raiseFailureToAppear: async ({ appearanceId }) => {
      const a = state.appearances.find((x) => x.id === appearanceId)!;
      a.raised = true;
      const missedAt = await env.currentTimeMs();
      const forfeitureDueAt = new Date(missedAt + (opts.graceDays ?? 90) * DAY).toISOString();
      state.fta = { appearanceId, missedAt: new Date(missedAt).toISOString(), forfeitureDueAt };
      await step(`fta ${appearanceId}`);
      return { forfeitureDueAt };
    },
    remindForfeiture: async ({ daysLeft }) => step(`forfeits in ${daysLeft}`),
    forfeitBond: async () => {
      if (state.fta) state.status = 'forfeited';
      await step('forfeit');
      return { status: state.status };
    },
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath,
    activities,
  });
  const result = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(courtReminders, {
      taskQueue,
      workflowId,
      args: [{ orgId: 'org', bondId: `b-${queue}` }],
    });
    return handle.result();
  });
  return { result, log, state };
}
type Ctl = {
  state: { status: string; fta: unknown; appearances: Appearance[] };
  signal: (
    fn: (h: ReturnType<TestWorkflowEnvironment['client']['workflow']['getHandle']>) => Promise<void>,
  ) => void;
};

/** A court date `days` ahead of the server's clock at a local time, as ISO with offset. */
const ahead = async (days: number, hour: number, minute = 0) =>
  DateTime.fromMillis(await env.currentTimeMs(), { zone: ZONE })
    .plus({ days })
    .set({ hour, minute, second: 0, millisecond: 0 })
    .toISO()!;

describe('courtReminders (time-skipping)', () => {
  it('reminds at 7, 3 and 1 days and the morning of the date, on the court clock across DST', async () => {
    // 16 March 2027, 09:30: US DST starts on the 14th, between the 3-day and the 1-day reminder.
    const { result, log } = await runBond({
      appearances: [{ scheduledAt: '2027-03-16T09:30:00-04:00' }],
      on: (step, ctl) => {
        if (step.startsWith('outcome?')) {
          ctl.state.appearances[0]!.status = 'appeared';
          ctl.signal((h) => h.signal(outcomeSignal, { appearanceId: 'a1', outcome: 'appeared' }));
        }
      },
    });
    expect(log).toEqual([
      { step: 'remind a1 7d', at: '2027-03-09T09:00-05:00' },
      { step: 'remind a1 3d', at: '2027-03-13T09:00-05:00' },
      { step: 'remind a1 1d', at: '2027-03-15T09:00-04:00' },
      { step: 'remind a1 day_of', at: '2027-03-16T07:00-04:00' },
      // Nobody recorded the outcome: the agent is asked the next day.
      { step: 'outcome? a1', at: '2027-03-17T09:30-04:00' },
    ]);
    expect(result).toEqual({ status: 'no_court_dates' });
  });

  it('moves the reminders with a rescheduled date and tells the client', async () => {
    const first = await ahead(20, 10);
    const moved = DateTime.fromISO(first, { zone: ZONE }).plus({ days: 14 }).toISO()!;
    const { log } = await runBond({
      appearances: [{ scheduledAt: first }],
      on: (step, ctl) => {
        if (step === 'remind a1 7d') {
          ctl.state.appearances[0]!.status = 'rescheduled';
          ctl.state.appearances.push({
            id: 'a2',
            scheduledAt: moved,
            status: 'scheduled',
            sent: [],
            raised: false,
          });
          ctl.signal((h) =>
            h.signal(rescheduledSignal, { appearanceId: 'a1', newAppearanceId: 'a2', newTime: moved }),
          );
        }
        if (step === 'remind a2 day_of') ctl.state.status = 'completed';
      },
    });
    const at = (days: number, hour: number) =>
      DateTime.fromISO(moved, { zone: ZONE }).minus({ days }).set({ hour }).toFormat("yyyy-MM-dd'T'HH:mmZZ");
    expect(log.map((l) => l.step)).toEqual([
      'remind a1 7d',
      'notice a2',
      'remind a2 7d',
      'remind a2 3d',
      'remind a2 1d',
      'remind a2 day_of',
    ]);
    expect(log.slice(2).map((l) => l.at)).toEqual([at(7, 9), at(3, 9), at(1, 9), at(0, 7)]);
  });

  it('runs a missed date through the grace period to forfeiture', async () => {
    const { result, log, state } = await runBond({
      appearances: [{ scheduledAt: await ahead(2, 11) }],
      graceDays: 10,
      on: (step, ctl) => {
        if (step === 'remind a1 day_of') {
          ctl.state.appearances[0]!.status = 'missed';
          ctl.signal((h) => h.signal(outcomeSignal, { appearanceId: 'a1', outcome: 'missed' }));
        }
      },
    });
    expect(log.map((l) => l.step)).toEqual([
      'remind a1 1d',
      'remind a1 day_of',
      'fta a1',
      'forfeits in 7',
      'forfeits in 5',
      'forfeits in 1',
      'forfeit',
    ]);
    const fta = Date.parse(DateTime.fromFormat(log[2]!.at, "yyyy-MM-dd'T'HH:mmZZ").toISO()!);
    const forfeit = Date.parse(DateTime.fromFormat(log.at(-1)!.at, "yyyy-MM-dd'T'HH:mmZZ").toISO()!);
    expect(forfeit - fta).toBe(10 * DAY);
    expect(result).toEqual({ status: 'forfeited' });
    expect(state.status).toBe('forfeited');
  });

  it('stops the forfeiture when the bond is reinstated', async () => {
    const { result, log, state } = await runBond({
      appearances: [{ scheduledAt: await ahead(2, 11) }],
      graceDays: 10,
      on: (step, ctl) => {
        if (step === 'remind a1 day_of') {
          ctl.state.appearances[0]!.status = 'missed';
          ctl.signal((h) => h.signal(outcomeSignal, { appearanceId: 'a1', outcome: 'missed' }));
        }
        if (step === 'forfeits in 7') {
          ctl.state.fta = null;
          ctl.signal((h) => h.signal(reinstatedSignal));
        }
      },
    });
    expect(log.map((l) => l.step)).toEqual(['remind a1 1d', 'remind a1 day_of', 'fta a1', 'forfeits in 7']);
    expect(result).toEqual({ status: 'no_court_dates' });
    expect(state.status).toBe('active');
  });
});
