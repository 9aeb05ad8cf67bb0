import { sql } from 'slonik';
import { z } from 'zod';
import type { FieldCipher } from '../../lib/field-encryption.js';
import type { Queryable } from '../pool.js';
import { revealPii } from '../customers/customers.js';

/**
 * Every table that holds rows about a customer, and the columns an export leaves out (secrets
 * of ours, not data about them).
 */
const CUSTOMER_TABLES: { table: string; omit?: string[] }[] = [
  { table: 'customer_preferences' },
  { table: 'accounts' },
  { table: 'cards', omit: ['card_number_hash'] },
  { table: 'transactions' },
  { table: 'alerts' },
  { table: 'cases' },
  { table: 'disputes' },
  { table: 'notifications' },
  { table: 'notification_deliveries' },
  { table: 'customer_contacts' },
  { table: 'callback_tasks' },
  { table: 'goals' },
  { table: 'budgets' },
  { table: 'bills' },
  { table: 'alert_rules' },
  { table: 'interactions', omit: ['search'] },
  { table: 'behavior_patterns' },
  { table: 'bail_clients' },
  { table: 'indemnitors' },
];

/** Everything Sentinel holds about one customer, table by table (GDPR access / portability). */
export async function exportCustomer(db: Queryable, orgId: string, customerId: string, cipher: FieldCipher) {
  const customer = await db.maybeOne(sql.type(
    z.object({
      row: z.record(z.unknown()),
      date_of_birth_enc: z.string().nullable(),
      national_id_enc: z.string().nullable(),
      legacy_date_of_birth: z.string().nullable(),
    }),
  )`
    SELECT to_jsonb(c) - 'org_id' - 'date_of_birth' - 'date_of_birth_enc' - 'national_id_enc' AS row,
      date_of_birth_enc, national_id_enc, to_char(date_of_birth, 'YYYY-MM-DD') AS legacy_date_of_birth
    FROM customers c WHERE org_id = ${orgId} AND id = ${customerId}`);
  if (!customer) return null;
  // Sealed fields leave in the clear: the export is for the customer.
  Object.assign(customer.row, revealPii(cipher, { ...customer, org_id: orgId, id: customerId }));
  const tables: Record<string, unknown[]> = {};
  for (const { table, omit = [] } of CUSTOMER_TABLES) {
    const rows = await db.anyFirst(sql.type(z.object({ row: z.record(z.unknown()) }))`
      SELECT (to_jsonb(t) - 'org_id' - ${sql.array(omit, 'text')}) AS row FROM ${sql.identifier([table])} t
      WHERE org_id = ${orgId} AND customer_id = ${customerId}`);
    tables[table] = [...rows];
  }
  // A bail client's bonds and what hangs off them: court dates, collateral, plans and their
  // installments; payments and documents are keyed by the client directly.
  const byClient = (table: string) => sql.fragment`
    SELECT (to_jsonb(t) - 'org_id') AS row FROM ${sql.identifier([table])} t
    WHERE org_id = ${orgId} AND client_id = ${customerId}`;
  const byBond = (table: string) => sql.fragment`
    SELECT (to_jsonb(t) - 'org_id') AS row FROM ${sql.identifier([table])} t
    WHERE org_id = ${orgId} AND bond_id IN (SELECT id FROM bonds WHERE org_id = ${orgId} AND client_id = ${customerId})`;
  const rowsOf = async (q: ReturnType<typeof byClient>) => [
    ...(await db.anyFirst(sql.type(z.object({ row: z.record(z.unknown()) }))`${q}`)),
  ];
  tables.bonds = await rowsOf(byClient('bonds'));
  tables.court_appearances = await rowsOf(byBond('court_appearances'));
  tables.collateral = await rowsOf(byBond('collateral'));
  tables.payment_plans = await rowsOf(byBond('payment_plans'));
  tables.installments = await rowsOf(sql.fragment`
    SELECT (to_jsonb(t) - 'org_id') AS row FROM installments t
    WHERE org_id = ${orgId} AND plan_id IN (SELECT p.id FROM payment_plans p JOIN bonds b ON b.id = p.bond_id
      WHERE p.org_id = ${orgId} AND b.client_id = ${customerId})`);
  tables.payments = await rowsOf(byClient('payments'));
  tables.documents = await rowsOf(byClient('documents'));
  return { customer: customer.row, ...tables };
}

/**
 * GDPR erasure: the customer's personal data is anonymised where it lies (profile, message
 * texts, addresses messages went to, local outbox copies, contact variables); financial records
 * (accounts, cards' last four, transactions, alerts, cases, disputes) are kept, as the law on
 * records asks. Idempotent.
 */
export async function eraseCustomer(db: Queryable, orgId: string, customerId: string): Promise<boolean> {
  const erased = await db.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
    UPDATE customers SET first_name = 'Erased', last_name = 'Customer', email = NULL, phone = NULL,
      date_of_birth = NULL, date_of_birth_enc = NULL, national_id_enc = NULL, address = NULL, segment = NULL, erased_at = coalesce(erased_at, now()), updated_at = now()
    WHERE org_id = ${orgId} AND id = ${customerId} RETURNING id`);
  if (!erased) return false;
  await db.query(sql.unsafe`
    UPDATE notifications SET title = '[erased]', message = '[erased]', metadata = '{}'::jsonb
    WHERE org_id = ${orgId} AND customer_id = ${customerId}`);
  await db.query(sql.unsafe`
    UPDATE outbox_messages o SET recipient = '[erased]', subject = NULL, body_text = '[erased]', body_html = NULL
    FROM notification_deliveries d
    WHERE d.id = o.delivery_id AND d.org_id = ${orgId} AND d.customer_id = ${customerId} AND o.org_id = ${orgId}`);
  await db.query(sql.unsafe`
    UPDATE notification_deliveries SET destination = NULL WHERE org_id = ${orgId} AND customer_id = ${customerId}`);
  await db.query(sql.unsafe`
    UPDATE customer_contacts SET variables = '{}'::jsonb WHERE org_id = ${orgId} AND customer_id = ${customerId}`);
  // What they said is theirs; that they were in touch (channel, time, sentiment) stays in the counts.
  await db.query(sql.unsafe`
    UPDATE interactions SET content = NULL, metadata = '{}'::jsonb
    WHERE org_id = ${orgId} AND customer_id = ${customerId} AND (content IS NOT NULL OR metadata <> '{}'::jsonb)`);
  // Bonds, court dates and payments are the agency's court records and stay; the contact does not.
  await db.query(sql.unsafe`
    UPDATE bail_clients SET emergency_contact = NULL WHERE org_id = ${orgId} AND customer_id = ${customerId}`);
  // The documents they were to sign keep their state; who signed is no longer named.
  await db.query(sql.unsafe`
    UPDATE documents SET signer_name = '[erased]', signer_email = NULL
    WHERE org_id = ${orgId} AND client_id = ${customerId} AND (signer_name IS NOT NULL OR signer_email IS NOT NULL)`);
  // The live stream's history of them: what an event said goes, that it happened stays.
  await db.query(sql.unsafe`
    UPDATE events SET payload = jsonb_build_object('customer_id', ${customerId}::text, 'erased', true)
    WHERE org_id = ${orgId} AND payload->>'customer_id' = ${customerId}::text`);
  await db.query(sql.unsafe`
    UPDATE customer_preferences SET email_enabled = false, sms_enabled = false
    WHERE org_id = ${orgId} AND customer_id = ${customerId}`);
  return true;
}
