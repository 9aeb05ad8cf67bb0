import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSchedules } from '../../temporal/schedules.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { recordHistory } from '../helpers/histories.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ worker: true });
});
afterAll(() => h.close());

describe('schedules', () => {
  it('are created once, however many workers start', async () => {
    const ids = await ensureSchedules(h.temporal, h.prefix);
    expect(await ensureSchedules(h.temporal, h.prefix)).toEqual(ids);
    const described = await h.temporal.schedule.getHandle(`${h.prefix}maintain-partitions`).describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'maintainPartitions' });
  });

  it('keep transaction partitions three months ahead', async () => {
    const result = await h.temporal.workflow.execute('maintainPartitions', {
      taskQueue: `${h.prefix}platform`,
      workflowId: `${h.prefix}maintain-partitions-now`,
    });
    expect(result).toEqual({ created: expect.any(Number) });
    const ahead = new Date();
    ahead.setUTCMonth(ahead.getUTCMonth() + 3, 1);
    const name = `transactions_${ahead.getUTCFullYear()}_${String(ahead.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(await h.db.oneFirst(sql.unsafe`SELECT to_regclass(${name}) IS NOT NULL`)).toBe(true);
  });
});

describe('audit append-only (issue 11, item 8)', () => {
  it('refuses delete, update and truncate to the app role and to any session; the setting opens nothing', async () => {
    const org = await h.createOrg(['admin']);
    await h.db.query(sql.unsafe`
      INSERT INTO audit_events (org_id, actor_type, actor_id, action, resource_type, created_at)
      VALUES (${org.orgId}, 'system', 'test', 'tamper.probe', 'test', now() - interval '3000 days')`);
    const attempt = (statement: ReturnType<typeof sql.fragment>, role = false) =>
      h.db.transaction(async (t) => {
        if (role) await t.query(sql.unsafe`SET LOCAL ROLE sentinel_app`);
        await t.query(sql.unsafe`SELECT set_config('sentinel.audit_retention', 'on', true)`);
        await t.query(sql.unsafe`${statement}`);
      });
    const mine = sql.fragment`org_id = ${org.orgId}`;
    // The app role has no DELETE, UPDATE or TRUNCATE privilege at all.
    for (const statement of [
      sql.fragment`DELETE FROM audit_events WHERE ${mine}`,
      sql.fragment`UPDATE audit_events SET action = 'x' WHERE ${mine}`,
      sql.fragment`TRUNCATE audit_events`,
    ]) {
      await expect(attempt(statement, true)).rejects.toThrow(/permission denied/);
      // Even a session with more rights meets the triggers.
      await expect(attempt(statement)).rejects.toThrow(/append-only/);
    }
    // What the app role may do: append, read, and call the retention function.
    const count = await h.db.transaction(async (t) => {
      await t.query(sql.unsafe`SET LOCAL ROLE sentinel_app`);
      await t.query(sql.unsafe`
        INSERT INTO audit_events (org_id, actor_type, actor_id, action, resource_type)
        VALUES (${org.orgId}, 'system', 'test', 'tamper.probe', 'test')`);
      await t.query(sql.unsafe`SELECT audit_enforce_retention(365, 1000)`);
      return t.oneFirst(
        sql.unsafe`SELECT count(*)::int FROM audit_events WHERE ${mine} AND action = 'tamper.probe'`,
      );
    });
    expect(count).toBe(1); // the 3000-day-old row went through retention, the new one stayed
  });
});

describe('audit retention', () => {
  it('deletes audit events past retention, daily, and nothing else may delete them', async () => {
    const org = await h.createOrg(['admin']);
    const insert = (key: string, age: string) =>
      h.db.query(sql.unsafe`
        INSERT INTO audit_events (org_id, actor_type, actor_id, action, resource_type, dedup_key, created_at)
        VALUES (${org.orgId}, 'system', 'test', 'retention.probe', 'test', ${key}, now() - ${age}::interval)`);
    await insert(`${h.prefix}old`, '3000 days');
    await insert(`${h.prefix}new`, '1 day');
    const probe = sql.fragment`dedup_key = ${`${h.prefix}new`}`;
    await expect(h.db.query(sql.unsafe`DELETE FROM audit_events WHERE ${probe}`)).rejects.toThrow(
      /append-only/,
    );
    await ensureSchedules(h.temporal, h.prefix);
    const described = await h.temporal.schedule.getHandle(`${h.prefix}audit-retention`).describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'auditRetention' });
    const result = await h.temporal.workflow.execute('auditRetention', {
      taskQueue: `${h.prefix}platform`,
      workflowId: `${h.prefix}audit-retention-now`,
    });
    expect(result).toEqual({ deleted: expect.any(Number) });
    const left = await h.db.anyFirst(sql.unsafe`
      SELECT dedup_key FROM audit_events WHERE org_id = ${org.orgId} AND action = 'retention.probe'`);
    expect(left).toEqual([`${h.prefix}new`]);
  });
});

describe('notification retention (issue 14, item 6)', () => {
  it('archives notifications after 90 days and deletes delivery records after 180, daily', async () => {
    const org = await h.createOrg(['admin']);
    const token = org.users.admin.token;
    const customer = await h.call('POST', '/api/v1/customers', {
      token,
      body: { external_id: 'retention-1', first_name: 'Ola', last_name: 'Berg', email: 'ola@example.com' },
    });
    const notification = async (key: string, age: string) => {
      const id = await h.db.oneFirst(sql.unsafe`
        INSERT INTO notifications (org_id, customer_id, source, kind, title, message, dedup_key, created_at)
        VALUES (${org.orgId}, ${customer.body.id}, 'api', 'probe', 'Old', 'Old news', ${key}, now() - ${age}::interval)
        RETURNING id`);
      const delivery = await h.db.oneFirst(sql.unsafe`
        INSERT INTO notification_deliveries (org_id, notification_id, customer_id, channel, destination, status,
          created_at)
        VALUES (${org.orgId}, ${id}, ${customer.body.id}, 'email', 'ola@example.com', 'sent', now() - ${age}::interval)
        RETURNING id`);
      await h.db.query(sql.unsafe`
        INSERT INTO notification_attempts (org_id, delivery_id, attempt, outcome) VALUES (${org.orgId}, ${delivery}, 1, 'sent')`);
      return id as string;
    };
    const recent = await notification('recent', '10 days');
    const old = await notification('old', '100 days');
    const ancient = await notification('ancient', '200 days');

    const ids = await ensureSchedules(h.temporal, h.prefix);
    expect(ids).toContain(`${h.prefix}notification-retention`);
    const workflowId = `${h.prefix}notification-retention-now`;
    const result = await h.temporal.workflow.execute('notificationRetention', {
      taskQueue: `${h.prefix}notify`,
      workflowId,
    });
    expect(result).toMatchObject({ archived: expect.any(Number), deliveries: expect.any(Number) });
    recordHistory(workflowId, 'notification-retention.v1');

    const left = await h.db.any(sql.unsafe`
      SELECT n.id, n.deleted_at IS NOT NULL AS archived, count(d.id)::int AS deliveries
      FROM notifications n LEFT JOIN notification_deliveries d ON d.notification_id = n.id
      WHERE n.org_id = ${org.orgId} GROUP BY n.id`);
    expect(new Map(left.map((r) => [r.id, { archived: r.archived, deliveries: r.deliveries }]))).toEqual(
      new Map([
        [recent, { archived: false, deliveries: 1 }],
        [old, { archived: true, deliveries: 1 }],
      ]),
    );
    expect(left.map((r) => r.id)).not.toContain(ancient);
    // The archived one is out of the customer's inbox.
    const inbox = await h.call('GET', `/api/v1/customers/${customer.body.id}/notifications`, { token });
    expect(inbox.body.data.map((n: { id: string }) => n.id)).toEqual([recent]);
  });
});

describe('events retention (issue 28 item 8)', () => {
  it('deletes the stream’s events older than a week, daily', async () => {
    const org = await h.createOrg(['admin']);
    const insert = (age: string) =>
      h.db.oneFirst(sql.unsafe`
        INSERT INTO events (org_id, stream, type, payload, created_at)
        VALUES (${org.orgId}, 'alerts', 'retention_probe', '{}'::jsonb, now() - ${age}::interval) RETURNING id`);
    const old = await insert('8 days');
    const recent = await insert('1 day');
    const ids = await ensureSchedules(h.temporal, h.prefix);
    expect(ids).toContain(`${h.prefix}events-retention`);
    const workflowId = `${h.prefix}events-retention-now`;
    const result = await h.temporal.workflow.execute('eventsRetention', {
      taskQueue: `${h.prefix}platform`,
      workflowId,
    });
    expect(result).toEqual({ deleted: expect.any(Number) });
    recordHistory(workflowId, 'events-retention.v1');
    const left = await h.db.anyFirst(sql.unsafe`
      SELECT id FROM events WHERE org_id = ${org.orgId} AND type = 'retention_probe'`);
    expect(left).toEqual([recent]);
    expect(left).not.toContain(old);
  });
});
