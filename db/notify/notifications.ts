import { sql } from 'slonik';
import { z } from 'zod';
import { keysetAfter } from '../keyset.js';
import type { Queryable } from '../pool.js';

export const notificationRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  source: z.string(),
  kind: z.string(),
  title: z.string(),
  message: z.string(),
  metadata: z.record(z.unknown()),
  critical: z.boolean(),
  channels: z.array(z.string()).nullable(),
  dedup_key: z.string(),
  read_at: z.string().nullable(),
  created_at: z.string(),
});
export type NotificationRow = z.infer<typeof notificationRow>;

const columns = sql.fragment`id, org_id, customer_id, source, kind, title, message, metadata, critical, channels,
  dedup_key, read_at, created_at`;

export type NotificationInput = {
  customer_id: string;
  source: string;
  kind: string;
  title: string;
  message: string;
  metadata?: Record<string, unknown> | undefined;
  critical?: boolean | undefined;
  channels?: string[] | undefined;
  dedup_key: string;
};

/** One notification per source and dedup key: a repeat returns the first and creates nothing. */
export async function createNotification(
  db: Queryable,
  orgId: string,
  n: NotificationInput,
): Promise<{ row: NotificationRow; created: boolean }> {
  const created = await db.maybeOne(sql.type(notificationRow)`
    INSERT INTO notifications (org_id, customer_id, source, kind, title, message, metadata, critical, channels, dedup_key)
    VALUES (${orgId}, ${n.customer_id}, ${n.source}, ${n.kind}, ${n.title}, ${n.message},
      ${sql.jsonb((n.metadata ?? {}) as never)}, ${n.critical ?? false},
      ${n.channels ? sql.array(n.channels, 'text') : null}, ${n.dedup_key})
    ON CONFLICT (org_id, source, dedup_key) DO NOTHING RETURNING ${columns}`);
  if (created) return { row: created, created: true };
  const existing = await db.one(sql.type(notificationRow)`
    SELECT ${columns} FROM notifications
    WHERE org_id = ${orgId} AND source = ${n.source} AND dedup_key = ${n.dedup_key}`);
  return { row: existing, created: false };
}

export function getNotification(db: Queryable, orgId: string, id: string): Promise<NotificationRow | null> {
  return db.maybeOne(sql.type(notificationRow)`
    SELECT ${columns} FROM notifications WHERE org_id = ${orgId} AND id = ${id} AND deleted_at IS NULL`);
}

export function listNotifications(
  db: Queryable,
  orgId: string,
  customerId: string,
  page: { limit: number; cursor?: string | undefined; unread?: boolean | undefined },
): Promise<readonly NotificationRow[]> {
  const unread = page.unread ? sql.fragment`AND read_at IS NULL` : sql.fragment``;
  return db.any(sql.type(notificationRow)`
    SELECT ${columns} FROM notifications
    WHERE org_id = ${orgId} AND customer_id = ${customerId} AND deleted_at IS NULL ${unread}
      AND ${keysetAfter(page.cursor)}
    ORDER BY created_at DESC, id DESC LIMIT ${page.limit + 1}`);
}

/** How many notifications a customer has (unread only, if asked): a list's include_total. */
export function countNotifications(
  db: Queryable,
  orgId: string,
  customerId: string,
  f: { unread?: boolean | undefined },
): Promise<number> {
  const unread = f.unread ? sql.fragment`AND read_at IS NULL` : sql.fragment``;
  return db.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(*)::int AS n FROM notifications
    WHERE org_id = ${orgId} AND customer_id = ${customerId} AND deleted_at IS NULL ${unread}`);
}

export function unreadCount(db: Queryable, orgId: string, customerId: string): Promise<number> {
  return db.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(*)::int AS n FROM notifications
    WHERE org_id = ${orgId} AND customer_id = ${customerId} AND deleted_at IS NULL AND read_at IS NULL`);
}

export function markRead(db: Queryable, orgId: string, id: string): Promise<NotificationRow | null> {
  return db.maybeOne(sql.type(notificationRow)`
    UPDATE notifications SET read_at = coalesce(read_at, now())
    WHERE org_id = ${orgId} AND id = ${id} AND deleted_at IS NULL RETURNING ${columns}`);
}

export async function softDelete(db: Queryable, orgId: string, id: string): Promise<boolean> {
  const r = await db.query(sql.unsafe`
    UPDATE notifications SET deleted_at = now() WHERE org_id = ${orgId} AND id = ${id} AND deleted_at IS NULL`);
  return r.rowCount === 1;
}

/**
 * Retention, one batch: notifications created more than `days` ago leave the customer's inbox
 * (archived, as the seed does); their delivery records stay for their own, longer period.
 */
export async function archiveNotificationsBefore(
  db: Queryable,
  days: number,
  batch: number,
): Promise<number> {
  const r = await db.query(sql.unsafe`
    UPDATE notifications SET deleted_at = now() WHERE id IN (
      SELECT id FROM notifications WHERE deleted_at IS NULL AND created_at < now() - make_interval(days => ${days})
      ORDER BY created_at LIMIT ${batch} FOR UPDATE SKIP LOCKED)`);
  return r.rowCount;
}

/** Retention, one batch: archived notifications older than `days` with no delivery record left. */
export async function deleteArchivedBefore(db: Queryable, days: number, batch: number): Promise<number> {
  const r = await db.query(sql.unsafe`
    DELETE FROM notifications WHERE id IN (
      SELECT n.id FROM notifications n
      WHERE n.deleted_at IS NOT NULL AND n.created_at < now() - make_interval(days => ${days})
        AND NOT EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.notification_id = n.id)
      ORDER BY n.created_at LIMIT ${batch} FOR UPDATE SKIP LOCKED)`);
  return r.rowCount;
}
