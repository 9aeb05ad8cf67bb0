import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courtRemindersWorkflowId } from '../../workflows/bail/ids.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { recordHistory } from '../helpers/histories.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ worker: true });
});
afterAll(() => h.close());

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

async function agency() {
  const { orgId, users } = await h.createOrg(['agent', 'viewer']);
  const token = users.agent.token;
  const client = await h.call('POST', '/api/v1/bail/clients', {
    token,
    body: {
      first_name: 'Dan',
      last_name: 'Defendant',
      phone: '+14155550111',
      email: 'dan@example.test',
      ssn: '123-45-6789',
      date_of_birth: '1990-04-01',
      emergency_contact: { name: 'Mia Defendant', relationship: 'sister', phone: '+14155550112' },
    },
  });
  expect(client.status).toBe(201);
  return { orgId, token, viewer: users.viewer.token, clientId: client.body.id as string };
}

async function writeBond(token: string, clientId: string, extra: Record<string, unknown> = {}) {
  const res = await h.call('POST', '/api/v1/bail/bonds', {
    token,
    body: {
      bond_number: `B-${Math.random().toString(36).slice(2, 10)}`,
      client_id: clientId,
      amount: '25000.00',
      premium: '2500.00',
      case_number: 'CR-2026-0042',
      charges: [{ code: 'PC 459', description: 'Burglary', severity: 'felony' }],
      indemnitors: [
        { first_name: 'Ira', last_name: 'Cosigner', phone: '+14155550113', relationship: 'father' },
      ],
      appearances: [
        {
          scheduled_at: inDays(7.5),
          time_zone: 'America/Los_Angeles',
          court_name: 'Superior Court Dept. 12',
          address: '850 Bryant St, San Francisco',
        },
      ],
      ...extra,
    },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; workflow_id: string; status: string };
}

describe('bail: clients, bonds and court dates', () => {
  it('keeps the SSN sealed and answers its last four digits only', async () => {
    const { orgId, token, viewer, clientId } = await agency();
    const stored = await h.db.one(sql.unsafe`SELECT national_id_enc FROM customers WHERE id = ${clientId}`);
    expect(String(stored.national_id_enc)).not.toContain('6789');
    const mine = await h.call('GET', `/api/v1/bail/clients/${clientId}`, { token });
    expect(mine.body).toMatchObject({ ssn_last4: null, status: 'active' }); // agents have no pii:read
    const { users } = await h.createOrg(['admin']);
    expect(
      (await h.call('GET', `/api/v1/bail/clients/${clientId}`, { token: users.admin.token })).status,
    ).toBe(404);
    const admin = await h.db.one(
      sql.unsafe`SELECT count(*)::int AS n FROM bail_clients WHERE org_id = ${orgId}`,
    );
    expect(admin.n).toBe(1);
    const list = await h.call('GET', '/api/v1/bail/clients?search=Defendant', { token: viewer });
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([clientId]);
    expect(JSON.stringify(list.body)).not.toContain('123-45');
  });

  it('records a whole read of a client in the same statement, and nothing for a customer who is not one', async () => {
    const { orgId, users } = await h.createOrg(['admin']);
    const token = users.admin.token;
    const client = await h.call('POST', '/api/v1/bail/clients', {
      token,
      body: { first_name: 'Pia', last_name: 'Defendant', phone: '+14155550121', ssn: '123-45-6780' },
    });
    expect(client.status).toBe(201);
    const plain = await h.call('POST', '/api/v1/customers', {
      token,
      body: { external_id: 'not-a-client', first_name: 'Ned', last_name: 'Plain' },
    });
    const viewed = (id: string) =>
      h.db.oneFirst(sql.unsafe`
        SELECT count(*)::int FROM audit_events
        WHERE org_id = ${orgId} AND action = 'customer.pii_viewed' AND resource_id = ${id}`);
    const before = await viewed(client.body.id);
    expect((await h.call('GET', `/api/v1/bail/clients/${client.body.id}`, { token })).body.ssn_last4).toBe(
      '6780',
    );
    expect(await viewed(client.body.id)).toBe(before + 1);
    expect((await h.call('GET', `/api/v1/bail/clients/${plain.body.id}`, { token })).status).toBe(404);
    expect(await viewed(plain.body.id)).toBe(0);
  });

  it('writes a bond whose court date starts its reminders, and posts it only when paid', async () => {
    const { orgId, token, clientId } = await agency();
    const bond = await writeBond(token, clientId);
    expect(bond).toMatchObject({ status: 'pending', workflow_id: courtRemindersWorkflowId(bond.id) });
    const run = h.temporal.workflow.getHandle(bond.workflow_id);
    await eventually(async () => ((await run.describe()).status.name === 'RUNNING' ? true : undefined));
    const started = await h.db.maybeOne(sql.unsafe`
      SELECT started_at FROM workflow_starts WHERE workflow_id = ${bond.workflow_id}`);
    expect(started?.started_at).not.toBeNull();
    // The client's page lists the bond.
    const client = await h.call('GET', `/api/v1/bail/clients/${clientId}`, { token });
    expect(client.body.bonds).toEqual([
      expect.objectContaining({ id: bond.id, status: 'pending', amount: '25000.00', premium: '2500.00' }),
    ]);

    const early = await h.call('POST', `/api/v1/bail/bonds/${bond.id}/transition`, {
      token,
      body: { status: 'active' },
    });
    expect(early.status).toBe(422);
    expect(early.body.error.message).toContain('premium 2500.00 not paid');
    const pay = await h.call('POST', `/api/v1/bail/bonds/${bond.id}/payments`, {
      token,
      headers: { 'idempotency-key': `prem-${bond.id}` },
      body: { amount: '2500.00', method: 'cash', reference: 'receipt 1' },
    });
    expect(pay.status).toBe(201);
    const again = await h.call('POST', `/api/v1/bail/bonds/${bond.id}/payments`, {
      token,
      headers: { 'idempotency-key': `prem-${bond.id}` },
      body: { amount: '2500.00', method: 'cash', reference: 'receipt 1' },
    });
    expect(again.body.id).toBe(pay.body.id);
    const posted = await h.call('POST', `/api/v1/bail/bonds/${bond.id}/transition`, {
      token,
      body: { status: 'active' },
    });
    expect(posted.status).toBe(200);
    expect(posted.body.status).toBe('active');
    const back = await h.call('POST', `/api/v1/bail/bonds/${bond.id}/transition`, {
      token,
      body: { status: 'active' },
    });
    expect(back.status).toBe(409);

    const detail = await h.call('GET', `/api/v1/bail/bonds/${bond.id}`, { token });
    expect(detail.body).toMatchObject({ paid: '2500.00', status: 'active' });
    expect(detail.body.appearances).toHaveLength(1);
    expect(detail.body.indemnitors[0]).toMatchObject({ relationship: 'father', first_name: 'Ira' });
    const audit = await h.db.anyFirst(sql.unsafe`
      SELECT action FROM audit_events WHERE org_id = ${orgId} AND action LIKE 'bail.%' ORDER BY created_at`);
    expect(audit).toEqual(
      expect.arrayContaining([
        'bail.client.created',
        'bail.bond.created',
        'bail.payment.recorded',
        'bail.bond.status_changed',
      ]),
    );
  });

  it('raises a missed court date to the agent and tells the client and indemnitor, until reinstated', async () => {
    const { orgId, token, clientId } = await agency();
    const bond = await writeBond(token, clientId);
    await h.call('POST', `/api/v1/bail/bonds/${bond.id}/payments`, {
      token,
      body: { amount: '2500.00', method: 'check' },
    });
    await h.call('POST', `/api/v1/bail/bonds/${bond.id}/transition`, { token, body: { status: 'active' } });
    const firstRun = await eventually(async () => {
      const d = await h.temporal.workflow
        .getHandle(bond.workflow_id)
        .describe()
        .catch(() => undefined);
      return d?.status.name === 'RUNNING' ? d.runId : undefined;
    });
    const detail = await h.call('GET', `/api/v1/bail/bonds/${bond.id}`, { token });
    const appearanceId = detail.body.appearances[0].id as string;

    const missed = await h.call('POST', `/api/v1/bail/bonds/${bond.id}/appearances/${appearanceId}/outcome`, {
      token,
      body: { outcome: 'missed', notes: 'no show at 9:00' },
    });
    expect(missed.status).toBe(200);
    const task = await eventually(async () => {
      const tasks = await h.call('GET', `/api/v1/bail/tasks?bond_id=${bond.id}&type=failure_to_appear`, {
        token,
      });
      return tasks.body.data[0];
    });
    expect(task).toMatchObject({ priority: 'critical', status: 'open' });
    const told = await eventually(async () => {
      const rows = await h.db.any(sql.unsafe`
        SELECT customer_id, critical FROM notifications WHERE org_id = ${orgId} AND kind = 'bail_failure_to_appear'`);
      return rows.length === 2 ? rows : undefined;
    });
    expect(told.every((r) => r.critical === true)).toBe(true);
    const fta = await h.call('GET', `/api/v1/bail/bonds/${bond.id}`, { token });
    expect(Date.parse(fta.body.forfeiture_due_at) - Date.parse(fta.body.failure_to_appear_at)).toBe(
      90 * 86_400_000,
    );

    const reinstated = await h.call('POST', `/api/v1/bail/bonds/${bond.id}/reinstate`, {
      token,
      body: { reason: 'Defendant surrendered' },
    });
    expect(reinstated.status).toBe(200);
    expect(reinstated.body.failure_to_appear_at).toBeNull();
    const open = await h.call('GET', `/api/v1/bail/tasks?bond_id=${bond.id}&status=open`, { token });
    expect(open.body.data).toEqual([]);
    // The run continued as new with nothing scheduled: it waits for the next court date.
    await eventually(async () => {
      const d = await h.temporal.workflow.getHandle(bond.workflow_id, firstRun).describe();
      return d.status.name === 'CONTINUED_AS_NEW' ? true : undefined;
    });
    recordHistory(bond.workflow_id, 'court-reminders.v1', firstRun);
    expect(
      (await h.call('POST', `/api/v1/bail/bonds/${bond.id}/reinstate`, { token, body: { reason: 'again' } }))
        .status,
    ).toBe(409);
  });

  it("runs a failure to appear on the agency's grace period, which only an admin sets", async () => {
    const { orgId, users } = await h.createOrg(['admin', 'agent']);
    const defaults = await h.call('GET', '/api/v1/bail/settings', { token: users.agent.token });
    expect(defaults.body).toEqual({ forfeiture_grace_days: 90, updated_at: null });
    const refused = await h.call('PUT', '/api/v1/bail/settings', {
      token: users.agent.token,
      body: { forfeiture_grace_days: 30 },
    });
    expect(refused.status).toBe(403);
    const bad = await h.call('PUT', '/api/v1/bail/settings', {
      token: users.admin.token,
      body: { forfeiture_grace_days: 0 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('body.forfeiture_grace_days');
    const set = await h.call('PUT', '/api/v1/bail/settings', {
      token: users.admin.token,
      body: { forfeiture_grace_days: 30 },
    });
    expect(set.body.forfeiture_grace_days).toBe(30);
    const audited = await h.db.one(sql.unsafe`
      SELECT before, after FROM audit_events WHERE org_id = ${orgId} AND action = 'bail.settings.updated'`);
    expect(audited).toEqual({ before: { forfeiture_grace_days: 90 }, after: { forfeiture_grace_days: 30 } });

    const token = users.agent.token;
    const client = await h.call('POST', '/api/v1/bail/clients', {
      token,
      body: { first_name: 'Gus', last_name: 'Grace', phone: '+14155550121' },
    });
    const bond = await writeBond(token, client.body.id);
    const detail = await h.call('GET', `/api/v1/bail/bonds/${bond.id}`, { token });
    const appearanceId = detail.body.appearances[0].id as string;
    await h.call('POST', `/api/v1/bail/bonds/${bond.id}/appearances/${appearanceId}/outcome`, {
      token,
      body: { outcome: 'missed' },
    });
    const fta = await eventually(async () => {
      const b = await h.call('GET', `/api/v1/bail/bonds/${bond.id}`, { token });
      return b.body.forfeiture_due_at ? b.body : undefined;
    });
    expect(Date.parse(fta.forfeiture_due_at) - Date.parse(fta.failure_to_appear_at)).toBe(30 * 86_400_000);
  });

  it('refuses bad input with field paths and never crosses organisations', async () => {
    const { token, clientId } = await agency();
    const bad = await h.call('POST', '/api/v1/bail/bonds', {
      token,
      body: {
        bond_number: 'has space',
        client_id: clientId,
        amount: '100.00',
        premium: '200.00',
        appearances: [{ scheduled_at: 'tomorrow', time_zone: 'Mars/Olympus', court_name: '' }],
      },
    });
    expect(bad.status).toBe(400);
    expect([...new Set(bad.body.error.details.issues.map((i: { path: string }) => i.path))].sort()).toEqual([
      'body.appearances[0].court_name',
      'body.appearances[0].scheduled_at',
      'body.appearances[0].time_zone',
      'body.bond_number',
      'body.premium',
    ]);
    const zoneless = await h.call('POST', '/api/v1/bail/clients', {
      token,
      body: { first_name: 'No', last_name: 'Zone', timezone: '' },
    });
    expect(zoneless.status).toBe(400);
    expect(zoneless.body.error.details.issues[0].path).toBe('body.timezone');
    const other = await agency();
    const foreign = await h.call('POST', '/api/v1/bail/bonds', {
      token: other.token,
      body: { bond_number: 'X-1', client_id: clientId, amount: '100.00', premium: '10.00' },
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.details.issues[0].path).toBe('body.client_id');
    const bond = await writeBond(token, clientId);
    expect((await h.call('GET', `/api/v1/bail/bonds/${bond.id}`, { token: other.token })).status).toBe(404);
    const dup = await h.call('POST', '/api/v1/bail/bonds', {
      token,
      body: { bond_number: 'DUP-1', client_id: clientId, amount: '100.00', premium: '10.00' },
    });
    expect(dup.status).toBe(201);
    const dup2 = await h.call('POST', '/api/v1/bail/bonds', {
      token,
      body: { bond_number: 'DUP-1', client_id: clientId, amount: '100.00', premium: '10.00' },
    });
    expect(dup2.status).toBe(409);
  });
});
