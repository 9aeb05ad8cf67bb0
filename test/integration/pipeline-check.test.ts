import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app.js';
import { createLogger } from '../../lib/logger.js';
import { OrgId } from '../../temporal/search-attributes.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { recordHistory } from '../helpers/histories.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ worker: true });
});
afterAll(() => h.close());

describe('pipeline check: API → Temporal → worker → Postgres', () => {
  it('starts a workflow through an authenticated route and the worker completes it', async () => {
    const { orgId, users } = await h.createOrg(['supervisor']);
    const started = await h.call('POST', '/api/v1/diagnostics/pipeline-checks', {
      token: users.supervisor.token,
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      status: 'pending',
      workflow_id: `pipeline-check-${started.body.id}`,
    });

    const done = await eventually(async () => {
      const res = await h.call('GET', `/api/v1/diagnostics/pipeline-checks/${started.body.id}`, {
        token: users.supervisor.token,
      });
      return res.body.status === 'completed' ? res.body : undefined;
    });
    expect(done.postgres_version).toMatch(/^\d+/);
    expect(done.completed_at).not.toBeNull();

    const handle = h.temporal.workflow.getHandle(started.body.workflow_id);
    expect(await handle.result()).toMatchObject({ checkId: started.body.id, status: 'completed' });
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(OrgId)).toBe(orgId);
    const audited = await h.db.oneFirst(sql.unsafe`
      SELECT count(*) FROM audit_events WHERE org_id = ${orgId} AND action = 'pipeline_check.started'`);
    expect(audited).toBe(1);

    recordHistory(started.body.workflow_id, 'pipeline-check.v1');
  });

  it('starts one run per Idempotency-Key, and refuses to start for a viewer', async () => {
    const { orgId, users } = await h.createOrg(['admin', 'viewer']);
    const headers = { 'idempotency-key': 'check-once-1' };
    const a = await h.call('POST', '/api/v1/diagnostics/pipeline-checks', {
      token: users.admin.token,
      headers,
    });
    const b = await h.call('POST', '/api/v1/diagnostics/pipeline-checks', {
      token: users.admin.token,
      headers,
    });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(
      await h.db.oneFirst(sql.unsafe`SELECT count(*) FROM pipeline_checks WHERE org_id = ${orgId}`),
    ).toBe(1);

    const viewer = await h.call('POST', '/api/v1/diagnostics/pipeline-checks', { token: users.viewer.token });
    expect(viewer.status).toBe(403);
  });

  it('answers 503 and writes nothing when Temporal is unreachable', async () => {
    const { orgId, users } = await h.createOrg(['admin']);
    const offline = createApp({
      config: h.config,
      db: h.db,
      cipher: h.cipher,
      temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
      log: createLogger({ level: 'silent' }),
    });
    const res = await offline.request('/api/v1/diagnostics/pipeline-checks', {
      method: 'POST',
      headers: { authorization: `Bearer ${users.admin.token}` },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('service_unavailable');
    expect(
      await h.db.oneFirst(sql.unsafe`SELECT count(*) FROM pipeline_checks WHERE org_id = ${orgId}`),
    ).toBe(0);
  });

  it('keeps checks of one organisation out of another’s reach', async () => {
    const a = await h.createOrg(['admin']);
    const b = await h.createOrg(['admin']);
    const started = await h.call('POST', '/api/v1/diagnostics/pipeline-checks', {
      token: a.users.admin.token,
    });
    const foreign = await h.call('GET', `/api/v1/diagnostics/pipeline-checks/${started.body.id}`, {
      token: b.users.admin.token,
    });
    expect(foreign.status).toBe(404);
  });
});
