import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import type autocannon from 'autocannon';
import { Hono } from 'hono';
import pg from 'pg';
import { createApp } from '../../api/app.js';
import { createOrganization } from '../../db/platform/organizations.js';
import { insertUser } from '../../db/platform/users.js';
import { raiseAlert } from '../../db/triage/alerts.js';
import { insertCustomer } from '../../db/customers/customers.js';
import type { TransactionInput } from '../../db/triage/transactions.js';
import { FieldCipher } from '../../lib/field-encryption.js';
import { createLogger } from '../../lib/logger.js';
import { hashPassword } from '../../lib/passwords.js';
import { benchAppConfig, seedTransactions, withBenchEnvironment } from './environment.js';

const listen = (fetch: (r: Request) => Response | Promise<Response>) =>
  new Promise<{ url: string; close: () => void }>((resolve) => {
    const s = serve({ fetch, hostname: '127.0.0.1', port: 0 }, () =>
      resolve({ url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, close: () => s.close() }),
    );
  });

const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/**
 * Loopback load from a process of its own (as a client would be: in this process it would take the
 * server's event loop turns), with this process's CPU time per request: the servers' own cost.
 */
async function load(url: string, headers: Record<string, string>, seconds: number) {
  const args = [AUTOCANNON, '--json', '--connections', '8', '--duration', String(seconds)];
  for (const [k, v] of Object.entries(headers)) args.push('--headers', `${k}=${v}`);
  const cpu = process.cpuUsage();
  const { stdout } = await promisify(execFile)(process.execPath, [...args, url], { maxBuffer: 1 << 24 });
  const used = process.cpuUsage(cpu);
  const r = JSON.parse(stdout) as autocannon.Result;
  if (r.non2xx || r.errors) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    cpu: (used.user + used.system) / r.requests.total,
  };
}

/**
 * `npm run bench -- api`: authenticated reads through the whole app (auth, rate limits,
 * validation, the query, masking or opening sealed fields, JSON) beside a bare Hono + pg server
 * running the same SELECT over the same data, in the same run: loopback load at 8 connections for
 * BENCH_SECONDS (10) each. One customer is read twice: by an analyst (masked) and by an admin
 * (whole, so the read also appends its PII-viewed audit row, as the baseline's statement does).
 * Target: ≥ 0.5× bare on every row; p99 < 50 ms.
 */
export async function apiBench(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  await withBenchEnvironment({ poolSize: 10 }, async (env, db, databaseUrl) => {
    const cipher = FieldCipher.ephemeral();
    const org = await createOrganization(db, `bench-${randomUUID()}`);
    const passwordHash = await hashPassword('bench-password-long-enough');
    for (const role of ['admin', 'analyst'] as const)
      await insertUser(db, { orgId: org.id, email: `${role}@bench.test`, name: 'Bench', role, passwordHash });
    const customers: string[] = [];
    for (let i = 0; i < 200; i++) {
      const c = await insertCustomer(
        db,
        org.id,
        {
          external_id: `api-${i}`,
          first_name: 'Bench',
          last_name: `No${i}`,
          email: `b${i}@bench.test`,
          phone: `+1415555${String(1000 + i).padStart(4, '0')}`,
          date_of_birth: '1984-03-02',
          national_id: `AB${100000 + i}C`,
          address: { line1: `${i} Market St`, city: 'San Francisco', postal_code: '94105', country: 'US' },
        },
        cipher,
      );
      customers.push(c.id);
    }
    const rows: TransactionInput[] = Array.from({ length: 5000 }, (_, i) => ({
      external_id: `tx-${i}`,
      customer_id: customers[i % customers.length]!,
      account_id: null,
      card_id: null,
      amount: (10 + (i % 90)).toFixed(2),
      currency: 'USD',
      transaction_type: 'purchase',
      merchant_name: `Shop ${i % 50}`,
      merchant_category: 'retail',
      channel: 'card_not_present',
      status: 'completed',
      transaction_date: new Date(Date.now() - i * 60_000).toISOString(),
    }));
    await seedTransactions(db, org.id, rows);
    for (let i = 0; i < 200; i++) {
      await raiseAlert(db, org.id, {
        customer_id: customers[i]!,
        transaction_id: null,
        card_id: null,
        alert_type: 'manual_review',
        priority: (['low', 'medium', 'high'] as const)[i % 3]!,
        title: 'Review',
        description: 'bench',
        data: {},
        dedup_key: `bench-${i}`,
      });
    }

    const app = createApp({
      config: benchAppConfig(),
      db,
      cipher,
      temporal: env.client,
      log: createLogger({ level: 'silent' }),
    });
    const sentinel = await listen(app.fetch);
    const signIn = async (email: string) =>
      (
        (await (
          await fetch(`${sentinel.url}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email, password: 'bench-password-long-enough' }),
          })
        ).json()) as { access_token: string }
      ).access_token;
    const admin = { authorization: `Bearer ${await signIn('admin@bench.test')}` };
    const analyst = { authorization: `Bearer ${await signIn('analyst@bench.test')}` };

    // The baseline: the same statements, no auth, limits, validation or masking. Sentinel's audited
    // read is one statement that also appends the PII-viewed row (db/platform/audit.ts); so is
    // the baseline's.
    const bare = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    const bareApp = new Hono()
      .get('/transactions', async (c) =>
        c.json(
          (
            await bare.query(
              'SELECT * FROM transactions WHERE org_id = $1 ORDER BY transaction_date DESC, id DESC LIMIT 51',
              [org.id],
            )
          ).rows,
        ),
      )
      .get('/alerts', async (c) =>
        c.json(
          (
            await bare.query(
              'SELECT * FROM alerts WHERE org_id = $1 ORDER BY priority_rank DESC, created_at DESC, id DESC LIMIT 21',
              [org.id],
            )
          ).rows,
        ),
      )
      .get('/customer', async (c) =>
        c.json(
          (await bare.query('SELECT * FROM customers WHERE org_id = $1 AND id = $2', [org.id, customers[7]]))
            .rows[0],
        ),
      )
      .get('/customer-audited', async (c) =>
        c.json(
          (
            await bare.query(
              `WITH viewed AS (SELECT * FROM customers WHERE org_id = $1 AND id = $2),
                lazy AS (SELECT set_config('synchronous_commit', 'off', true)),
                audited AS (INSERT INTO audit_events (org_id, actor_type, actor_id, action, resource_type, resource_id, after)
                  SELECT $1, 'user', 'bench', 'customer.pii_viewed', 'customer', $2, jsonb_build_object('customer_ids', jsonb_build_array($2::text))
                  FROM lazy WHERE EXISTS (SELECT 1 FROM viewed))
              SELECT * FROM viewed`,
              [org.id, customers[7]],
            )
          ).rows[0],
        ),
      );
    const baseline = await listen(bareApp.fetch);

    const reads = [
      ['transactions page (50)', admin, '/api/v1/transactions?limit=50', '/transactions'],
      ['alerts page (20)', admin, '/api/v1/alerts?limit=20', '/alerts'],
      ['one customer, masked', analyst, `/api/v1/customers/${customers[7]}`, '/customer'],
      ['one customer, PII audited', admin, `/api/v1/customers/${customers[7]}`, '/customer-audited'],
    ] as const;
    const lines = [
      'read (8 connections)        sentinel rps  p50  p99  µs CPU |  bare rps  p50  p99  µs CPU | ratio',
    ];
    const row = (r: Awaited<ReturnType<typeof load>>, w: number) =>
      `${r.rps.toFixed(0).padStart(w)} ${String(r.p50).padStart(4)} ${String(r.p99).padStart(4)} ${r.cpu.toFixed(0).padStart(7)}`;
    for (const [name, auth, path, barePath] of reads) {
      const s = await load(`${sentinel.url}${path}`, auth, seconds);
      const b = await load(`${baseline.url}${barePath}`, {}, seconds);
      lines.push(`${name.padEnd(27)} ${row(s, 12)} | ${row(b, 8)} | ${(s.rps / b.rps).toFixed(2)}×`);
    }
    process.stdout.write(
      `\napi: ${seconds} s each; latency in ms; µs CPU = the server process's CPU time per request\n${lines.join('\n')}\n`,
    );
    sentinel.close();
    baseline.close();
    await bare.end();
  });
}
