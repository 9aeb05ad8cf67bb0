import { sql } from 'slonik';
import { z } from 'zod';
import { keysetAfter, type KeyColumn } from '../keyset.js';
import { ALERT_STATUSES, statusesBefore, type AlertStatus } from '../../workflows/triage/case-events.js';
import type { Queryable } from '../pool.js';

export const PRIORITY = z.enum(['low', 'medium', 'high', 'critical']);
export const ALERT_STATUS = z.enum(ALERT_STATUSES);

/** The guard of a status change: only from the statuses canTransition allows (workflows/triage/case-events.ts). */
const from = (to: AlertStatus) => sql.array(statusesBefore('alert', to), 'text');

export const alertRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  transaction_id: z.string().uuid().nullable(),
  card_id: z.string().uuid().nullable(),
  alert_type: z.string(),
  priority: PRIORITY,
  priority_rank: z.number().int(),
  title: z.string(),
  description: z.string().nullable(),
  data: z.record(z.unknown()),
  status: ALERT_STATUS,
  assigned_agent: z.string().nullable(),
  resolution: z.string().nullable(),
  actions_taken: z.array(z.unknown()),
  resolved_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  customer_name: z.string().nullable(),
});
export type AlertRow = z.infer<typeof alertRow>;

const COLUMN_NAMES = [
  'id',
  'org_id',
  'customer_id',
  'transaction_id',
  'card_id',
  'alert_type',
  'priority',
  'priority_rank',
  'title',
  'description',
  'data',
  'status',
  'assigned_agent',
  'resolution',
  'actions_taken',
  'resolved_at',
  'created_at',
  'updated_at',
];
/** An alert's columns and its customer's name (a queue names whom each alert is about), of `alias`. */
const columnsOf = (alias: string) =>
  sql.join(
    [
      ...COLUMN_NAMES.map((c) => sql.identifier([alias, c])),
      sql.fragment`(SELECT concat_ws(' ', cu.first_name, cu.last_name) FROM customers cu
        WHERE cu.org_id = ${sql.identifier([alias, 'org_id'])} AND cu.id = ${sql.identifier([alias, 'customer_id'])}) AS customer_name`,
    ],
    sql.fragment`, `,
  );
const columns = columnsOf('alerts');

/** Raises an alert once per dedup key; returns it and whether this call created it. */
export async function raiseAlert(
  db: Queryable,
  orgId: string,
  a: Omit<NewAlert, 'id'>,
): Promise<{ alert: AlertRow; created: boolean }> {
  const created = await db.maybeOne(sql.type(alertRow)`
    INSERT INTO alerts (org_id, customer_id, transaction_id, card_id, alert_type, priority, title, description, data, dedup_key)
    VALUES (${orgId}, ${a.customer_id}, ${a.transaction_id}, ${a.card_id}, ${a.alert_type}, ${a.priority}, ${a.title},
      ${a.description}, ${sql.jsonb(a.data as never)}, ${a.dedup_key})
    ON CONFLICT (org_id, dedup_key) DO NOTHING RETURNING ${columns}`);
  if (created) return { alert: created, created: true };
  const existing = await db.one(sql.type(alertRow)`
    SELECT ${columns} FROM alerts WHERE org_id = ${orgId} AND dedup_key = ${a.dedup_key}`);
  return { alert: existing, created: false };
}

/** A customer's open alert that new signals join, with its open case if triage opened one. */
export const openAlertRow = alertRow.extend({ case_id: z.string().uuid().nullable() });
export type OpenAlertRow = z.infer<typeof openAlertRow>;

/**
 * The newest open alert of each customer raised within the grouping window, locked until the
 * transaction ends (an operator resolving it waits, so a signal never joins a closed alert).
 */
export async function openAlertsForCustomers(
  db: Queryable,
  orgId: string,
  customerIds: readonly string[],
  windowHours: number,
): Promise<Map<string, OpenAlertRow>> {
  if (!customerIds.length) return new Map();
  const rows = await db.any(sql.type(openAlertRow)`
    SELECT ${columnsOf('a')},
      (SELECT k.id FROM cases k WHERE k.org_id = a.org_id AND k.alert_id = a.id AND k.status <> 'closed') AS case_id
    FROM alerts a
    WHERE a.org_id = ${orgId} AND a.customer_id = ANY(${sql.array([...customerIds], 'uuid')})
      AND a.status IN ('open', 'assigned') AND a.created_at > now() - make_interval(hours => ${windowHours})
    ORDER BY a.customer_id, a.created_at DESC, a.id DESC
    FOR UPDATE OF a`);
  const newest = new Map<string, OpenAlertRow>();
  for (const r of rows) if (!newest.has(r.customer_id)) newest.set(r.customer_id, r);
  return newest;
}

export type NewAlert = {
  id: string;
  customer_id: string;
  transaction_id: string | null;
  card_id: string | null;
  alert_type: string;
  priority: AlertRow['priority'];
  title: string;
  description: string | null;
  data: Record<string, unknown>;
  dedup_key: string;
};

/** Raises alerts in one statement; an alert whose dedup key exists already is not raised again. */
export function insertAlerts(
  db: Queryable,
  orgId: string,
  list: readonly NewAlert[],
): Promise<readonly AlertRow[]> {
  if (!list.length) return Promise.resolve([]);
  return db.any(sql.type(alertRow)`
    INSERT INTO alerts (id, org_id, customer_id, transaction_id, card_id, alert_type, priority, title, description, data, dedup_key)
    SELECT id, ${orgId}, customer_id, transaction_id, card_id, alert_type, priority, title, description, data, dedup_key
    FROM jsonb_to_recordset(${sql.jsonb(list as never)}) AS a(id uuid, customer_id uuid, transaction_id uuid,
      card_id uuid, alert_type text, priority text, title text, description text, data jsonb, dedup_key text)
    ON CONFLICT (org_id, dedup_key) DO NOTHING RETURNING ${columns}`);
}

/** New evidence on open alerts: data and priority in one statement (their cases follow the priority). */
export async function updateAlertEvidence(
  db: Queryable,
  orgId: string,
  list: readonly {
    id: string;
    priority: AlertRow['priority'];
    data: Record<string, unknown>;
    raised: boolean;
  }[],
): Promise<readonly AlertRow[]> {
  if (!list.length) return [];
  const rows = await db.any(sql.type(alertRow)`
    UPDATE alerts a SET priority = u.priority, data = u.data, updated_at = now()
    FROM jsonb_to_recordset(${sql.jsonb(list as never)}) AS u(id uuid, priority text, data jsonb)
    WHERE a.org_id = ${orgId} AND a.id = u.id RETURNING ${columnsOf('a')}`);
  const raised = list.filter((a) => a.raised).map((a) => ({ id: a.id, priority: a.priority }));
  if (!raised.length) return rows;
  await db.query(sql.unsafe`
    UPDATE cases k SET priority = u.priority, updated_at = now()
    FROM jsonb_to_recordset(${sql.jsonb(raised as never)}) AS u(id uuid, priority text)
    WHERE k.org_id = ${orgId} AND k.alert_id = u.id AND k.status <> 'closed' AND k.priority <> u.priority`);
  return rows;
}

export function getAlert(db: Queryable, orgId: string, id: string): Promise<AlertRow | null> {
  return db.maybeOne(
    sql.type(alertRow)`SELECT ${columns} FROM alerts WHERE org_id = ${orgId} AND id = ${id}`,
  );
}

export const ALERT_KEY: KeyColumn[] = [
  { column: sql.fragment`priority_rank`, type: 'int' },
  { column: sql.fragment`created_at`, type: 'timestamptz' },
  { column: sql.fragment`id`, type: 'uuid' },
];

export type AlertFilter = {
  priority?: string | undefined;
  status?: string | undefined;
  assigned_agent?: string | undefined;
  alert_type?: string | undefined;
  customer_id?: string | undefined;
  created_before?: string | undefined;
  created_after?: string | undefined;
};

function alertWhere(orgId: string, f: AlertFilter) {
  const where = [sql.fragment`org_id = ${orgId}`];
  if (f.priority) where.push(sql.fragment`priority = ${f.priority}`);
  if (f.status) where.push(sql.fragment`status = ${f.status}`);
  if (f.assigned_agent) where.push(sql.fragment`assigned_agent = ${f.assigned_agent}`);
  if (f.alert_type) where.push(sql.fragment`alert_type = ${f.alert_type}`);
  if (f.customer_id) where.push(sql.fragment`customer_id = ${f.customer_id}`);
  if (f.created_before) where.push(sql.fragment`created_at < ${f.created_before}::timestamptz`);
  if (f.created_after) where.push(sql.fragment`created_at >= ${f.created_after}::timestamptz`);
  return where;
}

/** Highest priority first, then newest. */
export function listAlerts(
  db: Queryable,
  orgId: string,
  f: AlertFilter & { limit: number; cursor?: string | undefined },
): Promise<readonly AlertRow[]> {
  const where = [...alertWhere(orgId, f), keysetAfter(f.cursor, ALERT_KEY)];
  return db.any(sql.type(alertRow)`
    SELECT ${columns} FROM alerts WHERE ${sql.join(where, sql.fragment` AND `)}
    ORDER BY priority_rank DESC, created_at DESC, id DESC LIMIT ${f.limit + 1}`);
}

/** How many alerts the filter matches (a list's include_total). */
export function countAlerts(db: Queryable, orgId: string, f: AlertFilter): Promise<number> {
  return db.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(*)::int AS n FROM alerts WHERE ${sql.join(alertWhere(orgId, f), sql.fragment` AND `)}`);
}

/** Assigns an open or assigned alert; null when it is resolved or closed (or not found). */
export function assignAlert(
  db: Queryable,
  orgId: string,
  id: string,
  agent: string,
): Promise<AlertRow | null> {
  return db.maybeOne(sql.type(alertRow)`
    UPDATE alerts SET assigned_agent = ${agent}, status = 'assigned', updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} AND status = ANY(${from('assigned')}) RETURNING ${columns}`);
}

/**
 * The oldest open, unassigned alert of the highest priority, locked for this transaction; alerts
 * another transaction holds are skipped, so two analysts taking at once get different alerts.
 */
export function lockNextUnassigned(db: Queryable, orgId: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    SELECT id FROM alerts WHERE org_id = ${orgId} AND status = 'open' AND assigned_agent IS NULL
    ORDER BY priority_rank DESC, created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`);
}

/** Resolves an unresolved alert; null when already resolved or closed. */
export function resolveAlert(
  db: Queryable,
  orgId: string,
  id: string,
  r: { resolution: string; actions_taken: unknown[] },
): Promise<AlertRow | null> {
  return db.maybeOne(sql.type(alertRow)`
    UPDATE alerts SET status = 'resolved', resolution = ${r.resolution},
      actions_taken = ${sql.jsonb(r.actions_taken as never)}, resolved_at = now(), updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} AND status = ANY(${from('resolved')}) RETURNING ${columns}`);
}

export function setAlertPriority(
  db: Queryable,
  orgId: string,
  id: string,
  priority: AlertRow['priority'],
): Promise<AlertRow | null> {
  return db.maybeOne(sql.type(alertRow)`
    UPDATE alerts SET priority = ${priority}, updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} RETURNING ${columns}`);
}

export function reopenAlert(db: Queryable, orgId: string, id: string): Promise<AlertRow | null> {
  return db.maybeOne(sql.type(alertRow)`
    UPDATE alerts SET status = CASE WHEN assigned_agent IS NULL THEN 'open' ELSE 'assigned' END,
      resolved_at = NULL, updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} AND status = ANY(${from('open')}) RETURNING ${columns}`);
}

/** An alert as the API and the event stream show it. */
export const alertView = (a: AlertRow) => {
  const { org_id: _org, priority_rank: _rank, ...rest } = a;
  return rest;
};

export const alertStatsRow = z.object({
  open: z.number().int(),
  unassigned: z.number().int(),
  assigned: z.number().int(),
  open_by_priority: z.object({
    critical: z.number().int(),
    high: z.number().int(),
    medium: z.number().int(),
    low: z.number().int(),
  }),
  sla_breached: z.number().int(),
  oldest_open_at: z.string().nullable(),
});
export type AlertStats = z.infer<typeof alertStatsRow>;

/**
 * A queue's header in one statement: unresolved alerts (open and assigned) by priority, how many
 * wait for an agent, and how many of their cases are past their SLA.
 */
export function alertStats(db: Queryable, orgId: string): Promise<AlertStats> {
  return db.one(sql.type(alertStatsRow)`
    SELECT count(*)::int AS open,
      count(*) FILTER (WHERE a.status = 'open')::int AS unassigned,
      count(*) FILTER (WHERE a.status = 'assigned')::int AS assigned,
      jsonb_build_object(
        'critical', count(*) FILTER (WHERE a.priority = 'critical'),
        'high', count(*) FILTER (WHERE a.priority = 'high'),
        'medium', count(*) FILTER (WHERE a.priority = 'medium'),
        'low', count(*) FILTER (WHERE a.priority = 'low')) AS open_by_priority,
      count(*) FILTER (WHERE c.sla_due_at < now() AND c.status <> 'closed')::int AS sla_breached,
      min(a.created_at) AS oldest_open_at
    FROM alerts a LEFT JOIN cases c ON c.org_id = a.org_id AND c.alert_id = a.id
    WHERE a.org_id = ${orgId} AND a.status IN ('open', 'assigned')`);
}

export const alertMetricsRow = z.object({
  days: z.array(
    z.object({
      day: z.string(),
      critical: z.number().int(),
      high: z.number().int(),
      medium: z.number().int(),
      low: z.number().int(),
      resolved: z.number().int(),
    }),
  ),
  median_minutes_to_resolve: z.number().nullable(),
  outcomes: z.object({
    confirmed_fraud: z.number().int(),
    false_positive: z.number().int(),
    customer_confirmed: z.number().int(),
    inconclusive: z.number().int(),
  }),
});
export type AlertMetrics = z.infer<typeof alertMetricsRow>;

/**
 * A dashboard's figures over the last `days` days (UTC days, today included), in one statement:
 * alerts raised per day by priority and resolved per day, the median time from raised to
 * resolved, and the outcomes of the cases closed.
 */
export function alertMetrics(db: Queryable, orgId: string, days: number): Promise<AlertMetrics> {
  return db.one(sql.type(alertMetricsRow)`
    WITH span AS (
      SELECT generate_series((now() AT TIME ZONE 'UTC')::date - ${days - 1}::int, (now() AT TIME ZONE 'UTC')::date, '1 day')::date AS day
    ), raised AS (
      SELECT (created_at AT TIME ZONE 'UTC')::date AS day, priority, count(*)::int AS n FROM alerts
      WHERE org_id = ${orgId} AND created_at >= (now() AT TIME ZONE 'UTC')::date - ${days - 1}::int
      GROUP BY 1, 2
    ), resolved AS (
      SELECT (resolved_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS n,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at) / 60) AS median
      FROM alerts WHERE org_id = ${orgId} AND resolved_at >= (now() AT TIME ZONE 'UTC')::date - ${days - 1}::int
      GROUP BY GROUPING SETS ((1), ())
    )
    SELECT
      (SELECT jsonb_agg(jsonb_build_object(
          'day', to_char(s.day, 'YYYY-MM-DD'),
          'critical', coalesce((SELECT n FROM raised r WHERE r.day = s.day AND r.priority = 'critical'), 0),
          'high', coalesce((SELECT n FROM raised r WHERE r.day = s.day AND r.priority = 'high'), 0),
          'medium', coalesce((SELECT n FROM raised r WHERE r.day = s.day AND r.priority = 'medium'), 0),
          'low', coalesce((SELECT n FROM raised r WHERE r.day = s.day AND r.priority = 'low'), 0),
          'resolved', coalesce((SELECT n FROM resolved x WHERE x.day = s.day), 0)) ORDER BY s.day)
        FROM span s) AS days,
      (SELECT median FROM resolved WHERE day IS NULL) AS median_minutes_to_resolve,
      (SELECT jsonb_build_object(
          'confirmed_fraud', count(*) FILTER (WHERE outcome = 'confirmed_fraud'),
          'false_positive', count(*) FILTER (WHERE outcome = 'false_positive'),
          'customer_confirmed', count(*) FILTER (WHERE outcome = 'customer_confirmed'),
          'inconclusive', count(*) FILTER (WHERE outcome = 'inconclusive'))
        FROM cases WHERE org_id = ${orgId} AND closed_at >= (now() AT TIME ZONE 'UTC')::date - ${days - 1}::int) AS outcomes`);
}
