import { sql } from 'slonik';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { FieldCipher } from '../../lib/field-encryption.js';
import { keysetAfter } from '../keyset.js';
import type { Queryable } from '../pool.js';
import { selectWithReadAudit, type AuditEntry } from '../platform/audit.js';

export const customerRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  external_id: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  /** Sealed with lib/field-encryption.ts; open with `revealPii`. */
  date_of_birth_enc: z.string().nullable(),
  national_id_enc: z.string().nullable(),
  /** Pre-encryption plaintext, sealed and cleared by the encryption pass; null on every row written since. */
  legacy_date_of_birth: z.string().nullable(),
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
  date_of_birth_enc, national_id_enc, to_char(date_of_birth, 'YYYY-MM-DD') AS legacy_date_of_birth, address, kyc_status, risk_profile, segment, timezone,
  created_at, updated_at`;

export type CustomerInput = {
  external_id: string;
  first_name: string;
  last_name: string;
  email?: string | null;
  phone?: string | null;
  date_of_birth?: string | null;
  national_id?: string | null;
  address?: Record<string, unknown> | null;
  kyc_status?: CustomerRow['kyc_status'];
  risk_profile?: CustomerRow['risk_profile'];
  segment?: string | null;
  timezone?: string;
};

/** The fields sealed at rest; the associated data ties each value to its row and column. */
export type SealedField = 'date_of_birth' | 'national_id';
export const sealContext = (orgId: string, customerId: string, field: SealedField) =>
  `customers/${orgId}/${customerId}/${field}`;

const seal = (
  cipher: FieldCipher,
  orgId: string,
  id: string,
  field: SealedField,
  v: string | null | undefined,
) => (v == null ? null : cipher.encrypt(v, sealContext(orgId, id, field)));

/** The sealed fields in the clear (the date of birth may still be legacy plaintext). */
export function revealPii(
  cipher: FieldCipher,
  row: Pick<CustomerRow, 'org_id' | 'id' | 'date_of_birth_enc' | 'national_id_enc' | 'legacy_date_of_birth'>,
): { date_of_birth: string | null; national_id: string | null } {
  const open = (v: string | null, field: SealedField) =>
    v === null ? null : cipher.decrypt(v, sealContext(row.org_id, row.id, field));
  return {
    date_of_birth: open(row.date_of_birth_enc, 'date_of_birth') ?? row.legacy_date_of_birth,
    national_id: open(row.national_id_enc, 'national_id'),
  };
}

export function insertCustomer(
  db: Queryable,
  orgId: string,
  c: CustomerInput,
  cipher: FieldCipher,
): Promise<CustomerRow> {
  // The id is drawn here so the sealed fields can be bound to it.
  const id = randomUUID();
  return db.one(sql.type(customerRow)`
    INSERT INTO customers (id, org_id, external_id, first_name, last_name, email, phone, date_of_birth_enc,
      national_id_enc, address, kyc_status, risk_profile, segment, timezone)
    VALUES (${id}, ${orgId}, ${c.external_id}, ${c.first_name}, ${c.last_name}, ${c.email ?? null}, ${c.phone ?? null},
      ${seal(cipher, orgId, id, 'date_of_birth', c.date_of_birth)},
      ${seal(cipher, orgId, id, 'national_id', c.national_id)},
      ${c.address ? sql.jsonb(c.address as never) : null},
      ${c.kyc_status ?? 'pending'}, ${c.risk_profile ?? 'medium'}, ${c.segment ?? null}, ${c.timezone ?? 'UTC'})
    RETURNING ${columns}`);
}

/** With `viewed`, the read's audit row is appended in the same statement when the customer exists. */
export function getCustomer(
  db: Queryable,
  orgId: string,
  id: string,
  viewed: AuditEntry | null = null,
): Promise<CustomerRow | null> {
  return db.maybeOne(
    sql.type(customerRow)`${selectWithReadAudit(
      sql.fragment`SELECT ${columns} FROM customers WHERE org_id = ${orgId} AND id = ${id}`,
      viewed,
    )}`,
  );
}

export function listCustomers(
  db: Queryable,
  orgId: string,
  q: { limit: number; cursor?: string | undefined; search?: string | undefined; searchEmail?: boolean },
): Promise<readonly CustomerRow[]> {
  const pattern = q.search ? `%${q.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null;
  const search = pattern
    ? sql.fragment`(first_name || ' ' || last_name ILIKE ${pattern} OR external_id ILIKE ${pattern}
        ${q.searchEmail ? sql.fragment`OR email ILIKE ${pattern}` : sql.fragment``})`
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
  cipher: FieldCipher,
): Promise<CustomerRow | null> {
  const sets = Object.entries(patch)
    .filter(([, v]) => v !== undefined)
    .flatMap(([k, v]) => {
      if (k === 'address') return [sql.fragment`address = ${v === null ? null : sql.jsonb(v as never)}`];
      if (k === 'date_of_birth' || k === 'national_id') {
        const sealed = seal(cipher, orgId, id, k, v as string | null);
        // A new date of birth also clears the legacy plaintext one.
        return k === 'date_of_birth'
          ? [sql.fragment`date_of_birth_enc = ${sealed}`, sql.fragment`date_of_birth = NULL`]
          : [sql.fragment`national_id_enc = ${sealed}`];
      }
      return [sql.fragment`${sql.identifier([k])} = ${v as string | null}`];
    });
  if (!sets.length) return getCustomer(db, orgId, id);
  return db.maybeOne(sql.type(customerRow)`
    UPDATE customers SET ${sql.join(sets, sql.fragment`, `)}, updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} RETURNING ${columns}`);
}

const sealedRow = z.object({
  id: z.string(),
  date_of_birth_enc: z.string().nullable(),
  national_id_enc: z.string().nullable(),
  legacy_date_of_birth: z.string().nullable(),
});

/**
 * One step of the encryption pass: the next `limit` customers of an organisation after `after`
 * (id order), each sealed field not under the active key re-sealed under it, legacy plaintext
 * sealed and cleared. Rows are locked for the step, so an API write in between waits rather than
 * being overwritten. Idempotent: a repeated step finds nothing stale.
 */
export async function resealCustomers(
  db: Queryable,
  orgId: string,
  q: { after: string | null; limit: number },
  cipher: FieldCipher,
): Promise<{ scanned: number; resealed: number; last: string | null }> {
  const rows = await db.any(sql.type(sealedRow)`
    SELECT id, date_of_birth_enc, national_id_enc, to_char(date_of_birth, 'YYYY-MM-DD') AS legacy_date_of_birth
    FROM customers WHERE org_id = ${orgId} AND id > ${q.after ?? '00000000-0000-0000-0000-000000000000'}
    ORDER BY id LIMIT ${q.limit} FOR UPDATE`);
  const reseal = (id: string, v: string | null, field: SealedField) =>
    v !== null && cipher.isStale(v)
      ? seal(cipher, orgId, id, field, cipher.decrypt(v, sealContext(orgId, id, field)))
      : v;
  const changed = rows.flatMap((r) => {
    const dob =
      r.date_of_birth_enc === null && r.legacy_date_of_birth !== null
        ? seal(cipher, orgId, r.id, 'date_of_birth', r.legacy_date_of_birth)
        : reseal(r.id, r.date_of_birth_enc, 'date_of_birth');
    const nid = reseal(r.id, r.national_id_enc, 'national_id');
    const same = dob === r.date_of_birth_enc && nid === r.national_id_enc && r.legacy_date_of_birth === null;
    return same ? [] : [{ id: r.id, dob, nid }];
  });
  if (changed.length) {
    await db.query(sql.unsafe`
      UPDATE customers c SET date_of_birth_enc = u.dob, national_id_enc = u.nid, date_of_birth = NULL
      FROM jsonb_to_recordset(${sql.jsonb(changed)}) AS u(id uuid, dob text, nid text)
      WHERE c.org_id = ${orgId} AND c.id = u.id`);
  }
  return { scanned: rows.length, resealed: changed.length, last: rows.at(-1)?.id ?? null };
}

/** How many sealed values each key version holds, and how many dates of birth are still plaintext. */
export async function sealedValueCounts(
  db: Queryable,
  orgId: string,
): Promise<{ byVersion: Record<string, number>; plaintext: number }> {
  const rows = await db.any(sql.type(z.object({ version: z.string().nullable(), n: z.number() }))`
    SELECT substring(v FROM '^v([0-9]+):') AS version, count(*)::int AS n
    FROM customers, unnest(ARRAY[date_of_birth_enc, national_id_enc]) AS v
    WHERE org_id = ${orgId} AND v IS NOT NULL GROUP BY 1`);
  const plaintext = await db.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(*)::int AS n FROM customers WHERE org_id = ${orgId} AND date_of_birth IS NOT NULL`);
  return { byVersion: Object.fromEntries(rows.map((r) => [r.version ?? '?', r.n])), plaintext };
}

/**
 * Serialises writes about these customers until the transaction ends: concurrent ingests of one
 * customer screen, group and evaluate one after the other (a burst is one alert, a first-of-day
 * notice is sent once). Taken in one order (by key) so two batches cannot deadlock.
 */
export async function lockCustomers(
  db: Queryable,
  orgId: string,
  customerIds: readonly string[],
): Promise<void> {
  if (!customerIds.length) return;
  await db.query(sql.unsafe`
    SELECT pg_advisory_xact_lock(hashtext('sentinel-customer'), k)
    FROM (SELECT DISTINCT hashtext(${orgId} || ':' || c) AS k FROM unnest(${sql.array([...customerIds], 'text')}) c ORDER BY 1) s`);
}

/** Several customers of one organisation in one query (any order). */
export function getCustomers(
  db: Queryable,
  orgId: string,
  ids: readonly string[],
): Promise<readonly CustomerRow[]> {
  if (!ids.length) return Promise.resolve([]);
  return db.any(sql.type(customerRow)`
    SELECT ${columns} FROM customers WHERE org_id = ${orgId} AND id = ANY(${sql.array([...ids], 'uuid')})`);
}
