import * as appearances from '../../db/bail/appearances.js';
import * as bonds from '../../db/bail/bonds.js';
import type { Db, Queryable } from '../../db/pool.js';
import { requeueStarts, type PendingStart } from '../../db/platform/workflow-starts.js';
import { ConflictError, NotFoundError } from '../../lib/domain-errors.js';
import { isOpen, type AppearanceOutcome } from '../../workflows/bail/bond-status.js';
import { audit, type CommandActor } from '../audited.js';
import { bailEvent } from './bond-parties.js';
import { courtRemindersStart, type CourtSignal } from './court-start.js';

type Changed = { appearance: appearances.AppearanceRow; starts: PendingStart[] };

async function openBond(t: Queryable, orgId: string, bondId: string) {
  const bond = await bonds.lockBond(t, orgId, bondId);
  if (!bond) throw new NotFoundError('bond');
  if (!isOpen(bond.status)) throw new ConflictError(`The bond is ${bond.status}`);
  return bond;
}

async function scheduledAppearance(t: Queryable, orgId: string, bondId: string, id: string) {
  const a = await appearances.lockAppearance(t, orgId, bondId, id);
  if (!a) throw new NotFoundError('appearance');
  if (a.status !== 'scheduled') throw new ConflictError(`The appearance is ${a.status}`);
  return a;
}

/** The commit's audit row, event and the reminder run's message, for every court-date change. */
async function changed(
  t: Queryable,
  orgId: string,
  by: CommandActor,
  bond: bonds.BondRow,
  appearance: appearances.AppearanceRow,
  action: string,
  signal: CourtSignal,
  before?: unknown,
): Promise<Changed> {
  await audit(t, orgId, by, {
    action: `bail.appearance.${action}`,
    resourceType: 'court_appearance',
    resourceId: appearance.id,
    before,
    after: { status: appearance.status, scheduled_at: appearance.scheduled_at },
  });
  await bailEvent(t, orgId, `appearance.${action}`, {
    bond_id: bond.id,
    appearance_id: appearance.id,
    status: appearance.status,
    scheduled_at: appearance.scheduled_at,
  });
  const starts = [courtRemindersStart(orgId, bond, signal)];
  await requeueStarts(t, starts);
  return { appearance, starts };
}

/** Adds a court date to an open bond; its reminders are planned by the bond's run. */
export function addAppearance(
  db: Db,
  orgId: string,
  bondId: string,
  input: appearances.NewAppearance,
  by: CommandActor,
): Promise<Changed> {
  return db.transaction(async (t) => {
    const bond = await openBond(t, orgId, bondId);
    const [a] = await appearances.insertAppearances(t, orgId, bondId, [input]);
    return changed(t, orgId, by, bond, a!, 'scheduled', { type: 'changed' });
  });
}

/**
 * Moves a scheduled court date: the old one is kept as rescheduled (pointing at the new), the
 * new one gets its own reminders, and the client and indemnitors are told.
 */
export function rescheduleAppearance(
  db: Db,
  orgId: string,
  bondId: string,
  appearanceId: string,
  input: Partial<appearances.NewAppearance> & { scheduled_at: string },
  by: CommandActor,
): Promise<Changed> {
  return db.transaction(async (t) => {
    const bond = await openBond(t, orgId, bondId);
    const old = await scheduledAppearance(t, orgId, bondId, appearanceId);
    const [next] = await appearances.insertAppearances(t, orgId, bondId, [
      {
        scheduled_at: input.scheduled_at,
        time_zone: input.time_zone ?? old.time_zone,
        court_name: input.court_name ?? old.court_name,
        address: input.address !== undefined ? input.address : old.address,
        notes: input.notes ?? null,
      },
    ]);
    await appearances.markRescheduled(t, orgId, old.id, next!.id);
    return changed(
      t,
      orgId,
      by,
      bond,
      next!,
      'rescheduled',
      { type: 'rescheduled', appearanceId: old.id, newAppearanceId: next!.id, newTime: next!.scheduled_at },
      { appearance_id: old.id, scheduled_at: old.scheduled_at },
    );
  });
}

/** Records what happened at a court date; a miss starts the failure-to-appear process. */
export function recordAppearanceOutcome(
  db: Db,
  orgId: string,
  bondId: string,
  appearanceId: string,
  outcome: AppearanceOutcome,
  notes: string | null,
  by: CommandActor,
): Promise<Changed> {
  return db.transaction(async (t) => {
    const bond = await openBond(t, orgId, bondId);
    await scheduledAppearance(t, orgId, bondId, appearanceId);
    const a = await appearances.recordOutcome(t, orgId, appearanceId, outcome, notes);
    return changed(t, orgId, by, bond, a, outcome, { type: 'outcome', appearanceId, outcome });
  });
}
