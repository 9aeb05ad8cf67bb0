import { sql } from 'slonik';
import { z } from 'zod';
import { keysetAfter, type KeyColumn } from '../keyset.js';
import type { Queryable } from '../pool.js';

export const DELIVERY_STATUS = z.enum([
  'pending',
  'sent',
  'delivered',
  'failed',
  'bounced',
  'retrying',
  'suppressed',
]);

export const deliveryRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  notification_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  channel: z.enum(['in_app', 'email', 'sms']),
  destination: z.string().nullable(),
  status: DELIVERY_STATUS,
  reason: z.string().nullable(),
  attempts: z.number().int(),
  provider: z.string().nullable(),
  provider_message_id: z.string().nullable(),
  error_code: z.string().nullable(),
  error_text: z.string().nullable(),
  held_until: z.string().nullable(),
  sent_at: z.string().nullable(),
  delivered_at: z.string().nullable(),
  failed_at: z.string().nullable(),
  /** Times an operator sent it again after it failed. */
  redeliveries: z.number().int(),
  /** Attempts logged before the current run (a redelivery numbers its attempts after them). */
  attempt_base: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type DeliveryRow = z.infer<typeof deliveryRow>;

export const attemptRow = z.object({
  delivery_id: z.string().uuid(),
  attempt: z.number().int(),
  outcome: z.enum(['in_flight', 'sent', 'failed', 'retry']),
  http_status: z.number().int().nullable(),
  error_code: z.string().nullable(),
  error_text: z.string().nullable(),
  created_at: z.string(),
});
export type AttemptRow = z.infer<typeof attemptRow>;

const columns = sql.fragment`id, org_id, notification_id, customer_id, channel, destination, status, reason, attempts,
  provider, provider_message_id, error_code, error_text, held_until, sent_at, delivered_at, failed_at, redeliveries,
  attempt_base, created_at, updated_at`;

/** The notification's delivery on one channel, created once (UNIQUE (notification_id, channel)). */
export async function ensureDelivery(
  db: Queryable,
  orgId: string,
  d: {
    notification_id: string;
    customer_id: string;
    channel: DeliveryRow['channel'];
    destination: string | null;
    status: DeliveryRow['status'];
    reason?: string | null;
  },
): Promise<DeliveryRow> {
  const created = await db.maybeOne(sql.type(deliveryRow)`
    INSERT INTO notification_deliveries (org_id, notification_id, customer_id, channel, destination, status, reason,
      delivered_at)
    VALUES (${orgId}, ${d.notification_id}, ${d.customer_id}, ${d.channel}, ${d.destination}, ${d.status},
      ${d.reason ?? null}, ${d.status === 'delivered' ? sql.fragment`now()` : null})
    ON CONFLICT (notification_id, channel) DO NOTHING RETURNING ${columns}`);
  return (
    created ??
    db.one(sql.type(deliveryRow)`
      SELECT ${columns} FROM notification_deliveries WHERE notification_id = ${d.notification_id} AND channel = ${d.channel}`)
  );
}

export function getDelivery(db: Queryable, orgId: string, id: string): Promise<DeliveryRow | null> {
  return db.maybeOne(
    sql.type(
      deliveryRow,
    )`SELECT ${columns} FROM notification_deliveries WHERE org_id = ${orgId} AND id = ${id}`,
  );
}

export function listDeliveries(
  db: Queryable,
  orgId: string,
  notificationId: string,
): Promise<readonly DeliveryRow[]> {
  return db.any(sql.type(deliveryRow)`
    SELECT ${columns} FROM notification_deliveries WHERE org_id = ${orgId} AND notification_id = ${notificationId}
    ORDER BY channel`);
}

export function listAttempts(
  db: Queryable,
  orgId: string,
  notificationId: string,
): Promise<readonly AttemptRow[]> {
  return db.any(sql.type(attemptRow)`
    SELECT a.delivery_id, a.attempt, a.outcome, a.http_status, a.error_code, a.error_text, a.created_at
    FROM notification_attempts a JOIN notification_deliveries d ON d.id = a.delivery_id
    WHERE a.org_id = ${orgId} AND d.notification_id = ${notificationId} ORDER BY a.delivery_id, a.attempt`);
}

/** Sends of this customer on this channel since `sinceSeconds` ago (for rate limits). */
export function recentSends(
  db: Queryable,
  orgId: string,
  customerId: string,
  channel: string,
  sinceSeconds: number,
): Promise<number> {
  return db.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(*)::int AS n FROM notification_deliveries
    WHERE org_id = ${orgId} AND customer_id = ${customerId} AND channel = ${channel}
      AND sent_at > now() - make_interval(secs => ${sinceSeconds})`);
}

export async function updateDelivery(
  db: Queryable,
  orgId: string,
  id: string,
  patch: Partial<
    Pick<
      DeliveryRow,
      'status' | 'reason' | 'provider' | 'provider_message_id' | 'error_code' | 'error_text' | 'held_until'
    >
  > & {
    stamp?: 'sent_at' | 'delivered_at' | 'failed_at';
    attempts?: number;
  },
): Promise<void> {
  const { stamp, ...fields } = patch;
  const sets = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) =>
      k === 'held_until'
        ? sql.fragment`held_until = ${v as string | null}::timestamptz`
        : sql.fragment`${sql.identifier([k])} = ${v}`,
    );
  if (stamp) sets.push(sql.fragment`${sql.identifier([stamp])} = now()`);
  sets.push(sql.fragment`updated_at = now()`);
  await db.query(sql.unsafe`
    UPDATE notification_deliveries SET ${sql.join(sets, sql.fragment`, `)} WHERE org_id = ${orgId} AND id = ${id}`);
}

/**
 * After a round's last attempt: the delivery failed, unless something final was recorded
 * meanwhile or an operator already started a later round (`round` = its redeliveries then).
 * Returns the channel when it changed.
 */
export function failRound(
  db: Queryable,
  orgId: string,
  id: string,
  round: number,
  error: string,
): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ channel: z.string() }))`
    UPDATE notification_deliveries
    SET status = 'failed', error_text = ${error}, failed_at = now(), updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} AND redeliveries = ${round}
      AND status NOT IN ('sent', 'delivered', 'failed', 'bounced', 'suppressed')
    RETURNING channel`);
}

export function lastAttempt(db: Queryable, orgId: string, deliveryId: string): Promise<AttemptRow | null> {
  return db.maybeOne(sql.type(attemptRow)`
    SELECT delivery_id, attempt, outcome, http_status, error_code, error_text, created_at FROM notification_attempts
    WHERE org_id = ${orgId} AND delivery_id = ${deliveryId} ORDER BY attempt DESC LIMIT 1`);
}

export async function recordAttempt(
  db: Queryable,
  orgId: string,
  a: {
    delivery_id: string;
    attempt: number;
    outcome: AttemptRow['outcome'];
    http_status?: number | null;
    error_code?: string | null;
    error_text?: string | null;
  },
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO notification_attempts (org_id, delivery_id, attempt, outcome, http_status, error_code, error_text)
    VALUES (${orgId}, ${a.delivery_id}, ${a.attempt}, ${a.outcome}, ${a.http_status ?? null}, ${a.error_code ?? null},
      ${a.error_text ?? null})
    ON CONFLICT (delivery_id, attempt) DO UPDATE SET outcome = EXCLUDED.outcome, http_status = EXCLUDED.http_status,
      error_code = EXCLUDED.error_code, error_text = EXCLUDED.error_text`);
}

/** Deliveries by channel and status (the metrics gauge). */
export function deliveryCounts(
  db: Queryable,
): Promise<readonly { channel: string; status: string; n: number }[]> {
  return db.any(sql.type(z.object({ channel: z.string(), status: z.string(), n: z.number() }))`
    SELECT channel, status, count(*)::int AS n FROM notification_deliveries GROUP BY channel, status`);
}

/** A failed delivery as the dead-letter view shows it: with its notification's kind and title. */
export const failedDeliveryRow = deliveryRow.extend({
  kind: z.string().nullable(),
  title: z.string().nullable(),
});
export type FailedDeliveryRow = z.infer<typeof failedDeliveryRow>;

export type FailedFilter = {
  channel?: 'email' | 'sms' | undefined;
  kind?: string | undefined;
  customer_id?: string | undefined;
  error_code?: string | undefined;
  failed_from?: string | undefined;
  failed_to?: string | undefined;
};

const FAILED_KEY: KeyColumn[] = [
  { column: sql.fragment`d.failed_at`, type: 'timestamptz' },
  { column: sql.fragment`d.id`, type: 'uuid' },
];

const failedWhere = (orgId: string, f: FailedFilter) => sql.fragment`
  d.org_id = ${orgId} AND d.status = 'failed'
  AND (${f.channel ?? null}::text IS NULL OR d.channel = ${f.channel ?? null})
  AND (${f.kind ?? null}::text IS NULL OR n.kind = ${f.kind ?? null})
  AND (${f.customer_id ?? null}::uuid IS NULL OR d.customer_id = ${f.customer_id ?? null})
  AND (${f.error_code ?? null}::text IS NULL OR d.error_code = ${f.error_code ?? null})
  AND (${f.failed_from ?? null}::timestamptz IS NULL OR d.failed_at >= ${f.failed_from ?? null}::timestamptz)
  AND (${f.failed_to ?? null}::timestamptz IS NULL OR d.failed_at < ${f.failed_to ?? null}::timestamptz)`;

const failedColumns = sql.fragment`d.id, d.org_id, d.notification_id, d.customer_id, d.channel, d.destination,
  d.status, d.reason, d.attempts, d.provider, d.provider_message_id, d.error_code, d.error_text, d.held_until,
  d.sent_at, d.delivered_at, d.failed_at, d.redeliveries, d.attempt_base, d.created_at, d.updated_at,
  n.kind, n.title`;

/** Deliveries that ran out of attempts (or a provider refused), newest failure first. */
export function listFailed(
  db: Queryable,
  orgId: string,
  f: FailedFilter & { limit: number; cursor?: string | undefined },
): Promise<readonly FailedDeliveryRow[]> {
  return db.any(sql.type(failedDeliveryRow)`
    SELECT ${failedColumns}
    FROM notification_deliveries d LEFT JOIN notifications n ON n.id = d.notification_id AND n.org_id = d.org_id
    WHERE ${failedWhere(orgId, f)} AND ${keysetAfter(f.cursor, FAILED_KEY)}
    ORDER BY d.failed_at DESC, d.id DESC LIMIT ${f.limit + 1}`);
}

export function countFailed(db: Queryable, orgId: string, f: FailedFilter): Promise<number> {
  return db.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(*)::int AS n
    FROM notification_deliveries d LEFT JOIN notifications n ON n.id = d.notification_id AND n.org_id = d.org_id
    WHERE ${failedWhere(orgId, f)}`);
}

/**
 * Failed deliveries to send again, locked for the caller's transaction (rows another
 * redelivery holds are skipped): one by id, or up to `limit` by filter.
 */
export function lockFailed(
  db: Queryable,
  orgId: string,
  f: FailedFilter & { id?: string; limit: number },
): Promise<readonly FailedDeliveryRow[]> {
  return db.any(sql.type(failedDeliveryRow)`
    SELECT ${failedColumns}
    FROM notification_deliveries d LEFT JOIN notifications n ON n.id = d.notification_id AND n.org_id = d.org_id
    WHERE ${failedWhere(orgId, f)} AND (${f.id ?? null}::uuid IS NULL OR d.id = ${f.id ?? null})
    ORDER BY d.failed_at DESC, d.id DESC LIMIT ${f.limit}
    FOR UPDATE OF d SKIP LOCKED`);
}

/** Puts failed deliveries back in line; returns each one's redelivery number. */
export function markRedelivering(
  db: Queryable,
  orgId: string,
  ids: readonly string[],
): Promise<readonly { id: string; redeliveries: number }[]> {
  return db.any(sql.type(z.object({ id: z.string(), redeliveries: z.number().int() }))`
    UPDATE notification_deliveries
    SET status = 'pending', redeliveries = redeliveries + 1, attempt_base = attempts, error_code = NULL,
      error_text = NULL, failed_at = NULL, reason = 'sent again by an operator', updated_at = now()
    WHERE org_id = ${orgId} AND id = ANY(${sql.array([...ids], 'uuid')}) AND status = 'failed'
    RETURNING id, redeliveries`);
}

/**
 * Retention, one batch: deliveries (with their attempts and outbox copies) created more than
 * `days` ago. Every organisation: retention is the system's. Returns how many went.
 */
export async function deleteDeliveriesBefore(db: Queryable, days: number, batch: number): Promise<number> {
  const r = await db.query(sql.unsafe`
    WITH gone AS (
      SELECT id FROM notification_deliveries WHERE created_at < now() - make_interval(days => ${days})
      ORDER BY created_at LIMIT ${batch} FOR UPDATE SKIP LOCKED
    ), attempts AS (
      DELETE FROM notification_attempts WHERE delivery_id IN (SELECT id FROM gone)
    ), outbox AS (
      DELETE FROM outbox_messages WHERE delivery_id IN (SELECT id FROM gone)
    )
    DELETE FROM notification_deliveries WHERE id IN (SELECT id FROM gone)`);
  return r.rowCount;
}
