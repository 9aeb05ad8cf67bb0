import { sql } from 'slonik';
import { z } from 'zod';
import { BOND_STATUSES, type BondStatus } from '../../workflows/bail/bond-status.js';
import { keysetAfter } from '../keyset.js';
import type { Queryable } from '../pool.js';

export const charge = z.object({
  code: z.string().nullable().optional(),
  description: z.string(),
  severity: z.enum(['felony', 'misdemeanor', 'infraction']).nullable().optional(),
});

export const bondRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  bond_number: z.string(),
  client_id: z.string().uuid(),
  amount: z.string(),
  premium: z.string(),
  currency: z.string(),
  status: z.enum(BOND_STATUSES),
  case_number: z.string().nullable(),
  court_name: z.string().nullable(),
  power_of_attorney_number: z.string().nullable(),
  charges: z.array(charge),
  terms: z.record(z.unknown()),
  forfeiture_grace_days: z.number().int().nullable(),
  failure_to_appear_at: z.string().nullable(),
  forfeiture_due_at: z.string().nullable(),
  created_by: z.string().uuid().nullable(),
  activated_at: z.string().nullable(),
  closed_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type BondRow = z.infer<typeof bondRow>;

const columns = sql.fragment`id, org_id, bond_number, client_id, amount::text, premium::text, currency, status,
  case_number, court_name, power_of_attorney_number, charges, terms, forfeiture_grace_days,
  failure_to_appear_at, forfeiture_due_at, created_by, activated_at, closed_at, created_at, updated_at`;

export type NewBond = {
  bond_number: string;
  client_id: string;
  amount: string;
  premium: string;
  currency: string;
  case_number?: string | null | undefined;
  court_name?: string | null | undefined;
  power_of_attorney_number?: string | null | undefined;
  charges: z.infer<typeof charge>[];
  terms?: Record<string, unknown> | undefined;
  forfeiture_grace_days?: number | null | undefined;
};

export function insertBond(
  db: Queryable,
  orgId: string,
  b: NewBond,
  createdBy: string | null,
): Promise<BondRow> {
  return db.one(sql.type(bondRow)`
    INSERT INTO bonds (org_id, bond_number, client_id, amount, premium, currency, case_number, court_name,
      power_of_attorney_number, charges, terms, forfeiture_grace_days, created_by)
    VALUES (${orgId}, ${b.bond_number}, ${b.client_id}, ${b.amount}, ${b.premium}, ${b.currency},
      ${b.case_number ?? null}, ${b.court_name ?? null}, ${b.power_of_attorney_number ?? null},
      ${sql.jsonb(b.charges as never)}, ${sql.jsonb((b.terms ?? {}) as never)}, ${b.forfeiture_grace_days ?? null},
      ${createdBy})
    RETURNING ${columns}`);
}

export function getBond(db: Queryable, orgId: string, id: string): Promise<BondRow | null> {
  return db.maybeOne(sql.type(bondRow)`SELECT ${columns} FROM bonds WHERE org_id = ${orgId} AND id = ${id}`);
}

/** The bond, locked for a status change or a failure-to-appear step. */
export function lockBond(db: Queryable, orgId: string, id: string): Promise<BondRow | null> {
  return db.maybeOne(
    sql.type(bondRow)`SELECT ${columns} FROM bonds WHERE org_id = ${orgId} AND id = ${id} FOR UPDATE`,
  );
}

/** Moves the status (the caller checked canTransition); stamps activation and closing. */
export function setBondStatus(db: Queryable, orgId: string, id: string, to: BondStatus): Promise<BondRow> {
  return db.one(sql.type(bondRow)`
    UPDATE bonds SET status = ${to}, updated_at = now(),
      activated_at = CASE WHEN ${to} = 'active' THEN now() ELSE activated_at END,
      closed_at = CASE WHEN ${to} IN ('completed', 'forfeited', 'cancelled') THEN now() ELSE closed_at END,
      failure_to_appear_at = CASE WHEN ${to} IN ('completed', 'cancelled') THEN NULL ELSE failure_to_appear_at END,
      forfeiture_due_at = CASE WHEN ${to} IN ('completed', 'cancelled') THEN NULL ELSE forfeiture_due_at END
    WHERE org_id = ${orgId} AND id = ${id} RETURNING ${columns}`);
}

/** Starts (or, with nulls, ends) the grace period of a failure to appear. */
export function setFailureToAppear(
  db: Queryable,
  orgId: string,
  id: string,
  fta: { at: string; dueAt: string } | null,
): Promise<BondRow> {
  return db.one(sql.type(bondRow)`
    UPDATE bonds SET failure_to_appear_at = ${fta?.at ?? null}::timestamptz,
      forfeiture_due_at = ${fta?.dueAt ?? null}::timestamptz, updated_at = now()
    WHERE org_id = ${orgId} AND id = ${id} RETURNING ${columns}`);
}

/** The grace days that apply to a bond: its own, else the agency's, else 90. */
export function graceDays(db: Queryable, orgId: string, bondId: string): Promise<number> {
  return db.oneFirst(sql.type(z.object({ days: z.number() }))`
    SELECT coalesce(b.forfeiture_grace_days, s.forfeiture_grace_days, 90) AS days
    FROM bonds b LEFT JOIN bail_settings s ON s.org_id = b.org_id
    WHERE b.org_id = ${orgId} AND b.id = ${bondId}`);
}

export function listBonds(
  db: Queryable,
  orgId: string,
  q: {
    limit: number;
    cursor?: string | undefined;
    status?: string | undefined;
    client_id?: string | undefined;
    court_from?: string | undefined;
    court_to?: string | undefined;
  },
): Promise<readonly BondRow[]> {
  const where = [sql.fragment`org_id = ${orgId}`, keysetAfter(q.cursor)];
  if (q.status) where.push(sql.fragment`status = ${q.status}`);
  if (q.client_id) where.push(sql.fragment`client_id = ${q.client_id}`);
  if (q.court_from || q.court_to)
    where.push(sql.fragment`EXISTS (SELECT 1 FROM court_appearances a
      WHERE a.org_id = bonds.org_id AND a.bond_id = bonds.id AND a.status = 'scheduled'
        AND a.scheduled_at >= coalesce(${q.court_from ?? null}::timestamptz, '-infinity')
        AND a.scheduled_at < coalesce(${q.court_to ?? null}::timestamptz, 'infinity'))`);
  return db.any(sql.type(bondRow)`
    SELECT ${columns} FROM bonds WHERE ${sql.join(where, sql.fragment` AND `)}
    ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
}

export const indemnitorRow = z.object({
  id: z.string().uuid(),
  bond_id: z.string().uuid(),
  customer_id: z.string().uuid(),
  relationship: z.string(),
  liability_amount: z.string().nullable(),
  first_name: z.string(),
  last_name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
});
export type IndemnitorRow = z.infer<typeof indemnitorRow>;

export async function insertIndemnitors(
  db: Queryable,
  orgId: string,
  bondId: string,
  rows: readonly {
    customer_id: string;
    relationship: string;
    liability_amount?: string | null | undefined;
  }[],
): Promise<void> {
  if (!rows.length) return;
  await db.query(sql.unsafe`
    INSERT INTO indemnitors (org_id, bond_id, customer_id, relationship, liability_amount)
    SELECT ${orgId}, ${bondId}, r.customer_id, r.relationship, r.liability_amount
    FROM jsonb_to_recordset(${sql.jsonb(rows as never)}) AS r(customer_id uuid, relationship text, liability_amount numeric)`);
}

export function listIndemnitors(
  db: Queryable,
  orgId: string,
  bondId: string,
): Promise<readonly IndemnitorRow[]> {
  return db.any(sql.type(indemnitorRow)`
    SELECT i.id, i.bond_id, i.customer_id, i.relationship, i.liability_amount::text,
      c.first_name, c.last_name, c.email, c.phone
    FROM indemnitors i JOIN customers c ON c.org_id = i.org_id AND c.id = i.customer_id
    WHERE i.org_id = ${orgId} AND i.bond_id = ${bondId} ORDER BY i.created_at, i.id`);
}
