import { DateTime } from 'luxon';
import { sql, type Interceptor } from 'slonik';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createRulesActivities } from '../../activities/rules/index.js';
import { createDb } from '../../db/pool.js';
import { lockCustomerRules } from '../../db/rules/alert-rules.js';
import { ALERT_TYPES } from '../../workflows/rules/evaluators.js';
import { ensureSchedules } from '../../temporal/schedules.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { recordHistory } from '../helpers/histories.js';

let h: Harness;
let token: string;
let orgId: string;
let supervisorId: string;
beforeAll(async () => {
  h = await startHarness({ worker: true });
  const org = await h.createOrg(['supervisor', 'viewer']);
  token = org.users.supervisor.token;
  supervisorId = org.users.supervisor.id;
  orgId = org.orgId;
});
afterAll(() => h.close());

let seq = 0;
/** A customer (New York time) with a checking account holding `balance`. */
async function customer(balance = '2500.00', timezone = 'America/New_York') {
  const ext = `rules-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
  const c = await h.call('POST', '/api/v1/customers', {
    token,
    body: { external_id: ext, first_name: 'Ana', last_name: 'Lima', email: `${ext}@example.com`, timezone },
  });
  expect(c.status).toBe(201);
  const a = await h.call('POST', `/api/v1/customers/${c.body.id}/accounts`, {
    token,
    body: { account_type: 'checking', currency: 'USD', balance },
  });
  expect(a.status).toBe(201);
  return { id: c.body.id as string, accountId: a.body.id as string, ext };
}

const rule = (body: object) => h.call('POST', '/api/v1/alert-rules', { token, body });

const outboxFor = async (email: string) => {
  const res = await h.call('GET', '/api/v1/dev/outbox?limit=100', { token });
  return (res.body.data as { recipient?: string; to?: string; body?: string; text?: string }[]).filter((m) =>
    JSON.stringify(m).includes(email),
  );
};

const notificationsOf = async (customerId: string) =>
  (await h.call('GET', `/api/v1/customers/${customerId}/notifications?limit=100`, { token })).body.data as {
    kind: string;
    message: string;
    critical: boolean;
  }[];

describe('alert rules end to end (real worker, outbox provider)', () => {
  it('a transaction above a limit fires in the ingest transaction and reaches the outbox', async () => {
    const c = await customer();
    const created = await rule({
      customer_id: c.id,
      alert_type: 'transaction_limit',
      conditions: { amount: '1000.00' },
      email_delivery: true,
    });
    expect(created.status).toBe(201);
    const tx = await h.call('POST', '/api/v1/transactions', {
      token,
      body: {
        external_id: `${c.ext}-big`,
        customer_id: c.id,
        account_id: c.accountId,
        amount: '1500.00',
        currency: 'USD',
        transaction_type: 'purchase',
        merchant_name: 'Apple Store',
        merchant_category: 'electronics',
        transaction_date: new Date().toISOString(),
      },
    });
    expect(tx.status).toBe(201);
    // Evaluated in the POST's own transaction: the notification and its owed delivery exist already.
    const [fresh] = await notificationsOf(c.id);
    expect(fresh).toMatchObject({ kind: 'large_transaction', critical: true });
    const sent = await eventually(async () => {
      const m = await outboxFor(`${c.ext}@example.com`);
      return m.length ? m : undefined;
    });
    expect(JSON.stringify(sent[0])).toContain(
      'Large transaction detected: Apple Store for $1,500.00 exceeds your limit of $1,000.00',
    );
    const [n] = await notificationsOf(c.id);
    expect(n).toMatchObject({ kind: 'large_transaction', critical: true });
    const after = await h.call('GET', `/api/v1/alert-rules/${created.body.id}`, { token });
    expect(after.body).toMatchObject({ trigger_count: 1, evaluation_count: 1 });
    // Both actions on the world are in the audit trail, by the workflows that took them.
    const fired = await h.call('GET', `/api/v1/audit?action=rule.fired&resource_id=${created.body.id}`, {
      token,
    });
    expect(fired.body.data).toEqual([
      expect.objectContaining({ actor_type: 'user', actor_id: supervisorId }),
    ]);
    const messages = await eventually(async () => {
      const res = await h.call('GET', '/api/v1/audit?action=message.sent', { token });
      return res.body.data.length ? res.body.data : undefined;
    });
    expect(messages[0]).toMatchObject({
      actor_id: expect.stringMatching(/^deliver-/),
      resource_type: 'notification_delivery',
    });
  });

  it('the periodic pass fires goal, budget and balance rules once, then stays quiet', async () => {
    const c = await customer('120.00');
    const goal = await h.call('POST', '/api/v1/goals', {
      token,
      body: { customer_id: c.id, name: 'Holiday', target_amount: '1000.00', current_amount: '800.00' },
    });
    const budget = await h.call('POST', '/api/v1/budgets', {
      token,
      body: { customer_id: c.id, name: 'Groceries', amount: '500.00', category: 'groceries' },
    });
    expect([goal.status, budget.status]).toEqual([201, 201]);
    const groceries = await h.call('POST', '/api/v1/transactions', {
      token,
      body: {
        external_id: `${c.ext}-groceries`,
        customer_id: c.id,
        amount: '410.00',
        currency: 'USD',
        transaction_type: 'purchase',
        merchant_name: 'Whole Foods',
        merchant_category: 'groceries',
        transaction_date: new Date().toISOString(),
        status: 'completed',
      },
    });
    // Its real-time evaluation was over when the POST answered, before the rules exist.
    expect(groceries.status).toBe(201);
    const spent = await h.call('GET', `/api/v1/budgets/${budget.body.id}`, { token });
    expect(spent.body).toMatchObject({
      spent: '410.00',
      period_key: DateTime.now().setZone('America/New_York').toFormat('yyyy-MM'),
    });
    for (const body of [
      { alert_type: 'goal', conditions: { goal_id: goal.body.id } },
      { alert_type: 'spending_target', conditions: { budget_id: budget.body.id } },
      {
        alert_type: 'account_threshold',
        conditions: { account_id: c.accountId, threshold: '500.00', direction: 'below' },
      },
    ]) {
      expect((await rule({ customer_id: c.id, ...body })).status).toBe(201);
    }
    let passes = 0;
    const pass = () =>
      h.temporal.workflow.execute('evaluateAlertRules', {
        taskQueue: `${h.prefix}rules`,
        workflowId: `${h.prefix}rules-pass-${++passes}`,
        args: [{ pageSize: 1, parallelism: 2, pagesPerRun: 2 }],
      });
    // One rule a page, continuing as new every two pages: the totals survive each new run.
    const first = await pass();
    expect(first.pages).toBeGreaterThanOrEqual(3);
    expect(first).toMatchObject({ evaluated: expect.any(Number), fired: expect.any(Number) });
    expect(first.fired).toBeGreaterThanOrEqual(3);
    const messages = (await notificationsOf(c.id)).map((n) => n.message).sort();
    expect(messages).toEqual([
      "Your 'Groceries' budget is at 82% ($410.00 of $500.00)",
      'Your Checking account balance is below $500.00. Current balance: $120.00',
      "Your goal 'Holiday' has reached 80% completion!",
    ]);
    recordHistory(`${h.prefix}rules-pass-1`, 'evaluate-alert-rules.v1');
    await pass();
    expect(await notificationsOf(c.id)).toHaveLength(3);
  });

  it('a pass reads a rule only after a transaction evaluating it has committed (no lost update)', async () => {
    const c = await customer();
    const goal = await h.call('POST', '/api/v1/goals', {
      token,
      body: { customer_id: c.id, name: 'Car', target_amount: '1000.00', current_amount: '900.00' },
    });
    const created = await rule({
      customer_id: c.id,
      alert_type: 'goal',
      conditions: { goal_id: goal.body.id },
    });
    expect(created.status).toBe(201);
    const ruleId = created.body.id as string;
    // A page holding just this rule: ids in (ruleId - 1, ruleId].
    const hex = (BigInt(`0x${ruleId.replace(/-/g, '')}`) - 1n).toString(16).padStart(32, '0');
    const justBefore = [
      hex.slice(0, 8),
      hex.slice(8, 12),
      hex.slice(12, 16),
      hex.slice(16, 20),
      hex.slice(20),
    ].join('-');

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let lockedBy!: (pid: number) => void;
    const holderPid = new Promise<number>((r) => (lockedBy = r));
    // What a transaction's real-time evaluation holds while it reads and writes the customer's rules.
    const holder = h.db.transaction(async (t) => {
      await lockCustomerRules(t, orgId, c.id, ALERT_TYPES);
      // ...and the state it writes: these milestones were just notified.
      await t.query(sql.unsafe`
        UPDATE alert_rules SET metadata = '{"milestone_notifications_sent": [25, 50, 75]}'
        WHERE org_id = ${orgId} AND id = ${ruleId}`);
      lockedBy(await t.oneFirst(sql.type(z.object({ pid: z.number() }))`SELECT pg_backend_pid() AS pid`));
      await held;
    });
    const pid = await holderPid;
    const activities = createRulesActivities({ db: h.db, temporal: h.temporal, taskQueuePrefix: h.prefix });
    const pass = activities.evaluateRulePage({ afterId: justBefore, before: ruleId, limit: 10 });
    await eventually(async () => {
      const waiting = await h.db.oneFirst(sql.type(z.object({ n: z.number() }))`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${pid}::int = ANY(pg_blocking_pids(pid))`);
      return waiting > 0 ? true : undefined;
    });
    release();
    await holder;
    // The pass read the rule after that commit: nothing left to notify, and the state kept.
    expect(await pass).toMatchObject({ evaluated: 1, fired: 0, nextAfterId: null });
    expect(
      await h.db.oneFirst(
        sql.type(z.object({ m: z.unknown() }))`SELECT metadata AS m FROM alert_rules WHERE id = ${ruleId}`,
      ),
    ).toEqual({ milestone_notifications_sent: [25, 50, 75] });
  });

  it('evaluates one customer now, through the admin route', async () => {
    const c = await customer();
    const goal = await h.call('POST', '/api/v1/goals', {
      token,
      body: { customer_id: c.id, name: 'Car', target_amount: '2000.00', current_amount: '1000.00' },
    });
    await rule({
      customer_id: c.id,
      alert_type: 'goal',
      conditions: { goal_id: goal.body.id, milestone_percentage: 50 },
    });
    const url = `/api/v1/admin/alert-rules/evaluate-customer/${c.id}`;
    expect((await h.call('POST', url, { token })).body).toEqual({ evaluated: 1, fired: 1 });
    expect((await h.call('POST', url, { token })).body).toEqual({ evaluated: 1, fired: 0 });
    expect(
      (await h.call('POST', url, { token: (await h.createOrg(['admin'])).users.admin.token })).status,
    ).toBe(404);
  });

  it('evaluates a goal’s rules when the goal changes, and one rule through the admin route', async () => {
    const c = await customer();
    const goal = await h.call('POST', '/api/v1/goals', {
      token,
      body: { customer_id: c.id, name: 'Bike', target_amount: '1000.00', current_amount: '100.00' },
    });
    const created = await rule({
      customer_id: c.id,
      alert_type: 'goal',
      conditions: { goal_id: goal.body.id, milestone_percentage: 50 },
    });
    expect(await notificationsOf(c.id)).toEqual([]);
    // The deposit that reaches the milestone is told at once, not at the next 5-minute pass.
    const patched = await h.call('PATCH', `/api/v1/goals/${goal.body.id}`, {
      token,
      body: { current_amount: '600.00' },
    });
    expect(patched.status).toBe(200);
    expect((await notificationsOf(c.id)).map((n) => n.kind)).toEqual(['goal_milestone']);

    const url = `/api/v1/admin/alert-rules/${created.body.id}/evaluate`;
    // Already notified for this milestone: evaluated, nothing fired.
    expect((await h.call('POST', url, { token })).body).toEqual({ evaluated: 1, fired: 0 });
    expect(
      (await h.call('POST', url, { token: (await h.createOrg(['admin'])).users.admin.token })).status,
    ).toBe(404);
  });

  it('reminds of a bill due in two days at once, once, and stops reminding when paid', async () => {
    const c = await customer();
    const today = DateTime.now().setZone('America/New_York');
    const bill = await h.call('POST', '/api/v1/bills', {
      token,
      body: {
        customer_id: c.id,
        name: 'Rent',
        amount: '1200.00',
        next_due_date: today.plus({ days: 2 }).toISODate(),
      },
    });
    expect(bill.status).toBe(201);
    const r = await rule({
      customer_id: c.id,
      alert_type: 'upcoming_bill',
      conditions: { bill_id: bill.body.id, days_before: 3 },
    });
    expect(r.status).toBe(201);
    const reminded = await eventually(async () => {
      const ns = await notificationsOf(c.id);
      return ns.length ? ns : undefined;
    });
    expect(reminded.map((n) => n.message)).toEqual(["Bill 'Rent' for $1,200.00 is due in 2 days"]);
    // Paying re-plans the reminder: nothing more for this due date.
    const paid = await h.call('POST', `/api/v1/bills/${bill.body.id}/pay`, { token });
    expect(paid.body.paid_through).toBe(today.plus({ days: 2 }).toISODate());
    const described = await h.temporal.workflow.getHandle(`bill-${bill.body.id}`).describe();
    expect(described.status.name).toBe('RUNNING');
    recordHistory(`bill-${bill.body.id}`, 'bill-reminder.v1');
    const del = await h.call('DELETE', `/api/v1/bills/${bill.body.id}`, { token });
    expect(del.status).toBe(204);
    expect(await h.temporal.workflow.getHandle(`bill-${bill.body.id}`).result()).toEqual({
      status: 'cancelled',
      reminded: 1,
    });
    expect(await notificationsOf(c.id)).toHaveLength(1);
  });

  it('creates the 5-minute schedule and shows its next run', async () => {
    await ensureSchedules(h.temporal, h.prefix);
    const res = await h.call('GET', '/api/v1/admin/schedules', { token });
    expect(res.status).toBe(200);
    const periodic = res.body.data.find(
      (s: { schedule_id: string }) => s.schedule_id === `${h.prefix}rules-periodic`,
    );
    expect(periodic).toMatchObject({ workflow_type: 'evaluateAlertRules', paused: false });
    expect(Date.parse(periodic.next_run_at) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    const described = await h.temporal.schedule.getHandle(`${h.prefix}rules-periodic`).describe();
    expect(described.policies.overlap).toBe('SKIP');
  });
});

describe('a page of the periodic pass', () => {
  it('costs the same number of queries for 5 rules as for 60', async () => {
    const c = await customer('100.00');
    const goal = await h.call('POST', '/api/v1/goals', {
      token,
      body: { customer_id: c.id, name: 'Bench', target_amount: '100.00', current_amount: '30.00' },
    });
    const budget = await h.call('POST', '/api/v1/budgets', {
      token,
      body: { customer_id: c.id, name: 'All', amount: '10.00' },
    });
    for (let i = 0; i < 20; i++) {
      await rule({ customer_id: c.id, alert_type: 'goal', conditions: { goal_id: goal.body.id } });
      await rule({
        customer_id: c.id,
        alert_type: 'spending_target',
        conditions: { budget_id: budget.body.id },
      });
      await rule({
        customer_id: c.id,
        alert_type: 'account_threshold',
        conditions: { account_id: c.accountId, threshold: `${200 + i}.00`, direction: 'below' },
      });
    }
    let queries = 0;
    const counter: Interceptor = {
      name: 'count',
      beforeQueryExecution: () => {
        queries += 1;
        return null;
      },
    };
    const pool = await createDb(inject('databaseUrl'), { maximumPoolSize: 2, interceptors: [counter] });
    const acts = createRulesActivities({ db: pool, temporal: h.temporal, taskQueuePrefix: h.prefix });
    const countPage = async (limit: number) => {
      queries = 0;
      const r = await acts.evaluateRulePage({ afterId: null, before: null, limit });
      return { queries, evaluated: r.evaluated };
    };
    const small = await countPage(5);
    const large = await countPage(60);
    await pool.end();
    expect(large.evaluated).toBeGreaterThanOrEqual(50);
    // Read, stamp, notify, audit, rule state, owed deliveries; then the deliveries marked started:
    // at most that many for any page. (Not "large = small": a page is the first rules by id across
    // every test's organisations, and a page where nothing fires skips the writes.)
    expect(small.queries).toBeLessThanOrEqual(7);
    expect(large.queries).toBeLessThanOrEqual(7);
    expect(
      await h.db.oneFirst(
        sql.unsafe`SELECT count(*)::int FROM alert_rules WHERE customer_id = ${c.id} AND trigger_count > 0`,
      ),
    ).toBeGreaterThan(0);
  });
});

describe('alert rule inputs', () => {
  it('rejects a wrong shape per type with the field path, and writes nothing', async () => {
    const c = await customer();
    const before = await h.db.oneFirst(
      sql.unsafe`SELECT count(*)::int FROM alert_rules WHERE org_id = ${orgId}`,
    );
    const cases: [object, string][] = [
      [
        {
          alert_type: 'account_threshold',
          conditions: { account_id: c.accountId, threshold: 'lots', direction: 'below' },
        },
        'body.conditions.threshold',
      ],
      [
        {
          alert_type: 'account_threshold',
          conditions: { account_id: c.accountId, threshold: '5.00', direction: 'sideways' },
        },
        'body.conditions.direction',
      ],
      [
        { alert_type: 'goal', conditions: { goal_id: c.id, milestone_percentage: 33 } },
        'body.conditions.milestone_percentage',
      ],
      [
        { alert_type: 'upcoming_bill', conditions: { bill_id: c.id, days_before: 5 } },
        'body.conditions.days_before',
      ],
      [
        { alert_type: 'merchant_name', conditions: { merchant_pattern: 'x', match_type: 'regex' } },
        'body.conditions.match_type',
      ],
      [{ alert_type: 'transaction_limit', conditions: { amount: 100 } }, 'body.conditions.amount'],
      [{ alert_type: 'transaction_limit', conditions: { amount: '10.00', extra: 1 } }, 'body.conditions'],
      [{ alert_type: 'telepathy', conditions: {} }, 'body.alert_type'],
      [
        { alert_type: 'goal', conditions: { goal_id: '6f1c3c1e-6f2a-4a57-9d55-3d3f1b8d9a10' } },
        'body.conditions.goal_id',
      ],
      [
        {
          alert_type: 'account_threshold',
          conditions: { account_id: (await customer()).accountId, threshold: '5.00', direction: 'below' },
        },
        'body.conditions.account_id',
      ],
    ];
    // The last two are of the documented form but name targets the customer does not have.
    for (const [n, [body, path]] of cases.entries()) {
      const res = await rule({ customer_id: c.id, ...body });
      expect(res.status, JSON.stringify(body)).toBe(n >= cases.length - 2 ? 422 : 400);
      expect(res.body.error.details.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
    const bad = await h.call('POST', '/api/v1/bills', {
      token,
      body: { customer_id: c.id, name: 'x', amount: '-1', next_due_date: '2026-02-30' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.amount',
      'body.next_due_date',
    ]);
    expect(
      await h.db.oneFirst(sql.unsafe`SELECT count(*)::int FROM alert_rules WHERE org_id = ${orgId}`),
    ).toBe(before);
  });

  it('updates and deletes goals, budgets and bills; a deleted target takes its rules with it', async () => {
    const c = await customer();
    const goal = await h.call('POST', '/api/v1/goals', {
      token,
      body: { customer_id: c.id, name: 'House', target_amount: '50000.00' },
    });
    expect(goal.body).toMatchObject({ current_amount: '0.00', currency: 'USD' });
    const patched = await h.call('PATCH', `/api/v1/goals/${goal.body.id}`, {
      token,
      body: { current_amount: '12500.50' },
    });
    expect(patched.body.current_amount).toBe('12500.50');
    const r = await rule({ customer_id: c.id, alert_type: 'goal', conditions: { goal_id: goal.body.id } });
    expect((await h.call('DELETE', `/api/v1/goals/${goal.body.id}`, { token })).status).toBe(204);
    expect((await h.call('GET', `/api/v1/alert-rules/${r.body.id}`, { token })).status).toBe(404);
    const budget = await h.call('POST', '/api/v1/budgets', {
      token,
      body: { customer_id: c.id, name: 'Fun', amount: '100.00', period: 'weekly' },
    });
    expect(budget.body).toMatchObject({ spent: '0.00', period_key: expect.stringMatching(/^\d{4}-W\d{2}$/) });
    const listed = await h.call('GET', `/api/v1/budgets?customer_id=${c.id}`, { token });
    expect(listed.body.data.map((b: { id: string }) => b.id)).toEqual([budget.body.id]);
    const strangers = await customer();
    const bad = await h.call('POST', '/api/v1/bills', {
      token,
      body: {
        customer_id: c.id,
        name: 'Gym',
        amount: '30.00',
        next_due_date: '2030-01-31',
        account_id: strangers.accountId,
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.issues[0].path).toBe('body.account_id');
    const bill = await h.call('POST', '/api/v1/bills', {
      token,
      body: {
        customer_id: c.id,
        name: 'Gym',
        amount: '30.00',
        next_due_date: '2030-01-31',
        account_id: c.accountId,
      },
    });
    expect(bill.body).toMatchObject({
      recurrence: 'monthly',
      first_due_date: '2030-01-31',
      status: 'active',
    });
    const moved = await h.call('PATCH', `/api/v1/bills/${bill.body.id}`, {
      token,
      body: { amount: '35.00' },
    });
    expect(moved.body.amount).toBe('35.00');
    expect((await h.call('DELETE', `/api/v1/bills/${bill.body.id}`, { token })).status).toBe(204);
    expect(await h.temporal.workflow.getHandle(`bill-${bill.body.id}`).result()).toMatchObject({
      status: 'cancelled',
    });
  });

  it('keeps organisations apart and asks for rules:write', async () => {
    const c = await customer();
    const mine = await rule({
      customer_id: c.id,
      alert_type: 'transaction_limit',
      conditions: { amount: '50.00' },
    });
    const other = (await h.createOrg(['admin'])).users.admin.token;
    expect((await h.call('GET', `/api/v1/alert-rules/${mine.body.id}`, { token: other })).status).toBe(404);
    expect((await h.call('DELETE', `/api/v1/alert-rules/${mine.body.id}`, { token: other })).status).toBe(
      404,
    );
    expect((await h.call('GET', '/api/v1/alert-rules', { token: other })).body.data).toEqual([]);
    const viewer = (await h.createOrg(['viewer'])).users.viewer.token;
    expect((await h.call('POST', '/api/v1/goals', { token: viewer, body: {} })).status).toBe(403);
    const listed = await h.call(
      'GET',
      `/api/v1/alert-rules?customer_id=${c.id}&alert_type=transaction_limit`,
      { token },
    );
    expect(listed.body.data.map((r: { id: string }) => r.id)).toEqual([mine.body.id]);
    const replaced = await h.call('PUT', `/api/v1/alert-rules/${mine.body.id}`, {
      token,
      body: {
        customer_id: c.id,
        alert_type: 'transaction_limit',
        conditions: { amount: '75.00' },
        active: false,
      },
    });
    expect(replaced.body).toMatchObject({ conditions: { amount: '75.00' }, active: false });
    expect((await h.call('DELETE', `/api/v1/alert-rules/${mine.body.id}`, { token })).status).toBe(204);
    expect((await h.call('GET', `/api/v1/alert-rules/${mine.body.id}`, { token })).status).toBe(404);
  });
});
