import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    worker: true,
    config: { METRICS_TOKEN: 'scrape-token-0123456789', METRICS_CACHE_SECONDS: 0 },
  });
});
afterAll(() => h.close());

const scrape = async () => {
  const res = await h.call('GET', '/metrics', {
    headers: { authorization: 'Bearer scrape-token-0123456789' },
  });
  expect(res.status).toBe(200);
  return res.body as string;
};
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : 0;
};

describe('GET /metrics', () => {
  it('asks for the token when one is configured', async () => {
    expect((await h.call('GET', '/metrics')).status).toBe(401);
    expect((await h.call('GET', '/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(
      401,
    );
  });

  it('moves when work happens: requests by route and status, deliveries by channel and status', async () => {
    const { users } = await h.createOrg(['admin']);
    const token = users.admin.token;
    const before = await scrape();
    const series =
      'sentinel_http_request_duration_seconds_count{method="GET",route="/api/v1/users",status="200"}';
    await h.call('GET', '/api/v1/users', { token });
    await h.call('GET', '/api/v1/users', { token });
    expect(value(await scrape(), series) - value(before, series)).toBe(2);

    const customer = await h.call('POST', '/api/v1/customers', {
      token,
      body: { external_id: 'metrics-1', first_name: 'Mo', last_name: 'Tri', email: 'mo@example.com' },
    });
    const inApp = 'sentinel_notification_deliveries{channel="in_app",status="delivered"}';
    const sent = await h.call('POST', '/api/v1/notifications', {
      token,
      body: {
        customer_id: customer.body.id,
        kind: 'budget_alert',
        title: 'T',
        message: 'M',
        dedup_key: 'metrics-1',
      },
    });
    expect(sent.status).toBe(202);
    await eventually(async () => (value(await scrape(), inApp) > value(before, inApp) ? true : undefined));
    const text = await scrape();
    expect(text).toMatch(/sentinel_workflow_executions\{status="(Running|Completed)"\} \d+/);
    expect(text).toContain(`sentinel_task_queue_backlog{task_queue="${h.prefix}notify"}`);
    expect(text).toContain('sentinel_api_process_cpu_user_seconds_total');
  });
});
