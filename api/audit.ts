import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { appendAudit, type AuditEntry } from '../db/platform/audit.js';
import type { Db } from '../db/pool.js';
import type { AppEnv } from './env.js';

/** Appends an audit event for the calling principal, with the request's id and client address. */
export async function auditRequest(
  db: Db,
  c: Context<AppEnv>,
  e: Pick<AuditEntry, 'action' | 'resourceType' | 'resourceId' | 'before' | 'after'>,
): Promise<void> {
  const p = c.get('principal');
  let ip: string | null = null;
  try {
    ip = getConnInfo(c).remote.address ?? null;
  } catch {
    ip = null; // not served by @hono/node-server (e.g. app.request() in tests)
  }
  await appendAudit(db, {
    ...e,
    orgId: p.orgId,
    actorType: p.actorType,
    actorId: p.actorId,
    requestId: c.get('requestId'),
    ip,
  });
}
