import type { Db } from '../../db/pool.js';
import * as alerts from '../../db/triage/alerts.js';
import type { Actor } from '../../workflows/platform/actor.js';
import { assignAlertIn } from './assign-alert.js';

/**
 * "Take next": assigns the caller the oldest unassigned alert of the highest priority, in one
 * transaction that locks it (skipping those others hold), so concurrent takers never share one.
 * Null when nothing waits. It writes Postgres directly, as an assignment does when no triage runs:
 * the alert and case rows (what every screen and the stream show) are right at once, but a running
 * triage is not told, so its progress query keeps the assignee it knew.
 */
export function takeNextAlert(
  db: Db,
  orgId: string,
  i: { agent: string; actor: Actor; key: string },
): Promise<alerts.AlertRow | null> {
  return db.transaction(async (t) => {
    const id = await alerts.lockNextUnassigned(t, orgId);
    return id ? assignAlertIn(t, orgId, { alertId: id, ...i }) : null;
  });
}
