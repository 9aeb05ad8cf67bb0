import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../temporal/binaries.js';
import { Domain, OrgId } from '../../temporal/search-attributes.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let token: string;
let orgId: string;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let fixed = false;
const charges = new Map<string, number>();

beforeAll(async () => {
  h = await startHarness();
  const org = await h.createOrg(['supervisor', 'analyst']);
  token = org.users.supervisor.token;
  orgId = org.orgId;
  connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  worker = await Worker.create({
    connection,
    taskQueue: `${h.prefix}ops`,
    workflowsPath: path.join(PROJECT_ROOT, 'test', 'fixtures', 'ops-workflows.ts'),
    activities: {
      chargeOnce: async (key: string) => void charges.set(key, (charges.get(key) ?? 0) + 1),
      flakyStep: async () => {
        if (!fixed) throw new Error('provider down');
        return 'done';
      },
    },
  });
  running = worker.run();
});
afterAll(async () => {
  worker.shutdown();
  await running;
  await connection.close();
  await h.close();
});

const start = (type: 'opsStuck' | 'opsFails', id: string) =>
  h.temporal.workflow.start(type, {
    taskQueue: `${h.prefix}ops`,
    workflowId: id,
    args: [id],
    typedSearchAttributes: [
      { key: OrgId, value: orgId },
      { key: Domain, value: 'platform' },
    ],
  });

describe('workflow operations', () => {
  it('lists a workflow stuck on a failing activity, resets it after the fix, and charges once', async () => {
    fixed = false;
    const id = `ops-stuck-${h.prefix}`;
    await start('opsStuck', id);
    const stuck = await eventually(async () => {
      const res = await h.call('GET', '/api/v1/admin/workflows/stuck?min_attempts=3', { token });
      return res.body.data.find((w: { workflow_id: string }) => w.workflow_id === id);
    });
    expect(stuck.reasons[0]).toMatch(/activity flakyStep has failed \d+ attempts: provider down/);
    expect(stuck.web_ui).toContain(`/workflows/${id}/`);

    const detail = await h.call('GET', `/api/v1/admin/workflows/${id}`, { token });
    expect(detail.body).toMatchObject({ type: 'opsStuck', status: 'running', pending_timers: [] });
    expect(detail.body.pending_activities[0]).toMatchObject({
      activity_type: 'flakyStep',
      last_failure: 'provider down',
    });
    expect(detail.body.pending_activities[0].attempt).toBeGreaterThanOrEqual(3);

    const listed = await eventually(async () => {
      const res = await h.call('GET', '/api/v1/admin/workflows?type=opsStuck&status=running', { token });
      return res.body.data.length ? res.body : undefined;
    });
    expect(listed.data.map((w: { workflow_id: string }) => w.workflow_id)).toEqual([id]);

    fixed = true;
    const bad = await h.call('POST', `/api/v1/admin/workflows/${id}/reset`, {
      token,
      body: { reason: 'fixed', to: 2 },
    });
    expect(bad.status).toBe(422);
    const reset = await h.call('POST', `/api/v1/admin/workflows/${id}/reset`, {
      token,
      body: { reason: 'provider fixed', to: 'last-workflow-task' },
    });
    expect(reset.status).toBe(200);
    expect(reset.body.run_id).not.toBe(detail.body.run_id);
    expect(await h.temporal.workflow.getHandle(id, reset.body.run_id).result()).toBe('done');
    expect(charges.get(id)).toBe(1);

    const audit = await h.call('GET', `/api/v1/audit?action=workflow.reset&resource_id=${id}`, { token });
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0]).toMatchObject({ resource_type: 'workflow' });
  });

  it('reviews failed runs and retries one after the fix', async () => {
    fixed = false;
    const id = `ops-fails-${h.prefix}`;
    const handle = await start('opsFails', id);
    await expect(handle.result()).rejects.toThrow();
    const failed = await eventually(async () => {
      const res = await h.call('GET', '/api/v1/admin/jobs/failed', { token });
      return res.body.data.find((w: { workflow_id: string }) => w.workflow_id === id);
    });
    expect(failed).toMatchObject({ type: 'opsFails', status: 'failed' });
    const stats = await eventually(async () => {
      const res = await h.call('GET', '/api/v1/admin/jobs/stats', { token });
      return res.body.data.find((r: { type: string }) => r.type === 'opsFails');
    });
    expect(stats).toMatchObject({ failed: 1 });

    fixed = true;
    const retried = await h.call('POST', `/api/v1/admin/jobs/retry/${id}`, { token });
    expect(retried.status).toBe(200);
    expect(await h.temporal.workflow.getHandle(id, retried.body.run_id).result()).toBe('done');
    expect((await h.call('POST', `/api/v1/admin/jobs/retry/${id}`, { token })).status).toBe(409);
  });

  it('signals, cancels and terminates, and batch-resets by filter', async () => {
    fixed = false;
    const ids = [`ops-a-${h.prefix}`, `ops-b-${h.prefix}`];
    for (const id of ids) await start('opsStuck', id);
    // Visibility is eventually consistent: wait until it shows exactly these two running.
    await eventually(async () => {
      const res = await h.call('GET', '/api/v1/admin/workflows?type=opsStuck&status=running', { token });
      const running = res.body.data.map((w: { workflow_id: string }) => w.workflow_id).sort();
      return JSON.stringify(running) === JSON.stringify([...ids].sort()) ? true : undefined;
    });
    // Each has charged and is retrying its failing step: a workflow task to reset to exists.
    for (const id of ids) {
      await eventually(async () => {
        const d = await h.call('GET', `/api/v1/admin/workflows/${id}`, { token });
        return d.body.pending_activities?.[0]?.activity_type === 'flakyStep' ? true : undefined;
      });
    }
    const batch = await h.call('POST', '/api/v1/admin/workflows/reset-batch', {
      token,
      body: { query: { type: 'opsStuck', status: 'running' }, reason: 'batch after fix' },
    });
    expect(batch.status).toBe(200);
    expect(
      batch.body.data.filter((r: { ok: boolean }) => !r.ok),
      'failed resets',
    ).toEqual([]);
    expect(
      batch.body.data
        .filter((r: { ok: boolean }) => r.ok)
        .map((r: { workflow_id: string }) => r.workflow_id)
        .sort(),
    ).toEqual([...ids].sort());
    // Only declared signals pass (api/signal-schemas.ts); the fixture declares none.
    const nudge = await h.call('POST', `/api/v1/admin/workflows/${ids[0]}/signal`, {
      token,
      body: { name: 'nudge' },
    });
    expect(nudge.status).toBe(404);
    expect(nudge.body.error.message).toBe('opsStuck has no signal "nudge"');
    expect((await h.call('POST', `/api/v1/admin/workflows/${ids[0]}/cancel`, { token })).status).toBe(202);
    const terminated = await h.call('POST', `/api/v1/admin/workflows/${ids[1]}/terminate`, {
      token,
      body: { reason: 'test over' },
    });
    expect(terminated.status).toBe(200);
    const desc = await h.temporal.workflow.getHandle(ids[1]!).describe();
    expect(desc.status.name).toBe('TERMINATED');
  });

  it('keeps organisations apart, asks for workflows:admin, and validates input', async () => {
    const id = `ops-stuck-${h.prefix}`;
    const other = (await h.createOrg(['admin'])).users.admin.token;
    expect((await h.call('GET', `/api/v1/admin/workflows/${id}`, { token: other })).status).toBe(404);
    expect(
      (
        await h.call('POST', `/api/v1/admin/workflows/${id}/terminate`, {
          token: other,
          body: { reason: 'nope' },
        })
      ).status,
    ).toBe(404);
    expect(
      (await h.call('GET', '/api/v1/admin/workflows?type=opsStuck', { token: other })).body.data,
    ).toEqual([]);
    expect((await h.call('GET', '/api/v1/admin/jobs/stats', { token: other })).body.data).toEqual([]);
    // Every admin route that names or lists executions sees only the caller's organisation.
    for (const [method, path, body] of [
      ['POST', `/api/v1/admin/workflows/${id}/reset`, { reason: 'nope', to: 'last-workflow-task' }],
      ['POST', `/api/v1/admin/workflows/${id}/cancel`, undefined],
      ['POST', `/api/v1/admin/workflows/${id}/signal`, { name: 'anything', args: [] }],
      ['POST', `/api/v1/admin/jobs/retry/ops-fails-${h.prefix}`, undefined],
      ['POST', `/api/v1/admin/alert-rules/evaluate-customer/${crypto.randomUUID()}`, undefined],
    ] as const) {
      expect({ path, status: (await h.call(method, path, { token: other, body })).status }).toEqual({
        path,
        status: 404,
      });
    }
    for (const path of ['/api/v1/admin/workflows/stuck', '/api/v1/admin/jobs/failed']) {
      expect((await h.call('GET', path, { token: other })).body.data).toEqual([]);
    }
    const batch = await h.call('POST', '/api/v1/admin/workflows/reset-batch', {
      token: other,
      body: { query: { type: 'opsStuck' }, reason: 'nope', to: 'last-workflow-task' },
    });
    expect(batch.status).toBe(200);
    expect(batch.body.data).toEqual([]);
    const analyst = (await h.createOrg(['analyst'])).users.analyst.token;
    expect((await h.call('GET', '/api/v1/admin/workflows', { token: analyst })).status).toBe(403);
    const bad = await h.call('GET', "/api/v1/admin/workflows?type=x'%20OR%20'1&status=stuck", { token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'query.status',
      'query.type',
    ]);
    const noReason = await h.call('POST', `/api/v1/admin/workflows/${id}/reset`, {
      token,
      body: { to: 'yesterday' },
    });
    expect(noReason.status).toBe(400);
  });
});
