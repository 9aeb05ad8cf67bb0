import { condition, continueAsNew, setHandler } from '@temporalio/workflow';
import { acts } from './activity-options.js';
import { isOpen } from './bond-status.js';
import { forfeitureReminderTimes, outcomeOverdueAt, remindersOwed } from './court-schedule.js';
import {
  appearancesChangedSignal,
  bondClosedSignal,
  outcomeSignal,
  reinstatedSignal,
  rescheduledSignal,
} from './messages.js';

export type CourtRemindersInput = {
  orgId: string;
  bondId: string;
  /** Court dates moved whose notices were not sent yet (carried over continue-as-new). */
  pendingNotices?: string[];
};
export type CourtRemindersResult = {
  status: 'closed' | 'no_court_dates' | 'forfeited';
};

/**
 * A bond's court dates (`bond-court-<bondId>`): for its next scheduled appearance, reminds the
 * client and indemnitors a week, three days and a day before and the morning of the date (the
 * court's wall clock), then waits for the outcome. A missed date raises a failure to appear and
 * runs the grace period, reminding the agent; reinstatement stops it, its end forfeits the bond.
 * After each appearance it continues as new for the next. The database holds the truth: every
 * signal only makes the workflow read it again.
 */
export async function courtReminders(input: CourtRemindersInput): Promise<CourtRemindersResult> {
  const ref = { orgId: input.orgId, bondId: input.bondId };
  const nextChapter = () =>
    continueAsNew<typeof courtReminders>({ ...ref, pendingNotices: moved.map((m) => m.appearanceId) });
  let changed = false;
  let closed = false;
  let reinstated = false;
  const moved = (input.pendingNotices ?? []).map((appearanceId) => ({ appearanceId }));
  setHandler(appearancesChangedSignal, () => void (changed = true));
  setHandler(rescheduledSignal, (s) => {
    moved.push({ appearanceId: s.newAppearanceId });
    changed = true;
  });
  setHandler(outcomeSignal, () => void (changed = true));
  setHandler(reinstatedSignal, () => void (reinstated = changed = true));
  setHandler(bondClosedSignal, () => void (closed = changed = true));
  const woken = () => changed;
  // The appearance this run was started for; the next one starts a fresh history.
  let current: string | undefined;

  for (;;) {
    changed = false;
    while (moved.length) await acts.sendRescheduleNotice({ ...ref, ...moved.shift()! });
    const plan = await acts.loadCourtPlan(ref);
    if (closed || !isOpen(plan.bondStatus)) return { status: 'closed' };
    // Reinstated before the grace period began waiting: the next court date is a new chapter.
    if (reinstated && !plan.failureToAppear) return nextChapter();

    if (plan.failureToAppear) {
      const outcome = await pursueForfeiture(ref, plan.failureToAppear, () => reinstated || closed);
      if (outcome === 'forfeited') return { status: 'forfeited' };
      if (outcome === 'woken') continue;
      // Reinstated: the next court date is a new chapter.
      return nextChapter();
    }

    const a = plan.appearance;
    if (!a) {
      // Nothing scheduled: wait for a court date to be added (or the bond to close).
      if (await condition(woken, '30 days')) continue;
      return { status: 'no_court_dates' };
    }
    if (current && a.id !== current) return nextChapter();
    current = a.id;
    if (a.status === 'scheduled') {
      const [next] = remindersOwed(a.scheduledAt, a.timeZone, a.remindersSent, Date.now());
      if (next) {
        if (await condition(woken, Math.max(next.at - Date.now(), 1))) continue;
        await acts.sendCourtReminder({ ...ref, appearanceId: a.id, reminder: next.key });
        continue;
      }
      // Every reminder sent: wait for the outcome, asking the agent for it once it is overdue.
      const overdue = outcomeOverdueAt(a.scheduledAt);
      if (await condition(woken, Math.max(overdue - Date.now(), 1))) continue;
      await acts.requestOutcome({ ...ref, appearanceId: a.id });
      await condition(woken);
      continue;
    }
    // Missed, and not yet raised: the grace period starts.
    await acts.raiseFailureToAppear({ ...ref, appearanceId: a.id });
  }
}

/**
 * The grace period after a failure to appear: the agent reminded at its middle, a week and a day
 * before its end; at its end, unless reinstated first, the bond forfeits.
 */
async function pursueForfeiture(
  ref: CourtRemindersInput,
  fta: { appearanceId: string; missedAt: string; forfeitureDueAt: string },
  stopped: () => boolean,
): Promise<'forfeited' | 'reinstated' | 'woken'> {
  const due = Date.parse(fta.forfeitureDueAt);
  const graceDays = Math.round((due - Date.parse(fta.missedAt)) / 86_400_000);
  for (const r of forfeitureReminderTimes(Date.parse(fta.missedAt), graceDays)) {
    if (r.at <= Date.now()) continue;
    if (await condition(stopped, r.at - Date.now())) return 'reinstated';
    await acts.remindForfeiture({ ...ref, appearanceId: fta.appearanceId, daysLeft: r.daysLeft });
  }
  if (await condition(stopped, Math.max(due - Date.now(), 1))) return 'reinstated';
  const { status } = await acts.forfeitBond({ ...ref, appearanceId: fta.appearanceId });
  return status === 'forfeited' ? 'forfeited' : 'woken';
}
