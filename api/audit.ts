import type { Context } from 'hono';
import { audit, type CommandActor } from '../commands/audited.js';
import { appendReadAudit, type AuditEntry } from '../db/platform/audit.js';
import type { Db } from '../db/pool.js';
import { allows } from '../lib/roles.js';
import type { Actor } from '../workflows/platform/actor.js';
import type { AppEnv, Principal } from './env.js';

/** The calling principal as commands name who asked: actor, request id and client address. */
export function commandActor(c: Context<AppEnv>): CommandActor {
  const p = c.get('principal');
  const ip = c.get('clientIp');
  return {
    type: p.actorType,
    id: p.actorId,
    requestId: c.get('requestId'),
    clientRequestId: c.get('clientRequestId') ?? null,
    ip: ip && ip !== 'unknown' ? ip : null,
  };
}

/** Appends an audit event for the calling principal, with the request's id and client address. */
export async function auditRequest(
  db: Db,
  c: Context<AppEnv>,
  e: Pick<AuditEntry, 'action' | 'resourceType' | 'resourceId' | 'before' | 'after'>,
): Promise<void> {
  await audit(db, c.get('principal').orgId, commandActor(c), { resourceId: null, ...e });
}

/**
 * Staff who may see personal data whole (pii:read) leave a trace each time they do: which
 * customers' email, phone, address or message destinations were shown unmasked.
 */
export async function auditPiiViewed(
  db: Db,
  c: Context<AppEnv>,
  customerIds: string[],
  resource: { type: string; id: string | null } = { type: 'customer', id: null },
): Promise<void> {
  const entry = piiViewed(c, customerIds, resource);
  if (entry) await appendReadAudit(db, entry);
}

/** The audit row of showing these customers' personal data, or null when the caller sees it masked. */
export function piiViewed(
  c: Context<AppEnv>,
  customerIds: string[],
  resource: { type: string; id: string | null } = { type: 'customer', id: null },
): AuditEntry | null {
  const p = c.get('principal');
  if (!customerIds.length || !allows(p, 'pii:read')) return null;
  const by = commandActor(c);
  return {
    orgId: p.orgId,
    actorType: by.type,
    actorId: by.id,
    requestId: by.requestId ?? null,
    clientRequestId: by.clientRequestId ?? null,
    ip: by.ip ?? null,
    action: 'customer.pii_viewed',
    resourceType: resource.type,
    resourceId: resource.id,
    after: { customer_ids: [...new Set(customerIds)] },
  };
}

/** The calling principal as the timeline and the audit trail name actors. */
export const principalActor = (p: Principal): Actor => ({ type: p.actorType, id: p.actorId });
