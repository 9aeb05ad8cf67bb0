import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_COOKIE } from '../../api/routes/auth.js';
import { eventually, startHarness, TEST_PASSWORD, type Harness } from '../helpers/harness.js';
import { customerWithHistory, suspiciousTransaction } from '../helpers/triage-fixtures.js';

/**
 * The console in a real Chromium against the live test app (API, Postgres, Temporal, worker):
 * what an analyst does in a shift, with axe on every screen, no console errors, no other host.
 */
const CHROMIUM = '/usr/bin/chromium';
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let h: Harness;
let browser: Browser;
let org: Awaited<ReturnType<Harness['createOrg']>>;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: npm run bootstrap installs it (Debian)`);
  h = await startHarness({ worker: true });
  org = await h.createOrg(['admin', 'analyst', 'supervisor']);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** A fresh browser profile whose every request to another host is refused and noted, as are console errors. */
async function openConsole() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  // Chromium logs every 4xx answer as an error: a refusal the test provokes is counted apart.
  const refusals: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/^Failed to load resource: .* status of 409/.test(m.text())) refusals.push(m.text());
    else problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(h.baseUrl)) return route.continue();
    problems.push(`foreign request: ${url}`);
    return route.abort();
  });
  return { context, page, problems, refusals };
}

async function signIn(page: Page, email: string) {
  await page.goto(`${h.baseUrl}/alerts`);
  await page.waitForURL(/\/login\?redirect=/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${h.baseUrl}/alerts`);
  await page.locator('[data-testid="live"][data-state="live"]').waitFor({ timeout: 20_000 });
}

/** axe-core in the page (evaluated, since the page's CSP admits no injected script): none serious or critical. */
async function expectAccessible(page: Page, screen: string) {
  await page.evaluate(AXE);
  const violations = await page.evaluate<{ id: string; nodes: string[] }[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) })))`,
  );
  expect(violations, screen).toEqual([]);
}

/** An open alert written straight to the table (no triage starts for it). */
const openAlert = (orgId: string, name: string, priority: string, customerId: string) =>
  h.db.oneFirst(sql.unsafe`
    INSERT INTO alerts (org_id, customer_id, alert_type, priority, title, data, dedup_key)
    VALUES (${orgId}, ${customerId}, 'fraud', ${priority}, ${name}, '{"amount": 120, "currency": "GBP"}'::jsonb,
      ${`console:${name}:${Math.random()}`})
    RETURNING id`) as Promise<string>;

describe('the console', () => {
  it('an analyst signs in, sees an alert arrive live, watches its agents, acts, is refused, and signs out', async () => {
    const { context, page, problems, refusals } = await openConsole();
    await signIn(page, org.users.analyst.email);
    await expect(page.getByTestId('user-email').textContent()).resolves.toBe(org.users.analyst.email);
    await expect(page.getByTestId('user-role').textContent()).resolves.toBe('analyst');
    for (const label of ['Alerts', 'Customers', 'Operations', 'Notifications', 'Bail', 'Insights'])
      await expect(page.getByRole('link', { name: label }).count(), label).resolves.toBe(1);
    await expectAccessible(page, 'alert queue (empty)');

    // A transaction posted through the API becomes a row without a reload.
    const fixture = await customerWithHistory(h, org.users.admin.token);
    const tx = await h.call('POST', '/api/v1/transactions', {
      token: org.users.admin.token,
      body: suspiciousTransaction(fixture),
    });
    expect(tx.status).toBe(201);
    const alertId = await eventually(async () => {
      const r = await h.call('GET', `/api/v1/alerts?customer_id=${fixture.customer.id}`, {
        token: org.users.admin.token,
      });
      return r.body.data[0]?.id as string | undefined;
    });
    const row = page.locator(`[data-testid="alert-row"][data-alert-id="${alertId}"]`);
    await row.waitFor({ timeout: 10_000 });
    await expect(row.innerText()).resolves.toContain('Jo Doe');
    await expectAccessible(page, 'alert queue');

    // From the keyboard: focus the queue, Enter opens the selected alert.
    await page.getByRole('listbox').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${h.baseUrl}/alerts/${alertId}`);
    const drawer = page.getByRole('dialog');
    await drawer.waitFor();
    // The triage's agents finish while the drawer is open (streamed, never reloaded).
    for (const agent of ['fraud-detector', 'kyc-check', 'card-manager'])
      await drawer
        .locator(`[data-testid="agent"][data-agent="${agent}"][data-status="completed"]`)
        .waitFor({ timeout: 30_000 });
    // The evidence: the transaction that raised it.
    await expect(drawer.getByTestId('burst-transaction').innerText()).resolves.toContain('CoinFast');
    await expectAccessible(page, 'triage drawer');

    // An action works and says so; the timeline shows it.
    await drawer.getByRole('button', { name: 'Add note…' }).click();
    await drawer.getByRole('textbox', { name: 'Note' }).fill('Called the branch: customer travelling');
    await drawer.getByRole('button', { name: 'Add note', exact: true }).click();
    await page.getByText('Note added', { exact: true }).waitFor();
    await drawer.getByText('Called the branch: customer travelling').waitFor();

    // Esc closes the drawer.
    await page.keyboard.press('Escape');
    await page.waitForURL(`${h.baseUrl}/alerts`);

    // The global search opens an alert by id; a refused action shows the API's own message.
    const quiet = await openAlert(org.orgId, 'Untriaged alert', 'medium', fixture.customer.id);
    await page.getByRole('searchbox').fill(quiet);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${h.baseUrl}/alerts/${quiet}`);
    await drawer.getByRole('button', { name: 'Add note…' }).click();
    await drawer.getByRole('textbox', { name: 'Note' }).fill('Too early');
    await drawer.getByRole('button', { name: 'Add note', exact: true }).click();
    await page.getByText('The alert has no case yet; start triage first').waitFor();

    // Nothing token-like is kept where scripts could read it later.
    const stored = await page.evaluate<string>('JSON.stringify([localStorage, sessionStorage])');
    expect(stored).toBe('[{},{}]');
    // The page reads one cookie: a flag that a session exists, with no secret in it.
    expect(await page.evaluate<string>('document.cookie')).toBe('sentinel_session=1');

    // Signing out ends the session: the cookie is gone and the console asks to sign in again.
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    expect((await context.cookies()).some((c) => c.name === REFRESH_COOKIE)).toBe(false);
    await page.goto(`${h.baseUrl}/alerts`);
    await page.waitForURL(/\/login\?redirect=/);
    await expectAccessible(page, 'login');
    expect(problems).toEqual([]);
    expect(refusals).toHaveLength(1);
    await context.close();
  }, 120_000);

  it('take next gives two analysts pressing at once different alerts', async () => {
    const team = await h.createOrg(['admin', 'analyst', 'supervisor']);
    const fixture = await customerWithHistory(h, team.users.admin.token);
    const ids = [await openAlert(team.orgId, 'First waiting', 'high', fixture.customer.id)];
    ids.push(await openAlert(team.orgId, 'Second waiting', 'high', fixture.customer.id));
    const sessions: { context: BrowserContext; page: Page; problems: string[]; refusals: string[] }[] = [];
    for (const who of ['analyst', 'supervisor'] as const) {
      const s = await openConsole();
      await signIn(s.page, team.users[who].email);
      sessions.push(s);
    }
    await Promise.all(sessions.map((s) => s.page.getByRole('button', { name: 'Take next' }).click()));
    const taken = await Promise.all(
      sessions.map(async ({ page }) => {
        await page.waitForURL(/\/alerts\/[0-9a-f-]{36}$/);
        await page.getByRole('dialog').waitFor();
        return {
          id: page.url().split('/').pop()!,
          assignee: await page.getByTestId('alert-assignee').innerText(),
        };
      }),
    );
    expect(taken[0]!.id).not.toBe(taken[1]!.id);
    expect(new Set(taken.map((t) => t.id))).toEqual(new Set(ids));
    expect(taken.map((t) => t.assignee)).toEqual([team.users.analyst.email, team.users.supervisor.email]);
    for (const s of sessions) {
      expect([...s.problems, ...s.refusals]).toEqual([]);
      await s.context.close();
    }
  }, 90_000);

  it('an admin moves through every screen by its navigation, each accessible and quiet', async () => {
    const team = await h.createOrg(['admin']);
    const fixture = await customerWithHistory(h, team.users.admin.token);
    await openAlert(team.orgId, 'Waiting', 'high', fixture.customer.id);
    const { context, page, problems, refusals } = await openConsole();
    await signIn(page, team.users.admin.email);
    const visit = async (link: string, heading: string) => {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    };
    await visit('Dashboard', 'Dashboard');
    await page.getByRole('img', { name: /Alerts raised per day/ }).waitFor();
    await expectAccessible(page, 'dashboard');
    await visit('Customers', 'Customers');
    await page.getByLabel(/^Name, external id/).fill(fixture.ext);
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'Jo Doe' }).click();
    await page.getByRole('heading', { level: 1, name: 'Jo Doe' }).waitFor();
    await page.getByText('•••• 4242').waitFor();
    await page.getByTestId('transaction-row').first().waitFor();
    expect(await page.getByTestId('transaction-row').count()).toBe(10);
    await page.getByText('Waiting').waitFor();
    await expectAccessible(page, 'customer');
    await visit('Operations', 'Operations');
    await page
      .getByRole('table', { name: 'Workflow executions' })
      .or(page.getByText('No executions match'))
      .waitFor();
    await expectAccessible(page, 'operations');
    await visit('Notifications', 'Notifications');
    await page
      .getByText(/No failed deliveries|Failed deliveries/)
      .first()
      .waitFor();
    // A draft renders live beside its editor, through the API's preview.
    await page.getByLabel('Body (Handlebars)').fill('Hello {{customer.first_name}}, a live preview');
    await expect
      .poll(() => page.getByTestId('template-preview').textContent(), { timeout: 10_000 })
      .toMatch(/^Hello \S+, a live preview$/);
    await expectAccessible(page, 'notifications');
    for (const [link, heading] of [
      ['Bail', 'Bail'],
      ['Insights', 'Insights'],
    ] as const) {
      await visit(link, heading);
      await expectAccessible(page, heading);
    }
    expect([...problems, ...refusals]).toEqual([]);
    await context.close();
  }, 90_000);
});
