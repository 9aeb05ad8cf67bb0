import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { sql } from 'slonik';
import { createApp } from '../../api/app.js';
import { EventHub } from '../../api/event-hub.js';
import { createOrganization } from '../../db/platform/organizations.js';
import { insertUser } from '../../db/platform/users.js';
import { FieldCipher } from '../../lib/field-encryption.js';
import { createLogger } from '../../lib/logger.js';
import { hashPassword } from '../../lib/passwords.js';
import { buildConsole, consoleIsStale } from '../../scripts/build-web.js';
import { benchAppConfig, withBenchEnvironment } from './environment.js';

const listen = (fetch: (r: Request) => Response | Promise<Response>) =>
  new Promise<{ url: string; close: () => void }>((resolve) => {
    const s = serve({ fetch, hostname: '127.0.0.1', port: 0 }, () =>
      resolve({ url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, close: () => s.close() }),
    );
  });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;
const PASSWORD = 'bench-password-long-enough';
const LONDON = { lat: 51.5074, lon: -0.1278, city: 'London', country: 'GB' };

/** The bare page: one script that fetches 100 rows from a bare Hono + pg server and renders them. */
const BARE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bare</title></head>
<body><div id="rows"></div><script src="/app.js"></script></body></html>`;
const BARE_SCRIPT = `fetch('/rows').then((r) => r.json()).then((rows) => {
  const list = document.getElementById('rows');
  for (const r of rows) { const d = document.createElement('div'); d.className = 'row'; d.textContent = r.title; list.append(d); }
});`;

/**
 * `npm run bench -- console`: the console in Chromium against the real API with 10,000 alerts.
 * First load of the queue (navigation to load event, and to the first row) and the JavaScript it
 * transfers, beside a bare Hono + pg page listing 100 rows; scrolling the 10,000-row queue (frame
 * time) beside idle frames of the same page; a POST /transactions to its row on screen, beside the
 * same event reaching a bare SSE client. Targets: first load < 1.5 s, JS < 300 KB gzipped, live
 * row < 1 s after the POST returns.
 */
export async function consoleBench(): Promise<void> {
  if (consoleIsStale()) await buildConsole();
  const alertsN = Number(process.env.BENCH_ALERTS ?? 10_000);
  await withBenchEnvironment({ poolSize: 10 }, async (env, db, databaseUrl) => {
    const org = await createOrganization(db, `bench-${randomUUID()}`);
    await insertUser(db, {
      orgId: org.id,
      email: 'analyst@bench.test',
      name: 'Bench',
      role: 'admin',
      passwordHash: await hashPassword(PASSWORD),
    });
    // 10,000 low and medium alerts over 500 customers, in two statements.
    await db.query(sql.unsafe`
      INSERT INTO customers (org_id, external_id, first_name, last_name)
      SELECT ${org.id}, 'bench-' || i, 'Bench', 'Customer ' || i FROM generate_series(1, 500) i`);
    await db.query(sql.unsafe`
      INSERT INTO alerts (org_id, customer_id, alert_type, priority, title, data, dedup_key, created_at)
      SELECT ${org.id}, c.id, 'manual_review', CASE WHEN i % 2 = 0 THEN 'low' ELSE 'medium' END,
        'Review ' || i, jsonb_build_object('amount', 10 + i % 900, 'currency', 'GBP'), 'bench-' || i,
        now() - make_interval(secs => i)
      FROM generate_series(1, ${alertsN}) i
      JOIN LATERAL (SELECT id FROM customers WHERE org_id = ${org.id} AND external_id = 'bench-' || (1 + i % 500)) c ON true`);

    const log = createLogger({ level: 'silent' });
    const hub = new EventHub(databaseUrl, db, log);
    const app = createApp({
      config: benchAppConfig(),
      db,
      cipher: FieldCipher.ephemeral(),
      temporal: env.client,
      log,
      hub,
      consoleDir: fileURLToPath(new URL('../../web/dist', import.meta.url)),
    });
    const sentinel = await listen(app.fetch);
    const bare = new pg.Pool({ connectionString: databaseUrl, max: 5 });
    const bareApp = new Hono()
      .get('/', (c) => c.html(BARE_PAGE))
      .get('/app.js', (c) => c.body(BARE_SCRIPT, 200, { 'content-type': 'text/javascript' }))
      .get('/rows', async (c) =>
        c.json(
          (
            await bare.query(
              'SELECT id, title FROM alerts WHERE org_id = $1 ORDER BY priority_rank DESC, created_at DESC LIMIT 100',
              [org.id],
            )
          ).rows,
        ),
      );
    const bareServer = await listen(bareApp.fetch);

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const signIn = await context.newPage();
      await signIn.goto(`${sentinel.url}/login`);
      await signIn.getByLabel('Email').fill('analyst@bench.test');
      await signIn.getByLabel('Password').fill(PASSWORD);
      await signIn.getByRole('button', { name: 'Sign in' }).click();
      await signIn.waitForURL(`${sentinel.url}/alerts`);
      await signIn.close();

      // First load, cold cache each time (a new page in the signed-in profile; the browser cache off).
      const load = async (url: string, firstRow: string) => {
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
        await page.goto(url);
        await page.locator(firstRow).first().waitFor();
        const r = await page.evaluate<{ load: number; row: number; js: number }>(`(() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const js = performance.getEntriesByType('resource').filter((e) => e.initiatorType === 'script' || e.name.endsWith('.js'))
            .reduce((n, e) => n + e.encodedBodySize, 0) + 0;
          return { load: nav.loadEventEnd - nav.startTime, row: performance.now(), js };
        })()`);
        return { page, ...r };
      };
      type Load = { load: number; row: number; js: number };
      const runs: { sentinel: Load[]; bare: Load[] } = { sentinel: [], bare: [] };
      for (let i = 0; i < 5; i++) {
        const s = await load(`${sentinel.url}/alerts`, '[data-testid="alert-row"]');
        runs.sentinel.push(s);
        await s.page.close();
        const b = await load(bareServer.url, '.row');
        runs.bare.push(b);
        await b.page.close();
      }
      const queue = (await load(`${sentinel.url}/alerts`, '[data-testid="alert-row"]')).page;
      await queue.locator('[data-testid="live"][data-state="live"]').waitFor();

      // Scrolling the whole queue (it pages in as it goes) against idle frames of the same page.
      const frames = (scroll: boolean) =>
        queue.evaluate<number[]>(`new Promise((done) => {
          const list = document.querySelector('[role="listbox"]');
          const times = []; let last = performance.now(); let n = 0;
          const step = (t) => { times.push(t - last); last = t; if (${scroll}) list.scrollTop += 400; if (++n < 240) requestAnimationFrame(step); else done(times.slice(1)); };
          requestAnimationFrame(step);
        })`);
      const idle = await frames(false);
      const scrolled = await frames(true);
      const rowsLoaded = await queue.evaluate<number>(
        `document.querySelector('[role="listbox"] > div').getBoundingClientRect().height / 52`,
      );

      // POST /transactions → its row on screen, beside a bare SSE client on the same stream.
      const token = (
        (await (
          await fetch(`${sentinel.url}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: 'analyst@bench.test', password: PASSWORD }),
          })
        ).json()) as { access_token: string }
      ).access_token;
      const api = async (path: string, body: unknown) => {
        const res = await fetch(`${sentinel.url}/api/v1${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        return (await res.json()) as { id: string };
      };
      await queue.evaluate('document.querySelector(\'[role="listbox"]\').scrollTop = 0');
      const sse = await fetch(`${sentinel.url}/api/v1/stream/alerts`, {
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      });
      const reader = sse.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      const nextAlert = async (customerId: string) => {
        for (;;) {
          const { value } = await reader.read();
          buffered += value ?? '';
          if (buffered.includes('alert_created') && buffered.includes(customerId)) {
            buffered = '';
            return performance.now();
          }
        }
      };
      const live: number[] = [];
      const bareLive: number[] = [];
      for (let i = 0; i < 10; i++) {
        const c = await api('/customers', {
          external_id: `live-${i}`,
          first_name: 'Live',
          last_name: `Customer ${i}`,
          kyc_status: 'verified',
        });
        const event = nextAlert(c.id);
        await api('/transactions', {
          external_id: `live-${i}-x`,
          customer_id: c.id,
          amount: '5400.00',
          currency: 'GBP',
          transaction_type: 'purchase',
          merchant_name: 'CoinFast',
          merchant_category: 'crypto',
          channel: 'card_not_present',
          transaction_date: new Date().toISOString(),
          status: 'pending',
          location: LONDON,
        });
        const t0 = performance.now();
        const [shown, arrived] = await Promise.all([
          queue
            .locator('[data-testid="alert-row"]', { hasText: `Live Customer ${i}` })
            .waitFor({ timeout: 10_000 })
            .then(() => performance.now()),
          event,
        ]);
        live.push(shown - t0);
        bareLive.push(arrived - t0);
      }
      await reader.cancel();

      const ms = (x: number) => `${x.toFixed(0)} ms`;
      const kb = (x: number) => `${(x / 1024).toFixed(0)} KB`;
      const s = {
        load: median(runs.sentinel.map((r) => r.load)),
        row: median(runs.sentinel.map((r) => r.row)),
      };
      const b = { load: median(runs.bare.map((r) => r.load)), row: median(runs.bare.map((r) => r.row)) };
      const lines = [
        `console bench: ${alertsN} alerts, Chromium headless, median of 5 cold loads`,
        `  first load (to load event)  sentinel ${ms(s.load)}  bare ${ms(b.load)}  ratio ${(s.load / b.load).toFixed(1)}×  (target < 1500 ms)`,
        `  first row on screen         sentinel ${ms(s.row)}  bare ${ms(b.row)}  ratio ${(s.row / b.row).toFixed(1)}×`,
        `  JavaScript (gzipped)        sentinel ${kb(runs.sentinel[0]!.js)}  bare ${kb(runs.bare[0]!.js)}  (target < 300 KB)`,
        `  scroll frame time           mean ${(scrolled.reduce((a, x) => a + x, 0) / scrolled.length).toFixed(1)} ms  p95 ${p95(scrolled).toFixed(1)} ms  idle mean ${(idle.reduce((a, x) => a + x, 0) / idle.length).toFixed(1)} ms  (${rowsLoaded.toFixed(0)} rows paged in)`,
        `  POST → row on screen        median ${ms(median(live))}  max ${ms(Math.max(...live))}  bare SSE client ${ms(median(bareLive))}  (target < 1000 ms)`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      await browser.close();
      sentinel.close();
      bareServer.close();
      await bare.end();
      await hub.close();
    }
  });
}
