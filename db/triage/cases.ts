import { sql } from 'slonik';
import { z } from 'zod';
import {
  CASE_EVENT_TYPES,
  CASE_OUTCOMES,
  CASE_STATUSES,
  statusesBefore,
  type CaseEventType,
} from '../../workflows/triage/case-events.js';
import type { Queryable } from '../pool.js';
import { PRIORITY } from './alerts.js';

export const OUTCOME = z.enum(CASE_OUTCOMES);

export const caseRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  alert_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  case_type: z.string(),
  priority: PRIORITY,
  status: z.enum(CASE_STATUSES),
  outcome: OUTCOME.nullable(),
  assigned_agent: z.string().nullable(),
  summary: z.string().nullable(),
  sla_due_at: z.string().nullable(),
  reopened_count: z.number().int(),
  closed_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type CaseRow = z.infer<typeof caseRow>;

export const caseEventRow = z.object({
  id: z.number().int(),
  case_id: z.string().uuid(),
  type: z.enum(CASE_EVENT_TYPES),
  actor: z.string(),
  data: z.record(z.unknown()),
  created_at: z.string(),
});
export type CaseEventRow = z.infer<typeof caseEventRow>;

const columns = sql.fragment`id, org_id, alert_id, customer_id, case_type, priority, status, outcome, assigned_agent,
  summary, sla_due_at, reopened_count, closed_at, created_at, updated_at`;

/** The alert's case, created on first use (one per alert). */
export async function ensureCase(
  db: Queryable,
  orgId: string,
  c: { alert_id: string; customer_id: string; priority: CaseRow['priority']; sla_due_at: string },
): Promise<{ row: CaseRow; created: boolean }> {
  const created = await db.maybeOne(sql.type(caseRow)`
    INSERT INTO cases (org_id, alert_id, customer_id, priority, sla_due_at)
    VALUES (${orgId}, ${c.alert_id}, ${c.customer_id}, ${c.priority}, ${c.sla_due_at}::timestamptz)
    ON CONFLICT (org_id, alert_id) DO NOTHING RETURNING ${columns}`);
  if (created) return { row: created, created: true };
  return {
    row: await db.one(
      sql.type(caseRow)`SELECT ${columns} FROM cases WHERE org_id = ${orgId} AND alert_id = ${c.alert_id}`,
    ),
    created: false,
  };
}

export function getCase(db: Queryable, orgId: string, id: string): Promise<CaseRow | null> {
  return db.maybeOne(sql.type(caseRow)`SELECT ${columns} FROM cases WHERE org_id = ${orgId} AND id = ${id}`);
}

export function getCaseByAlert(db: Queryable, orgId: string, alertId: string): Promise<CaseRow | null> {
  return db.maybeOne(
    sql.type(caseRow)`SELECT ${columns} FROM cases WHERE org_id = ${orgId} AND alert_id = ${alertId}`,
  );
}

export function updateCase(
  db: Queryable,
  orgId: string,
  id: string,
  patch: {
    status?: CaseRow['status'];
    outcome?: CaseRow['outcome'];
    summary?: string;
    priority?: CaseRow['priority'];
    assigned_agent?: string;
    sla_due_at?: string;
  },
): Promise<CaseRow | null> {
  const sets = Object.entries(patch)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) =>
      k === 'sla_due_at'
        ? sql.fragment`sla_due_at = ${v as string}::timestamptz`
        : sql.fragment`${sql.identifier([k])} = ${v as string}`,
    );
  const closing = patch.status === 'closed' ? sql.fragment`, closed_at = now()` : sql.fragment``;
  // A status change only from where canTransition allows it (workflows/triage/case-events.ts).
  const guard = patch.status
    ? sql.fragment` AND status = ANY(${sql.array(statusesBefore('case', patch.status), 'text')})`
    : sql.fragment``;
  return db.maybeOne(sql.type(caseRow)`
    UPDATE cases SET ${sql.join(sets, sql.fragment`, `)}${closing}, updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id}${guard} RETURNING ${columns}`);
}

/** Appends to the case's typed timeline; with a dedupKey a retried activity appends once. */
export async function appendCaseEvent(
  db: Queryable,
  orgId: string,
  e: {
    case_id: string;
    type: CaseEventType;
    actor: string;
    data?: Record<string, unknown>;
    dedup_key?: string;
  },
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO case_events (org_id, case_id, type, actor, data, dedup_key)
    VALUES (${orgId}, ${e.case_id}, ${e.type}, ${e.actor}, ${sql.jsonb((e.data ?? {}) as never)}, ${e.dedup_key ?? null})
    ON CONFLICT (org_id, dedup_key) DO NOTHING`);
}

/** Appends case events in one statement (each once by its dedup key). */
export async function appendCaseEvents(
  db: Queryable,
  orgId: string,
  list: readonly {
    case_id: string;
    type: CaseEventType;
    actor: string;
    data: Record<string, unknown>;
    dedup_key: string;
  }[],
): Promise<void> {
  if (!list.length) return;
  await db.query(sql.unsafe`
    INSERT INTO case_events (org_id, case_id, type, actor, data, dedup_key)
    SELECT ${orgId}, case_id, type, actor, data, dedup_key
    FROM jsonb_to_recordset(${sql.jsonb(list as never)})
      AS e(case_id uuid, type text, actor text, data jsonb, dedup_key text)
    ON CONFLICT (org_id, dedup_key) DO NOTHING`);
}

export function listCaseEvents(
  db: Queryable,
  orgId: string,
  caseId: string,
): Promise<readonly CaseEventRow[]> {
  return db.any(sql.type(caseEventRow)`
    SELECT id, case_id, type, actor, data, created_at FROM case_events
    WHERE org_id = ${orgId} AND case_id = ${caseId} ORDER BY id`);
}

export function reopenCase(db: Queryable, orgId: string, id: string): Promise<CaseRow | null> {
  return db.maybeOne(sql.type(caseRow)`
    UPDATE cases SET status = 'investigating', outcome = NULL, closed_at = NULL,
      reopened_count = reopened_count + 1, updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} AND status = 'closed' RETURNING ${columns}`);
}

/** The case of the transaction's first alert, if it has one (a dispute joins that case's timeline). */
export function getCaseByTransaction(
  db: Queryable,
  orgId: string,
  transactionId: string,
): Promise<CaseRow | null> {
  return db.maybeOne(sql.type(caseRow)`
    SELECT ${columns} FROM cases WHERE org_id = ${orgId} AND alert_id = (
      SELECT id FROM alerts WHERE org_id = ${orgId} AND transaction_id = ${transactionId}
      ORDER BY created_at LIMIT 1)`);
}
