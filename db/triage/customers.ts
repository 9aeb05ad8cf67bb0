import { sql } from 'slonik';
import { z } from 'zod';
import { keysetAfter } from '../keyset.js';
import type { Queryable } from '../pool.js';

export const customerRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  external_id: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  date_of_birth: z.string().nullable(),
  address: z.record(z.unknown()).nullable(),
  kyc_status: z.enum(['pending', 'verified', 'rejected', 'expired']),
  risk_profile: z.enum(['low', 'medium', 'high']),
  segment: z.string().nullable(),
  timezone: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type CustomerRow = z.infer<typeof customerRow>;

const columns = sql.fragment`id, org_id, external_id, first_name, last_name, email, phone,
  to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth, address, kyc_status, risk_profile, segment, timezone,
  created_at, updated_at`;

export type CustomerInput = {
  external_id: string;
  first_name: string;
  last_name: string;
  email?: string | null;
  phone?: string | null;
  date_of_birth?: string | null;
  address?: Record<string, unknown> | null;
  kyc_status?: CustomerRow['kyc_status'];
  risk_profile?: CustomerRow['risk_profile'];
  segment?: string | null;
  timezone?: string;
};

export function insertCustomer(db: Queryable, orgId: string, c: CustomerInput): Promise<CustomerRow> {
  return db.one(sql.type(customerRow)`
    INSERT INTO customers (org_id, external_id, first_name, last_name, email, phone, date_of_birth, address,
      kyc_status, risk_profile, segment, timezone)
    VALUES (${orgId}, ${c.external_id}, ${c.first_name}, ${c.last_name}, ${c.email ?? null}, ${c.phone ?? null},
      ${c.date_of_birth ?? null}, ${c.address ? sql.jsonb(c.address as never) : null},
      ${c.kyc_status ?? 'pending'}, ${c.risk_profile ?? 'medium'}, ${c.segment ?? null}, ${c.timezone ?? 'UTC'})
    RETURNING ${columns}`);
}

export function getCustomer(db: Queryable, orgId: string, id: string): Promise<CustomerRow | null> {
  return db.maybeOne(
    sql.type(customerRow)`SELECT ${columns} FROM customers WHERE org_id = ${orgId} AND id = ${id}`,
  );
}

export function listCustomers(
  db: Queryable,
  orgId: string,
  q: { limit: number; cursor?: string | undefined; search?: string | undefined },
): Promise<readonly CustomerRow[]> {
  const pattern = q.search ? `%${q.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null;
  const search = pattern
    ? sql.fragment`(first_name || ' ' || last_name ILIKE ${pattern} OR email ILIKE ${pattern} OR external_id ILIKE ${pattern})`
    : sql.fragment`TRUE`;
  return db.any(sql.type(customerRow)`
    SELECT ${columns} FROM customers
    WHERE org_id = ${orgId} AND ${search} AND ${keysetAfter(q.cursor)}
    ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
}

export function updateCustomer(
  db: Queryable,
  orgId: string,
  id: string,
  patch: Partial<Omit<CustomerInput, 'external_id'>>,
): Promise<CustomerRow | null> {
  const sets = Object.entries(patch)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) =>
      k === 'address'
        ? sql.fragment`address = ${v === null ? null : sql.jsonb(v as never)}`
        : sql.fragment`${sql.identifier([k])} = ${v as string | null}`,
    );
  if (!sets.length) return getCustomer(db, orgId, id);
  return db.maybeOne(sql.type(customerRow)`
    UPDATE customers SET ${sql.join(sets, sql.fragment`, `)}, updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} RETURNING ${columns}`);
}
