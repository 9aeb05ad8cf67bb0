import { sql } from 'slonik';
import { z } from 'zod';
import { keysetAfter } from '../keyset.js';
import type { Queryable } from '../pool.js';

export const CLIENT_STATUSES = ['active', 'inactive', 'suspended', 'archived'] as const;

/** A client's bail profile; the person (name, contact, sealed SSN and birth date) is the customer. */
export const bailClientRow = z.object({
  org_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  status: z.enum(CLIENT_STATUSES),
  emergency_contact: z.record(z.unknown()).nullable(),
  created_by: z.string().uuid().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type BailClientRow = z.infer<typeof bailClientRow>;

const columns = sql.fragment`org_id, customer_id, status, emergency_contact, created_by, created_at, updated_at`;

export function insertBailClient(
  db: Queryable,
  orgId: string,
  c: {
    customerId: string;
    status?: BailClientRow['status'];
    emergencyContact?: Record<string, unknown> | null;
    createdBy: string | null;
  },
): Promise<BailClientRow> {
  return db.one(sql.type(bailClientRow)`
    INSERT INTO bail_clients (org_id, customer_id, status, emergency_contact, created_by)
    VALUES (${orgId}, ${c.customerId}, ${c.status ?? 'active'},
      ${c.emergencyContact ? sql.jsonb(c.emergencyContact as never) : null}, ${c.createdBy})
    RETURNING ${columns}`);
}

export function getBailClient(
  db: Queryable,
  orgId: string,
  customerId: string,
): Promise<BailClientRow | null> {
  return db.maybeOne(sql.type(bailClientRow)`
    SELECT ${columns} FROM bail_clients WHERE org_id = ${orgId} AND customer_id = ${customerId}`);
}

export function updateBailClient(
  db: Queryable,
  orgId: string,
  customerId: string,
  patch: {
    status?: BailClientRow['status'] | undefined;
    emergencyContact?: Record<string, unknown> | null | undefined;
  },
): Promise<BailClientRow | null> {
  const sets = [sql.fragment`updated_at = now()`];
  if (patch.status) sets.push(sql.fragment`status = ${patch.status}`);
  if (patch.emergencyContact !== undefined)
    sets.push(
      sql.fragment`emergency_contact = ${patch.emergencyContact ? sql.jsonb(patch.emergencyContact as never) : null}`,
    );
  return db.maybeOne(sql.type(bailClientRow)`
    UPDATE bail_clients SET ${sql.join(sets, sql.fragment`, `)}
    WHERE org_id = ${orgId} AND customer_id = ${customerId} RETURNING ${columns}`);
}

/** Newest first; `search` matches name (or email, with `searchEmail`), `status` filters. */
export function listBailClients(
  db: Queryable,
  orgId: string,
  q: {
    limit: number;
    cursor?: string | undefined;
    status?: string | undefined;
    search?: string | undefined;
    /** Whether `search` may match email (a caller who may see it): else a search would reveal it. */
    searchEmail?: boolean | undefined;
  },
): Promise<readonly BailClientRow[]> {
  const where = [
    sql.fragment`b.org_id = ${orgId}`,
    keysetAfter(q.cursor, [
      { column: sql.fragment`b.created_at`, type: 'timestamptz' },
      { column: sql.fragment`b.customer_id`, type: 'uuid' },
    ]),
  ];
  if (q.status) where.push(sql.fragment`b.status = ${q.status}`);
  if (q.search) {
    const pattern = `%${q.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    where.push(
      q.searchEmail
        ? sql.fragment`(c.first_name || ' ' || c.last_name ILIKE ${pattern} OR c.email ILIKE ${pattern})`
        : sql.fragment`c.first_name || ' ' || c.last_name ILIKE ${pattern}`,
    );
  }
  return db.any(sql.type(bailClientRow)`
    SELECT b.org_id, b.customer_id, b.status, b.emergency_contact, b.created_by, b.created_at, b.updated_at
    FROM bail_clients b JOIN customers c ON c.org_id = b.org_id AND c.id = b.customer_id
    WHERE ${sql.join(where, sql.fragment` AND `)}
    ORDER BY b.created_at DESC, b.customer_id DESC LIMIT ${q.limit + 1}`);
}
