import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';

/** The classes of 500 an OpenAPI fuzzer found (issue 12, item 2): each is now the client's 4xx. */
let h: Harness;
let token: string;
beforeAll(async () => {
  h = await startHarness({ worker: true });
  token = (await h.createOrg(['admin'])).users.admin.token;
});
afterAll(() => h.close());

const issues = (res: { body: any }) => res.body.error.details.issues.map((i: { path: string }) => i.path);

describe('inputs that used to be 500s', () => {
  it('refuses a NUL character anywhere, with its field path', async () => {
    const body = await h.call('POST', '/api/v1/customers', {
      token,
      body: { external_id: 'a\u0000b', first_name: 'Ann', last_name: 'Lee', address: { city: 'x\u0000' } },
    });
    expect(body.status).toBe(400);
    expect(issues(body).sort()).toEqual(['body.address.city', 'body.external_id']);
    const query = await h.call('GET', '/api/v1/customers?search=a%00b', { token });
    expect(query.status).toBe(400);
    expect(issues(query)).toEqual(['query.search']);
  });

  it('refuses a NUL character in bodies that are one item or a batch', async () => {
    const at = new Date(Date.now() - 60_000).toISOString();
    const one = await h.call('POST', '/api/v1/interactions', {
      token,
      body: {
        customer_external_id: 'c-nul',
        timestamp: at,
        channel: 'chat',
        event_type: 'x',
        content: 'a\u0000b',
      },
    });
    expect(one.status).toBe(400);
    expect(issues(one)).toEqual(['body.content']);
    const batch = await h.call('POST', '/api/v1/interactions', {
      token,
      body: {
        interactions: [
          {
            customer_external_id: 'c-nul',
            timestamp: at,
            channel: 'chat',
            event_type: 'x',
            content: 'a\u0000b',
          },
        ],
      },
    });
    expect(batch.status).toBe(400);
    expect(issues(batch)).toEqual(['body.interactions[0].content']);
    const txns = await h.call('POST', '/api/v1/transactions', {
      token,
      body: {
        transactions: [
          {
            external_id: 'x\u0000',
            customer_id: crypto.randomUUID(),
            amount: '1.00',
            transaction_type: 'purchase',
            transaction_date: at,
          },
        ],
      },
    });
    expect(txns.status).toBe(400);
    expect(issues(txns)).toEqual(['body.transactions[0].external_id']);
  });

  it('bounds dates to years 0001–9999 and offsets to ±14:00', async () => {
    for (const [path, field] of [
      ['/api/v1/transactions?end_date=0000-01-01T00:00:00Z', 'query.end_date'],
      ['/api/v1/transactions?start_date=1000-01-01T00:00:00-23:59', 'query.start_date'],
      ['/api/v1/audit?to=0000-06-01T00:00:00Z', 'query.to'],
    ] as const) {
      const res = await h.call('GET', path, { token });
      expect(res.status).toBe(400);
      expect(issues(res)).toEqual([field]);
    }
    expect(
      (await h.call('GET', '/api/v1/transactions?end_date=9999-12-31T23:59:59Z', { token })).status,
    ).toBe(200);
  });

  it('refuses cursors Temporal would not recognise, at once', async () => {
    // Too long for the document is a 400; of its form but not a page token, a 422.
    for (const [cursor, status] of [
      ['a'.repeat(2000), 400],
      ['a'.repeat(500), 422],
      ['Zm9v', 422],
    ] as const) {
      for (const path of ['/api/v1/admin/workflows', '/api/v1/admin/jobs/failed']) {
        const started = Date.now();
        const res = await h.call('GET', `${path}?cursor=${cursor}`, { token });
        expect(res.status).toBe(status);
        expect(new Set(issues(res))).toEqual(new Set(['query.cursor']));
        expect(Date.now() - started).toBeLessThan(5000); // not a retried server error
      }
    }
  });

  it('resets in batch only with a filter, and can show what it would reset', async () => {
    const empty = await h.call('POST', '/api/v1/admin/workflows/reset-batch', {
      token,
      body: { query: {}, reason: 'bad deploy' },
    });
    expect(empty.status).toBe(400);
    expect(issues(empty)).toEqual(['body.query']);
    const check = await h.call('POST', '/api/v1/diagnostics/pipeline-checks', { token });
    await h.temporal.workflow.getHandle(check.body.workflow_id).result();
    const dry = await eventually(async () => {
      const res = await h.call('POST', '/api/v1/admin/workflows/reset-batch', {
        token,
        body: { query: { type: 'pipelineCheck' }, reason: 'bad deploy', dry_run: true },
      });
      return res.body.data?.length ? res : undefined;
    });
    expect(dry.body).toMatchObject({
      dry_run: true,
      data: [{ workflow_id: check.body.workflow_id, ok: true }],
    });
    const history = await h.temporal.workflow.getHandle(check.body.workflow_id).describe();
    expect(history.runId).toBe(dry.body.data[0].from_run_id); // nothing was reset

    // A closed run: terminate and signal are conflicts, not server errors.
    const terminate = await h.call('POST', `/api/v1/admin/workflows/${check.body.workflow_id}/terminate`, {
      token,
      body: { reason: 'cleanup' },
    });
    expect(terminate.status).toBe(409);
    expect(terminate.body.error.code).toBe('conflict');
  });
});
