import { sql } from 'slonik';
import { customerReplySignal } from '../../workflows/notify/messages.js';
import { eventually, type Harness } from './harness.js';

const DAY = 86_400_000;
const LONDON = { lat: 51.5074, lon: -0.1278, city: 'London', country: 'GB' };

/** A customer with an account, a card and a month of ordinary grocery spending. */
export async function customerWithHistory(h: Harness, token: string, opts: { cardNumber?: string } = {}) {
  const ext = `cust-${Math.random().toString(36).slice(2, 10)}`;
  const customer = await h.call('POST', '/api/v1/customers', {
    token,
    body: {
      external_id: ext,
      first_name: 'Jo',
      last_name: 'Doe',
      email: 'jo.doe@example.com',
      phone: '+44 20 7946 0958',
      kyc_status: 'verified',
      risk_profile: 'medium',
      timezone: 'Europe/London',
    },
  });
  if (customer.status !== 201) throw new Error(JSON.stringify(customer.body));
  const account = await h.call('POST', `/api/v1/customers/${customer.body.id}/accounts`, {
    token,
    body: { account_type: 'checking', currency: 'GBP', balance: '2500.00' },
  });
  const card = await h.call('POST', `/api/v1/customers/${customer.body.id}/cards`, {
    token,
    body: {
      card_number: opts.cardNumber ?? '4242 4242 4242 4242',
      expiry_month: 12,
      expiry_year: new Date().getUTCFullYear() + 3,
      card_type: 'debit',
      account_id: account.body.id,
    },
  });
  if (card.status !== 201) throw new Error(JSON.stringify(card.body));
  const now = Date.now();
  const history = Array.from({ length: 10 }, (_, i) => ({
    external_id: `${ext}-h${i}`,
    customer_id: customer.body.id,
    account_id: account.body.id,
    card_id: card.body.id,
    amount: (20 + i * 3).toFixed(2),
    currency: 'GBP',
    transaction_type: 'purchase',
    merchant_name: 'Corner Shop',
    merchant_category: 'groceries',
    transaction_date: new Date(now - (i + 1) * 3 * DAY).toISOString(),
    status: 'completed',
    location: LONDON,
  }));
  const ingested = await h.call('POST', '/api/v1/transactions', { token, body: { transactions: history } });
  if (ingested.status !== 200) throw new Error(JSON.stringify(ingested.body));
  return { customer: customer.body, account: account.body, card: card.body, ext };
}

/** A card-not-present payment of 4,800 to a crypto exchange the customer never used: screening scores it above 7. */
export function suspiciousTransaction(f: Awaited<ReturnType<typeof customerWithHistory>>, suffix = 'x') {
  return {
    external_id: `${f.ext}-${suffix}`,
    customer_id: f.customer.id,
    account_id: f.account.id,
    card_id: f.card.id,
    amount: '4800.00',
    currency: 'GBP',
    transaction_type: 'purchase',
    merchant_name: 'CoinFast',
    merchant_category: 'crypto',
    channel: 'card_not_present',
    transaction_date: new Date().toISOString(),
    status: 'pending',
    location: LONDON,
  };
}

/** A run of small card-not-present payments on the card, each to a new gift-card shop: card testing. */
export function cardTestingBurst(f: Awaited<ReturnType<typeof customerWithHistory>>, n: number) {
  const start = Date.now() - n * 1000;
  return Array.from({ length: n }, (_, i) => ({
    external_id: `${f.ext}-burst-${i}`,
    customer_id: f.customer.id,
    card_id: f.card.id,
    amount: (1 + (i % 5)).toFixed(2),
    currency: 'GBP',
    transaction_type: 'purchase',
    merchant_name: `Gift Shop ${i}`,
    merchant_category: 'gift_cards',
    channel: 'card_not_present',
    transaction_date: new Date(start + i * 1000).toISOString(),
  }));
}

/** Answers the customer-contact agent's question for this customer, once it has been asked. */
export async function answerContact(h: Harness, customerId: string, answer: 'yes' | 'no') {
  const contactId = await eventually(
    async () =>
      (await h.db.maybeOneFirst(sql.unsafe`
        SELECT id FROM customer_contacts WHERE customer_id = ${customerId} AND status = 'awaiting_reply'`)) ??
      undefined,
    // A replacement worker process (worker-crash tests) first has to start and bundle, on a busy CI machine.
    60_000,
  );
  await h.temporal.workflow
    .getHandle(`contact-${String(contactId)}`)
    .signal(customerReplySignal, { answer, via: 'sms' });
  return String(contactId);
}
