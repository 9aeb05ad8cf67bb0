import { appendAudit } from '../db/platform/audit.js';
import { emitEvent } from '../db/platform/events.js';
import type { Queryable } from '../db/pool.js';
import { appendCaseEvent } from '../db/triage/cases.js';
import { actorString, type Actor } from '../workflows/platform/actor.js';
import type { CaseEventType } from '../workflows/triage/case-events.js';

export type Recorded = {
  orgId: string;
  /** The case whose timeline gets the event; without one, only the stream and the audit trail. */
  caseId?: string | null | undefined;
  type: CaseEventType;
  actor: Actor;
  data: Record<string, unknown>;
  /** Makes the record once: a retried command or activity writes nothing new. */
  key: string;
  /** The live event: on `alerts` and the case's stream by default, named and shaped like the case event unless said. */
  stream?: { names?: string[]; type?: string; payload?: Record<string, unknown> } | false;
  audit?: { action: string; resourceType: string; resourceId: string; before?: unknown; after?: unknown };
};

/**
 * The one way something that happened is put on the record, in the caller's transaction: the
 * case's timeline, the event stream that operators watch, and the audit trail, each once per key.
 */
export async function record(t: Queryable, r: Recorded): Promise<void> {
  const dedup = `${r.type}:${r.key}`;
  if (r.caseId) {
    await appendCaseEvent(t, r.orgId, {
      case_id: r.caseId,
      type: r.type,
      actor: actorString(r.actor),
      data: r.data,
      dedup_key: dedup,
    });
  }
  if (r.stream !== false) {
    await emitEvent(t, {
      orgId: r.orgId,
      streams: r.stream?.names ?? (r.caseId ? ['alerts', `case:${r.caseId}`] : ['alerts']),
      type: r.stream?.type ?? r.type,
      payload: r.stream?.payload ?? r.data,
      dedupKey: dedup,
    });
  }
  if (r.audit) {
    await appendAudit(t, {
      orgId: r.orgId,
      actorType: r.actor.type,
      actorId: r.actor.id,
      action: r.audit.action,
      resourceType: r.audit.resourceType,
      resourceId: r.audit.resourceId,
      before: r.audit.before,
      after: r.audit.after,
      dedupKey: `${r.audit.action}:${r.key}`,
    });
  }
}
