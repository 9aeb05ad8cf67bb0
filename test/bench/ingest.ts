import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { sql } from 'slonik';
import { createApp } from '../../api/app.js';
import { createOrganization } from '../../db/platform/organizations.js';
import { insertUser } from '../../db/platform/users.js';
import { insertAccount } from '../../db/triage/accounts.js';
import { insertCard } from '../../db/triage/cards.js';
import { insertCustomer } from '../../db/customers/customers.js';
import type { TransactionInput } from '../../db/triage/transactions.js';
import { FieldCipher } from '../../lib/field-encryption.js';
import { createLogger } from '../../lib/logger.js';
import { hashPassword } from '../../lib/passwords.js';
import { createWorkers } from '../../workers/create-workers.js';
import { seedTransactions, withBenchEnvironment } from './environment.js';

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const DAY = 86_400_000;

/**
 * `npm run bench -- ingest`: the real-time pipeline through the real API (screening, grouping,
 * balances and rules in the POST's transaction), beside a bare `INSERT … ON CONFLICT` of the same
 * rows in the same run: a single suspicious transaction (POST → alert), a batch of 1,000 over 500
 * customers, and a 500-payment card-testing burst on one card (alerts, triages, contacts).
 */
export async function ingestBench(): Promise<void> {
  const customersN = Number(process.env.BENCH_CUSTOMERS ?? 500);
  const singles = Number(process.env.BENCH_SINGLES ?? 200);
  await withBenchEnvironment({ poolSize: 10 }, async (env, db) => {
    const cipher = FieldCipher.ephemeral();
    const org = await createOrganization(db, `bench-${randomUUID()}`);
    const password = 'bench-password-long-enough';
    await insertUser(db, {
      orgId: org.id,
      email: 'bench@bench.test',
      name: 'Bench',
      role: 'admin',
      passwordHash: await hashPassword(password),
    });

    // Customers with an account, a card and two weeks of ordinary history.
    const people: { customer: string; account: string; card: string }[] = [];
    for (let i = 0; i < customersN; i++) {
      const c = await insertCustomer(
        db,
        org.id,
        { external_id: `bench-${i}`, first_name: 'Bench', last_name: `No${i}`, kyc_status: 'verified' },
        cipher,
      );
      const a = await insertAccount(db, org.id, {
        customer_id: c.id,
        account_type: 'checking',
        currency: 'USD',
        balance: '5000.00',
      });
      const k = await insertCard(db, org.id, {
        customer_id: c.id,
        account_id: a.id,
        number_hash: randomBytes(16).toString('hex'),
        last4: '4242',
        expiry_month: 12,
        expiry_year: 2030,
        card_type: 'debit',
      });
      people.push({ customer: c.id, account: a.id, card: k.id });
    }
    const history: TransactionInput[] = people.flatMap((p, ci) =>
      Array.from({ length: 14 }, (_, d) => ({
        external_id: `hist-${ci}-${d}`,
        customer_id: p.customer,
        account_id: p.account,
        card_id: p.card,
        amount: (20 + ((d * 7) % 30)).toFixed(2),
        currency: 'USD',
        transaction_type: 'purchase',
        merchant_name: 'Corner Shop',
        merchant_category: 'groceries',
        channel: 'card_present' as const,
        transaction_date: new Date(Date.now() - (d + 1) * DAY).toISOString(),
        status: 'completed' as const,
      })),
    );
    await seedTransactions(db, org.id, history);

    const config = {
      JWT_SECRET: randomBytes(32).toString('hex'),
      CARD_HASH_KEY: randomBytes(32).toString('hex'),
      LINK_SIGNING_KEY: randomBytes(32).toString('hex'),
      JWT_ISSUER: 'sentinel-bench',
      ACCESS_TOKEN_TTL_SECONDS: 3600,
      REFRESH_TOKEN_TTL_SECONDS: 3600,
      CORS_ORIGINS: [],
      BODY_LIMIT_BYTES: 4 * 1024 * 1024,
      TASK_QUEUE_PREFIX: 'bench-',
      RATE_LIMIT_PER_USER: 1_000_000_000,
      RATE_LIMIT_PER_IP: 1_000_000_000,
      RATE_LIMIT_LOGIN_PER_IP: 1_000_000,
    };
    // The burst gets a task-queue prefix of its own, so its worker triages only the burst (the
    // single-transaction phase leaves its triages queued on the first prefix, unpolled).
    const listen = async (prefix: string) => {
      const app = createApp({
        config: { ...config, TASK_QUEUE_PREFIX: prefix },
        db,
        cipher,
        temporal: env.client,
        log: createLogger({ level: 'silent' }),
      });
      const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
        const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
      });
      return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1` };
    };
    const servers = [await listen('bench-'), await listen('burst-')];
    let base = servers[0]!.base;
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@bench.test', password }),
    });
    const token = ((await login.json()) as { access_token: string }).access_token;
    const post = async (body: unknown) => {
      const res = await fetch(`${base}/transactions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status >= 300) throw new Error(`${res.status}: ${JSON.stringify(json)}`);
      return json;
    };
    const tx = (p: (typeof people)[number], ext: string, extra: Partial<TransactionInput> = {}) => ({
      external_id: ext,
      customer_id: p.customer,
      card_id: p.card,
      amount: '31.00',
      currency: 'USD',
      transaction_type: 'purchase',
      merchant_name: 'Corner Shop',
      merchant_category: 'groceries',
      transaction_date: new Date().toISOString(),
      ...extra,
    });
    const bare = (rows: { external_id: string; transaction_date: string }[]) =>
      db.query(sql.unsafe`
        INSERT INTO transaction_keys (org_id, external_id, transaction_id, transaction_date)
        SELECT ${org.id}, external_id, gen_random_uuid(), transaction_date
        FROM jsonb_to_recordset(${sql.jsonb(rows as never)}) AS k(external_id text, transaction_date timestamptz)
        ON CONFLICT DO NOTHING`);
    const time = async (f: () => Promise<unknown>) => {
      const t0 = performance.now();
      await f();
      return performance.now() - t0;
    };

    // 1. One suspicious transaction at a time: the POST answers with the alert already stored.
    const single: number[] = [];
    const singleBare: number[] = [];
    let alertsVisible = 0;
    for (let i = 0; i < singles; i++) {
      const p = people[i % people.length]!;
      const body = tx(p, `single-${i}`, {
        amount: '4800.00',
        merchant_name: `CoinFast ${i}`,
        merchant_category: 'crypto',
        channel: 'card_not_present',
      });
      let answer: Record<string, unknown> = {};
      single.push(await time(async () => (answer = await post(body))));
      if (
        answer.alert_id &&
        (await db.exists(
          sql.unsafe`SELECT 1 FROM alerts WHERE org_id = ${org.id} AND id = ${answer.alert_id as string}`,
        ))
      )
        alertsVisible++;
      singleBare.push(
        await time(() =>
          bare([{ external_id: `bare-single-${i}`, transaction_date: body.transaction_date }]),
        ),
      );
    }

    // 2. Batches of 1,000 ordinary transactions over 500 customers.
    const batchMs: number[] = [];
    const batchBareMs: number[] = [];
    for (let round = 0; round < 3; round++) {
      const rows = Array.from({ length: 1000 }, (_, i) =>
        tx(people[i % people.length]!, `batch-${round}-${i}`, {
          transaction_date: new Date(Date.now() - i * 1000).toISOString(),
        }),
      );
      batchMs.push(await time(() => post({ transactions: rows })));
      batchBareMs.push(
        await time(() => bare(rows.map((r) => ({ ...r, external_id: `bare-${r.external_id}` })))),
      );
    }

    // 3. A 500-payment card-testing burst on one card, 20 at a time, with a worker triaging.
    base = servers[1]!.base;
    const [triageWorker, notifyWorker] = await createWorkers({
      connection: env.nativeConnection,
      namespace: 'default',
      deps: { db, cipher, temporal: env.client },
      contexts: ['triage', 'notify'],
      taskQueuePrefix: 'burst-',
    });
    const victim = people[people.length - 1]!;
    const burst = Array.from({ length: 500 }, (_, i) =>
      tx(victim, `burst-${i}`, {
        amount: (1 + (i % 5)).toFixed(2),
        merchant_name: `Gift Shop ${i}`,
        merchant_category: 'gift_cards',
        channel: 'card_not_present',
        transaction_date: new Date(Date.now() - (500 - i) * 1000).toISOString(),
      }),
    );
    const burstResult = await triageWorker!.runUntil(() =>
      notifyWorker!.runUntil(async () => {
        const ms = await time(async () => {
          for (let i = 0; i < burst.length; i += 20) await Promise.all(burst.slice(i, i + 20).map(post));
        });
        // Give the triage time to reach the customer (fraud score, freeze, contact).
        const deadline = Date.now() + 60_000;
        const contacts = () =>
          db.oneFirst(
            sql.unsafe`SELECT count(*)::int FROM customer_contacts WHERE customer_id = ${victim.customer}`,
          );
        while ((await contacts()) === 0 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 200));
        return {
          ms,
          alerts: await db.oneFirst(
            sql.unsafe`SELECT count(*)::int FROM alerts WHERE customer_id = ${victim.customer}`,
          ),
          triages: (
            await env.client.workflow.count(
              `CustomerId = "${victim.customer}" AND WorkflowType = "alertTriage"`,
            )
          ).count,
          freezes: await db.oneFirst(
            sql.unsafe`SELECT count(*)::int FROM audit_events WHERE action = 'card.frozen' AND resource_id = ${victim.card}`,
          ),
          contacts: await contacts(),
        };
      }),
    );
    for (const { server } of servers) {
      (server as import('node:http').Server).closeAllConnections();
      await new Promise((r) => server.close(r));
    }

    const f = (x: number) => x.toFixed(1).padStart(10);
    const median = (xs: number[]) => percentile(xs, 50);
    const out = [
      `\ningest benchmark: ${customersN} customers with 14 days of history each\n`,
      `${''.padEnd(44)}${'sentinel'.padStart(10)}${'bare SQL'.padStart(10)}${'ratio'.padStart(10)}\n`,
      `${'single suspicious POST p50 ms'.padEnd(44)}${f(median(single))}${f(median(singleBare))}${f(median(single) / median(singleBare))}\n`,
      `${'single suspicious POST p95 ms'.padEnd(44)}${f(percentile(single, 95))}${f(percentile(singleBare, 95))}${f(percentile(single, 95) / percentile(singleBare, 95))}\n`,
      `${'  alerts readable when the POST returned'.padEnd(44)}${`${alertsVisible}/${singles}`.padStart(10)}\n`,
      `${'batch of 1,000 (500 customers) median ms'.padEnd(44)}${f(median(batchMs))}${f(median(batchBareMs))}${f(median(batchMs) / median(batchBareMs))}\n`,
      `${'batch transactions/s'.padEnd(44)}${f(1000 / (median(batchMs) / 1000))}${f(1000 / (median(batchBareMs) / 1000))}\n`,
      `${'burst: 500 payments on one card, ms'.padEnd(44)}${f(burstResult.ms)}\n`,
      `${'  alerts / triage runs / freezes / contacts'.padEnd(44)}${`${burstResult.alerts} / ${burstResult.triages} / ${burstResult.freezes} / ${burstResult.contacts}`.padStart(20)}\n`,
      `targets: single p95 < 50 ms; batch < 2,000 ms (>= 500/s); burst -> 1 alert\n`,
    ];
    process.stdout.write(out.join(''));
  });
}
