import { toE164 } from '../../lib/phone.js';
import { sql } from 'slonik';
import { cardNumberHash } from '../../lib/card-hash.js';
import type { FieldCipher } from '../../lib/field-encryption.js';
import { hashPassword } from '../../lib/passwords.js';
import { insertAccount } from '../triage/accounts.js';
import { insertCard } from '../triage/cards.js';
import { insertCustomer } from '../customers/customers.js';
import { claimTransactionKeys, insertTransactions, type TransactionInput } from '../triage/transactions.js';
import { createOrganization, findOrganizationByName } from '../platform/organizations.js';
import { insertUser } from '../platform/users.js';
import type { Db, Queryable } from '../pool.js';
import { insertAppearances } from '../bail/appearances.js';
import { insertBond, insertIndemnitors } from '../bail/bonds.js';
import { insertBailClient } from '../bail/clients.js';
import { requeueStarts } from '../platform/workflow-starts.js';
import { courtRemindersStart } from '../../commands/bail/court-start.js';
import { paymentPlanStart } from '../../commands/bail/plan-start.js';
import { splitInstallments } from '../../workflows/bail/plan-schedule.js';
import { insertPaymentPlan } from '../bail/payment-plans.js';
import { randomUUID } from 'node:crypto';
import { vaderModel } from '../../lib/insights/sentiment.js';
import {
  claimInteractionKeys,
  customersByExternalIds,
  insertInteractions,
  type InteractionRow,
  type NewInteraction,
} from '../insights/interactions.js';

export const DEMO_ORG = 'Demo Bank';
export const DEMO_BAIL_ORG = 'Demo Bail Bonds';
export const DEMO_ADMIN = { email: 'admin@demo.sentinel.local', password: 'sentinel-demo-admin' };

/**
 * Demo data for `npm run dev`, loaded once: a second run finds the organisation and adds nothing.
 * Demo staff share one password, public by design; production installs use `npm run create-admin`.
 */
export async function seedDemo(
  db: Db,
  opts: { cardHashKey: string; cipher: FieldCipher },
): Promise<{ created: boolean; orgId: string }> {
  return db.transaction(async (tx) => {
    // Serialise concurrent seeders (two `npm run dev` at once) on a transaction-scoped lock.
    await tx.query(sql.unsafe`SELECT pg_advisory_xact_lock(hashtext('sentinel-demo-seed'))`);
    const existing = await findOrganizationByName(tx, DEMO_ORG);
    if (existing) return { created: false, orgId: existing.id };
    const org = await createOrganization(tx, DEMO_ORG);
    const passwordHash = await hashPassword(DEMO_ADMIN.password);
    const staff = [
      { email: DEMO_ADMIN.email, name: 'Demo Admin', role: 'admin' as const },
      { email: 'supervisor@demo.sentinel.local', name: 'Sam Supervisor', role: 'supervisor' as const },
      { email: 'analyst@demo.sentinel.local', name: 'Ana Analyst', role: 'analyst' as const },
      { email: 'agent@demo.sentinel.local', name: 'Alex Agent', role: 'agent' as const },
      { email: 'viewer@demo.sentinel.local', name: 'Vic Viewer', role: 'viewer' as const },
    ];
    for (const s of staff) {
      await insertUser(tx, { orgId: org.id, ...s, passwordHash });
    }
    await seedCustomers(tx, org.id, opts);
    await seedInteractions(tx, org.id);
    await seedBailAgency(tx, passwordHash, opts);
    return { created: true, orgId: org.id };
  });
}

const DAY = 86_400_000;
const PLACES = {
  london: { lat: 51.5074, lon: -0.1278, city: 'London', country: 'GB' },
  paris: { lat: 48.8566, lon: 2.3522, city: 'Paris', country: 'FR' },
  nyc: { lat: 40.7128, lon: -74.006, city: 'New York', country: 'US' },
};
const DEMO_CUSTOMERS = [
  {
    ext: 'demo-001',
    first: 'Amelia',
    last: 'Hart',
    email: 'amelia.hart@example.com',
    phone: '+44 20 7946 0011',
    tz: 'Europe/London',
    place: PLACES.london,
    card: '4242424242424242',
    currency: 'GBP',
    risk: 'low' as const,
    dob: '1986-04-12',
    nationalId: 'QQ 12 34 56 C',
  },
  {
    ext: 'demo-002',
    first: 'Louis',
    last: 'Moreau',
    email: 'louis.moreau@example.com',
    phone: '+33 1 70 36 00 22',
    tz: 'Europe/Paris',
    place: PLACES.paris,
    card: '5555555555554444',
    currency: 'EUR',
    risk: 'medium' as const,
    dob: '1979-11-03',
    nationalId: '1 79 11 75 115 042',
  },
  {
    ext: 'demo-003',
    first: 'Maya',
    last: 'Chen',
    email: 'maya.chen@example.com',
    phone: '+1 212 555 0133',
    tz: 'America/New_York',
    place: PLACES.nyc,
    card: '378282246310005',
    currency: 'USD',
    risk: 'high' as const,
    dob: '1992-07-28',
    nationalId: '078-05-1120',
  },
];
const MERCHANTS = [
  { name: 'Corner Grocer', category: 'groceries' },
  { name: 'Metro Transit', category: 'transport' },
  { name: 'Bean There Cafe', category: 'restaurants' },
  { name: 'Page Turner Books', category: 'books' },
];

/** What each demo customer said, oldest first: content for sentiment trends, search and patterns. */
const DEMO_INTERACTIONS: Record<string, [InteractionRow['channel'], string, string][]> = {
  'demo-001': [
    ['mobile', 'app_review', 'Love the new app, paying friends back is so easy now!'],
    ['chat', 'support_chat', 'Thanks for sorting my address change so quickly, great service.'],
    ['web', 'page_view', 'Looked at savings goals.'],
    ['email', 'support_email', 'The monthly statement is clear and helpful, thank you.'],
    ['mobile', 'app_review', 'Budget alerts are really useful, I am saving more.'],
    ['chat', 'support_chat', 'Quick question about card limits, answered right away. Perfect.'],
  ],
  'demo-002': [
    ['email', 'support_email', 'Please send me the fee schedule for international transfers.'],
    ['phone', 'call', 'Called about a transfer to Lyon; it arrived a day late.'],
    ['web', 'page_view', 'Read the help page on exchange rates.'],
    ['chat', 'support_chat', 'The exchange rate was okay but the fee seemed high.'],
    ['email', 'support_email', 'Statement received. Nothing else for now.'],
    ['mobile', 'app_review', 'Works fine, a bit slow to load sometimes.'],
  ],
  'demo-003': [
    ['chat', 'support_chat', 'Why was my card declined at the grocery store? This is embarrassing.'],
    ['email', 'support_email', 'I was charged twice for the same order and nobody has replied.'],
    ['chat', 'support_chat', 'Still waiting on the refund. This is terrible service, I am very unhappy.'],
    ['phone', 'call', 'Angry call about the double charge; wants to dispute it.'],
    ['chat', 'support_chat', 'I do not recognise a payment from last night. Is my card stolen?'],
    ['email', 'support_email', 'Worst experience ever. Fix the declined payment or I close my account.'],
  ],
};

/** Three weeks of each demo customer's interactions, scored as ingest scores them. */
async function seedInteractions(tx: Queryable, orgId: string): Promise<void> {
  await tx.query(sql.unsafe`SELECT ensure_interaction_partitions(1, 1)`);
  const customers = await customersByExternalIds(tx, orgId, Object.keys(DEMO_INTERACTIONS));
  const now = Date.now();
  for (const [ext, said] of Object.entries(DEMO_INTERACTIONS)) {
    const rows: NewInteraction[] = said.map(([channel, eventType, content], i) => ({
      id: randomUUID(),
      customer_id: customers.get(ext)!,
      external_id: `${ext}-i${i}`,
      occurred_at: new Date(now - (said.length - i) * 3.3 * DAY).toISOString(),
      channel,
      event_type: eventType,
      content,
      metadata: { source: 'demo' },
      sentiment: vaderModel.score(content),
    }));
    await claimInteractionKeys(
      tx,
      orgId,
      rows.map((r) => ({ id: r.id, external_id: r.external_id!, occurred_at: r.occurred_at })),
    );
    await insertInteractions(tx, orgId, rows);
  }
}

/** Three customers with an account, a card and a month of ordinary spending each (history for screening). */
async function seedCustomers(
  tx: Queryable,
  orgId: string,
  { cardHashKey, cipher }: { cardHashKey: string; cipher: FieldCipher },
): Promise<void> {
  const now = Date.now();
  for (const [ci, c] of DEMO_CUSTOMERS.entries()) {
    const customer = await insertCustomer(
      tx,
      orgId,
      {
        external_id: c.ext,
        first_name: c.first,
        last_name: c.last,
        email: c.email,
        phone: toE164(c.phone),
        kyc_status: 'verified',
        risk_profile: c.risk,
        timezone: c.tz,
        address: { city: c.place.city, country: c.place.country },
        date_of_birth: c.dob,
        national_id: c.nationalId,
      },
      cipher,
    );
    const account = await insertAccount(tx, orgId, {
      customer_id: customer.id,
      account_type: 'checking',
      currency: c.currency,
      balance: (2500 + ci * 1000).toFixed(2),
    });
    const card = await insertCard(tx, orgId, {
      customer_id: customer.id,
      account_id: account.id,
      number_hash: cardNumberHash(cardHashKey, c.card),
      last4: c.card.slice(-4),
      expiry_month: 12,
      expiry_year: new Date().getUTCFullYear() + 3,
      card_type: 'debit',
    });
    // A month of past spending: history to screen against, already in the opening balance.
    const history: TransactionInput[] = Array.from({ length: 24 }, (_, i) => {
      const m = MERCHANTS[(i + ci) % MERCHANTS.length]!;
      return {
        external_id: `${c.ext}-t${String(i).padStart(2, '0')}`,
        customer_id: customer.id,
        account_id: account.id,
        card_id: card.id,
        amount: (8 + ((i * 7 + ci * 5) % 40) + 0.45).toFixed(2),
        currency: c.currency,
        transaction_type: 'purchase',
        merchant_name: m.name,
        merchant_category: m.category,
        channel: 'card_present',
        transaction_date: new Date(now - (i + 1) * 1.2 * DAY).toISOString(),
        status: 'completed',
        location: c.place,
      };
    });
    const ids = await claimTransactionKeys(tx, orgId, history);
    await insertTransactions(
      tx,
      orgId,
      history.filter((t) => ids.has(t.external_id)).map((t) => ({ ...t, id: ids.get(t.external_id)! })),
    );
  }
}

/**
 * A bail agency (its own organisation; agent@bail.demo.sentinel.local, the demo password): a
 * client, a pending bond with an indemnitor, a court date next week and its premium on a payment
 * plan, whose runs are owed from the seed's commit (the start-pending sweeper makes them).
 */
async function seedBailAgency(tx: Queryable, passwordHash: string, { cipher }: { cipher: FieldCipher }) {
  const org = await createOrganization(tx, DEMO_BAIL_ORG);
  const agent = await insertUser(tx, {
    orgId: org.id,
    email: 'agent@bail.demo.sentinel.local',
    name: 'Bea Bondsman',
    role: 'agent',
    passwordHash,
  });
  await insertUser(tx, {
    orgId: org.id,
    email: 'admin@bail.demo.sentinel.local',
    name: 'Bail Admin',
    role: 'admin',
    passwordHash,
  });
  const client = await insertCustomer(
    tx,
    org.id,
    {
      external_id: 'bail-demo-001',
      first_name: 'Jordan',
      last_name: 'Reyes',
      phone: toE164('+1 415 555 0140'),
      email: 'jordan.reyes@example.com',
      timezone: 'America/Los_Angeles',
      date_of_birth: '1995-02-17',
      national_id: '219099999',
    },
    cipher,
  );
  await insertBailClient(tx, org.id, {
    customerId: client.id,
    emergencyContact: { name: 'Rosa Reyes', relationship: 'mother', phone: '+14155550141' },
    createdBy: agent.id,
  });
  const cosigner = await insertCustomer(
    tx,
    org.id,
    {
      external_id: 'bail-demo-indemnitor-001',
      first_name: 'Rosa',
      last_name: 'Reyes',
      phone: toE164('+1 415 555 0141'),
    },
    cipher,
  );
  const bond = await insertBond(
    tx,
    org.id,
    {
      bond_number: 'DEMO-0001',
      client_id: client.id,
      amount: '20000.00',
      premium: '2000.00',
      currency: 'USD',
      case_number: 'CR-2026-1187',
      court_name: 'San Francisco Superior Court',
      power_of_attorney_number: 'POA-558201',
      charges: [{ code: 'VC 23152', description: 'Driving under the influence', severity: 'misdemeanor' }],
    },
    agent.id,
  );
  await insertIndemnitors(tx, org.id, bond.id, [
    { customer_id: cosigner.id, relationship: 'mother', liability_amount: '20000.00' },
  ]);
  const nextWeek = new Date(Date.now() + 7 * DAY);
  nextWeek.setUTCHours(17, 30, 0, 0); // 09:30 or 10:30 in San Francisco
  await insertAppearances(tx, org.id, bond.id, [
    {
      scheduled_at: nextWeek.toISOString(),
      time_zone: 'America/Los_Angeles',
      court_name: 'San Francisco Superior Court, Dept. 12',
      address: '850 Bryant St, San Francisco, CA 94103',
    },
  ]);
  // The premium on a plan: 500 now, then three monthly payments (the local provider charges them).
  const today = new Date().toISOString().slice(0, 10);
  const plan = await insertPaymentPlan(tx, org.id, {
    bondId: bond.id,
    total: '2000.00',
    currency: 'USD',
    customerId: null,
    paymentMethodId: 'pm_card_visa',
    installments: splitInstallments({ total: '2000.00', count: 4, firstDueDate: today, interval: 'month' }),
  });
  await requeueStarts(tx, [
    courtRemindersStart(org.id, bond),
    paymentPlanStart(org.id, { id: plan.id, clientId: client.id }),
  ]);
}
