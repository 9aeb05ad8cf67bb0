import { appendAudit } from '../db/platform/audit.js';
import type { Db, Queryable } from '../db/pool.js';
import type { Actor } from '../workflows/platform/actor.js';

/** Who asks for a command, and through which request: what the audit trail keeps of them. */
export type CommandActor = Actor & {
  requestId?: string | null | undefined;
  clientRequestId?: string | null | undefined;
  ip?: string | null | undefined;
};

export type AuditOf = {
  action: string;
  resourceType: string;
  resourceId: string | null;
  before?: unknown;
  after?: unknown;
  /** Written once per key (a repeat is dropped): for events that may recur, such as a login storm. */
  dedupKey?: string;
};

/** The audit row of a command, written in the command's own transaction. */
export function audit(t: Queryable, orgId: string, by: CommandActor, a: AuditOf): Promise<void> {
  return appendAudit(t, {
    orgId,
    actorType: by.type,
    actorId: by.id,
    requestId: by.requestId ?? null,
    clientRequestId: by.clientRequestId ?? null,
    ip: by.ip ?? null,
    ...a,
  });
}

/**
 * A write and its audit row in one transaction, so no change goes unrecorded and no record
 * names a change that rolled back. Null (and nothing audited) when the write found nothing.
 */
export async function audited<T>(
  db: Db,
  orgId: string,
  by: CommandActor,
  write: (t: Queryable) => Promise<T | null>,
  describe: (row: T) => AuditOf,
): Promise<T | null> {
  return db.transaction(async (t) => {
    const row = await write(t);
    if (row !== null) await audit(t, orgId, by, describe(row));
    return row;
  });
}
