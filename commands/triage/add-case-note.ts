import type { Db } from '../../db/pool.js';
import type { Actor } from '../../workflows/platform/actor.js';
import { record } from '../record.js';

/** Adds an operator's note to a case's timeline, once per key. */
export function addCaseNote(
  db: Db,
  orgId: string,
  i: { caseId: string; note: string; actor: Actor; key: string },
): Promise<void> {
  return db.transaction((t) =>
    record(t, {
      orgId,
      caseId: i.caseId,
      type: 'note_added',
      actor: i.actor,
      data: { note: i.note },
      key: i.key,
      stream: {
        names: [`case:${i.caseId}`],
        payload: { case_id: i.caseId, note: i.note, actor: i.actor.id },
      },
      audit: {
        action: 'case.note_added',
        resourceType: 'case',
        resourceId: i.caseId,
        after: { note: i.note },
      },
    }),
  );
}
