import { randomBytes } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCustomer, revealPii } from '../../db/customers/customers.js';
import { FieldCipher } from '../../lib/field-encryption.js';
import { ensureSchedules } from '../../temporal/schedules.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { recordHistory } from '../helpers/histories.js';

const K1 = randomBytes(32).toString('base64');
const K2 = randomBytes(32).toString('base64');
const jwt = randomBytes(32).toString('hex');

/**
 * A rotation as it runs in production: during the roll-out one API still writes with v1 (it has
 * learnt v2) while another already writes with v2; both read everything; the pass re-seals; a
 * ring holding only v2 then opens every value.
 */
let before: Harness;
let after: Harness;
let org: Awaited<ReturnType<Harness['createOrg']>>;
beforeAll(async () => {
  before = await startHarness({
    cipher: FieldCipher.fromSpec(`1:${K1},2:${K2}`),
    config: { JWT_SECRET: jwt },
  });
  after = await startHarness({
    worker: true,
    cipher: FieldCipher.fromSpec(`2:${K2},1:${K1}`),
    config: { JWT_SECRET: jwt },
  });
  org = await before.createOrg(['admin', 'supervisor', 'analyst', 'viewer']);
});
afterAll(async () => {
  await after?.close();
  await before?.close();
});

const sealedColumns = (h: Harness, id: string) =>
  h.db.one(
    sql.type(
      z.object({
        date_of_birth_enc: z.string().nullable(),
        national_id_enc: z.string().nullable(),
        plain: z.string().nullable(),
      }),
    )`SELECT date_of_birth_enc, national_id_enc, date_of_birth::text AS plain FROM customers WHERE id = ${id}`,
  );

const newCustomer = (h: Harness, body: Record<string, unknown>) =>
  h.call('POST', '/api/v1/customers', {
    token: org.users.admin.token,
    body: {
      external_id: `c-${randomBytes(4).toString('hex')}`,
      first_name: 'Jo',
      last_name: 'Bloggs',
      ...body,
    },
  });

describe('field encryption', () => {
  it('seals national id and date of birth at rest; shows them whole only to pii:read, masked to others', async () => {
    const created = await newCustomer(before, { date_of_birth: '1986-04-12', national_id: 'QQ 12 34 56 C' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ date_of_birth: '1986-04-12', national_id: 'QQ 12 34 56 C' });
    const id = created.body.id as string;

    const stored = await sealedColumns(before, id);
    expect(stored.date_of_birth_enc).toMatch(/^v1:/);
    expect(stored.national_id_enc).toMatch(/^v1:/);
    expect(stored.plain).toBeNull();
    const raw = await before.db.oneFirst(sql.type(z.object({ t: z.string() }))`
      SELECT row_to_json(c)::text AS t FROM customers c WHERE id = ${id}`);
    expect(raw).not.toMatch(/1986|QQ 12/);

    const seen = async (h: Harness, role: 'supervisor' | 'analyst' | 'viewer') =>
      (await h.call('GET', `/api/v1/customers/${id}`, { token: org.users[role].token })).body;
    expect(await seen(before, 'supervisor')).toMatchObject({
      date_of_birth: '1986-04-12',
      national_id: 'QQ 12 34 56 C',
    });
    for (const role of ['analyst', 'viewer'] as const) {
      expect(await seen(before, role)).toMatchObject({
        date_of_birth: '****-**-**',
        national_id: '*********',
      });
    }
    // The other API (v2 active) opens v1 values.
    expect(await seen(after, 'supervisor')).toMatchObject({ national_id: 'QQ 12 34 56 C' });

    // A patch seals the changed field only; clearing it stores null.
    const patched = await after.call('PATCH', `/api/v1/customers/${id}`, {
      token: org.users.admin.token,
      body: { national_id: null },
    });
    expect(patched.body).toMatchObject({ national_id: null, date_of_birth: '1986-04-12' });
    expect((await sealedColumns(after, id)).national_id_enc).toBeNull();
  });

  it('rejects a malformed national id with its field path and writes nothing', async () => {
    const bad = await newCustomer(before, {
      external_id: 'bad-nid',
      national_id: "'; DROP TABLE customers; --",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'body.national_id' })]),
    );
    const count = await before.db.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM customers WHERE org_id = ${org.orgId} AND external_id = 'bad-nid'`);
    expect(count).toBe(0);
  });

  it('re-seals every value under the active key without downtime, then the old key can go', async () => {
    const v1 = await newCustomer(before, { date_of_birth: '1979-11-03', national_id: '1 79 11 75 115 042' });
    const v2 = await newCustomer(after, { date_of_birth: '1992-07-28', national_id: '078-05-1120' });
    expect((await sealedColumns(after, v2.body.id)).national_id_enc).toMatch(/^v2:/);
    // Both APIs read both rows during the roll-out.
    for (const h of [before, after]) {
      for (const c of [v1, v2]) {
        const got = await h.call('GET', `/api/v1/customers/${c.body.id}`, {
          token: org.users.supervisor.token,
        });
        expect(got.body.national_id).toBe(c.body.national_id);
      }
    }
    // A row from before encryption: plaintext date of birth, sealed by the pass.
    const legacyId = await after.db.oneFirst(sql.type(z.object({ id: z.string() }))`
      INSERT INTO customers (org_id, external_id, first_name, last_name, date_of_birth)
      VALUES (${org.orgId}, 'legacy-1', 'Old', 'Row', '1950-01-02') RETURNING id`);
    const legacy = await after.call('GET', `/api/v1/customers/${legacyId}`, {
      token: org.users.supervisor.token,
    });
    expect(legacy.body.date_of_birth).toBe('1950-01-02');

    const status = await after.call('GET', '/api/v1/admin/encryption', { token: org.users.admin.token });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ active_version: 2, key_versions: [2, 1], plaintext_values: 1 });
    expect(status.body.stale_values).toBeGreaterThanOrEqual(3);
    expect(
      (await after.call('GET', '/api/v1/admin/encryption', { token: org.users.supervisor.token })).status,
    ).toBe(403);

    const started = await after.call('POST', '/api/v1/admin/encryption/rotate', {
      token: org.users.admin.token,
    });
    expect(started.status).toBe(202);
    expect(started.body.workflow_id).toBe(`field-encryption-${org.orgId}`);
    const result = await after.temporal.workflow.getHandle(started.body.workflow_id).result();
    expect(result.resealed).toBeGreaterThanOrEqual(2); // rows: the v1 one and the legacy one at least

    const done = await after.call('GET', '/api/v1/admin/encryption', { token: org.users.admin.token });
    expect(done.body).toMatchObject({ stale_values: 0, plaintext_values: 0 });
    expect(Object.keys(done.body.sealed_values)).toEqual(['2']);

    // With v1 retired, every value still opens.
    const retired = FieldCipher.fromSpec(`2:${K2}`);
    for (const id of [v1.body.id, v2.body.id, legacyId]) {
      const row = (await getCustomer(after.db, org.orgId, id))!;
      expect(row.legacy_date_of_birth).toBeNull();
      expect(revealPii(retired, row).date_of_birth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(revealPii(retired, (await getCustomer(after.db, org.orgId, v1.body.id))!)).toEqual({
      date_of_birth: '1979-11-03',
      national_id: '1 79 11 75 115 042',
    });

    // A second pass finds nothing to do (idempotent), and the request is audited.
    const again = await after.call('POST', '/api/v1/admin/encryption/rotate', {
      token: org.users.admin.token,
    });
    expect(await after.temporal.workflow.getHandle(again.body.workflow_id).result()).toEqual({ resealed: 0 });
    const audited = await after.db.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM audit_events WHERE org_id = ${org.orgId} AND action = 'encryption.rotation_started'`);
    expect(audited).toBe(2);
  });

  it('runs daily, and pages through an organisation a batch at a time', async () => {
    await ensureSchedules(after.temporal, after.prefix);
    const schedule = await after.temporal.schedule.getHandle(`${after.prefix}field-encryption`).describe();
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'rotateFieldEncryption' });

    const small = await before.createOrg(['admin']);
    for (const n of [1, 2, 3]) {
      const res = await before.call('POST', '/api/v1/customers', {
        token: small.users.admin.token,
        body: { external_id: `page-${n}`, first_name: 'P', last_name: `${n}`, national_id: `ID-000${n}` },
      });
      expect(res.status).toBe(201);
    }
    const result = await after.temporal.workflow.execute('rotateFieldEncryption', {
      taskQueue: `${after.prefix}platform`,
      workflowId: `${after.prefix}field-encryption-paged`,
      args: [{ orgId: small.orgId, batchSize: 1 }],
    });
    expect(result).toEqual({ resealed: 3 });
    recordHistory(`${after.prefix}field-encryption-paged`, 'rotate-field-encryption.v1');
  });

  it('scopes status and rotation to the caller’s organisation', async () => {
    const other = await after.createOrg(['admin']);
    const status = await after.call('GET', '/api/v1/admin/encryption', { token: other.users.admin.token });
    expect(status.body).toMatchObject({ sealed_values: {}, plaintext_values: 0, stale_values: 0 });
  });

  it('exports sealed fields in the clear and erases them', async () => {
    const c = await newCustomer(after, { date_of_birth: '2001-02-03', national_id: 'AB123456' });
    const exported = await after.call('GET', `/api/v1/customers/${c.body.id}/export`, {
      token: org.users.admin.token,
    });
    expect(exported.body.customer).toMatchObject({ date_of_birth: '2001-02-03', national_id: 'AB123456' });
    expect(JSON.stringify(exported.body)).not.toMatch(/_enc|v2:/);
    await after.call('POST', `/api/v1/customers/${c.body.id}/erase`, { token: org.users.admin.token });
    expect(await sealedColumns(after, c.body.id)).toEqual({
      date_of_birth_enc: null,
      national_id_enc: null,
      plain: null,
    });
  });
});
