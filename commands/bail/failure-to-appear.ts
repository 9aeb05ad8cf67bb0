import * as appearances from '../../db/bail/appearances.js';
import * as bonds from '../../db/bail/bonds.js';
import { settleCollateral } from '../../db/bail/collateral.js';
import { createBailTask } from '../../db/bail/tasks.js';
import type { Db } from '../../db/pool.js';
import type { PendingStart } from '../../db/platform/workflow-starts.js';
import { NotFoundError } from '../../lib/domain-errors.js';
import { canTransition } from '../../workflows/bail/bond-status.js';
import { courtDateText } from '../../workflows/bail/court-schedule.js';
import { audit, type CommandActor } from '../audited.js';
import { bailEvent, notifyBondParties } from './bond-parties.js';

const DAY = 86_400_000;

/**
 * A missed court date, once per appearance: the bond's grace period starts (its own days, else
 * the agency's, else 90), the agent gets a critical task, and the client and indemnitors are told
 * (critical, past quiet hours). Returns when forfeiture falls due and the deliveries owed.
 */
export async function raiseFailureToAppear(
  db: Db,
  orgId: string,
  bondId: string,
  appearanceId: string,
  by: CommandActor,
): Promise<{ forfeitureDueAt: string | null; starts: PendingStart[] }> {
  return db.transaction(async (t) => {
    const bond = await bonds.lockBond(t, orgId, bondId);
    const a = await appearances.getAppearance(t, orgId, appearanceId);
    if (!bond || !a) throw new NotFoundError('appearance');
    if (!(await appearances.markFailureRaised(t, orgId, appearanceId)))
      return { forfeitureDueAt: bond.forfeiture_due_at, starts: [] };
    const missedAt = Date.parse(a.outcome_at ?? a.scheduled_at);
    const days = await bonds.graceDays(t, orgId, bondId);
    const dueAt = new Date(missedAt + days * DAY).toISOString();
    await bonds.setFailureToAppear(t, orgId, bondId, { at: new Date(missedAt).toISOString(), dueAt });
    await createBailTask(t, orgId, {
      bondId,
      type: 'failure_to_appear',
      priority: 'critical',
      title: `Failure to appear: bond ${bond.bond_number}, ${a.court_name}`,
      details: {
        appearance_id: a.id,
        scheduled_at: a.scheduled_at,
        forfeiture_due_at: dueAt,
        grace_days: days,
      },
      assignedTo: bond.created_by,
      dueAt,
      dedupKey: `fta:${a.id}`,
    });
    const when = courtDateText(a.scheduled_at, a.time_zone);
    const starts = await notifyBondParties(t, orgId, bond, {
      kind: 'bail_failure_to_appear',
      title: 'Missed court date',
      message: `The court date on ${when.date} at ${when.time} (${a.court_name}) was missed. Call your bail agent today: the bond will be forfeited unless this is resolved.`,
      metadata: { appearance_id: a.id, forfeiture_due_at: dueAt },
      critical: true,
      key: `bail:fta:${a.id}`,
    });
    await audit(t, orgId, by, {
      action: 'bail.bond.failure_to_appear',
      resourceType: 'bond',
      resourceId: bondId,
      after: { appearance_id: a.id, forfeiture_due_at: dueAt },
    });
    await bailEvent(
      t,
      orgId,
      'bond.failure_to_appear',
      { bond_id: bondId, appearance_id: a.id, forfeiture_due_at: dueAt, priority: 'critical' },
      `fta:${a.id}`,
    );
    return { forfeitureDueAt: dueAt, starts };
  });
}

/** A reminder to the agent while the grace period runs: a task per appearance and days left. */
export async function remindForfeiture(
  db: Db,
  orgId: string,
  bondId: string,
  appearanceId: string,
  daysLeft: number,
): Promise<void> {
  await db.transaction(async (t) => {
    const bond = await bonds.getBond(t, orgId, bondId);
    if (!bond?.failure_to_appear_at) return; // reinstated meanwhile
    const task = await createBailTask(t, orgId, {
      bondId,
      type: 'forfeiture_reminder',
      priority: daysLeft <= 7 ? 'critical' : 'high',
      title: `Bond ${bond.bond_number} forfeits in ${daysLeft} day${daysLeft === 1 ? '' : 's'}`,
      details: {
        appearance_id: appearanceId,
        days_left: daysLeft,
        forfeiture_due_at: bond.forfeiture_due_at,
      },
      assignedTo: bond.created_by,
      dueAt: bond.forfeiture_due_at,
      dedupKey: `forfeiture:${appearanceId}:${daysLeft}`,
    });
    if (task)
      await bailEvent(t, orgId, 'bond.forfeiture_reminder', {
        bond_id: bondId,
        task_id: task.id,
        days_left: daysLeft,
      });
  });
}

/**
 * The grace period ended without reinstatement: the bond forfeits, its held collateral is marked
 * forfeited, and a recovery task goes to the agent. Nothing happens to a bond reinstated or closed meanwhile.
 */
export async function forfeitBond(
  db: Db,
  orgId: string,
  bondId: string,
  appearanceId: string,
  by: CommandActor,
): Promise<{ status: bonds.BondRow['status'] }> {
  return db.transaction(async (t) => {
    const bond = await bonds.lockBond(t, orgId, bondId);
    if (!bond) throw new NotFoundError('bond');
    if (bond.status === 'forfeited' || !bond.failure_to_appear_at || !canTransition(bond.status, 'forfeited'))
      return { status: bond.status };
    await bonds.setBondStatus(t, orgId, bondId, 'forfeited');
    const forfeited = await settleCollateral(t, orgId, bondId, 'forfeited');
    await createBailTask(t, orgId, {
      bondId,
      type: 'recovery',
      priority: 'critical',
      title: `Recover the defendant of bond ${bond.bond_number}`,
      details: {
        appearance_id: appearanceId,
        amount: bond.amount,
        collateral_forfeited: forfeited.map((c) => ({
          id: c.id,
          type: c.type,
          estimated_value: c.estimated_value,
        })),
      },
      assignedTo: bond.created_by,
      dedupKey: `recovery:${bondId}`,
    });
    await audit(t, orgId, by, {
      action: 'bail.bond.forfeited',
      resourceType: 'bond',
      resourceId: bondId,
      before: { status: bond.status },
      after: { status: 'forfeited', collateral: forfeited.length },
    });
    await bailEvent(t, orgId, 'bond.forfeited', { bond_id: bondId, collateral: forfeited.length });
    return { status: 'forfeited' as const };
  });
}
