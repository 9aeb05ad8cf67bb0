import type { Client } from '@temporalio/client';
import client from 'prom-client';
import { deliveryCounts } from '../db/notify/deliveries.js';
import { providerStates } from '../db/notify/provider-health.js';
import type { Db } from '../db/pool.js';
import { CONTEXTS, taskQueue } from '../temporal/task-queues.js';

/**
 * The API's Prometheus metrics: HTTP requests by route and status with latency, and gauges read
 * at scrape time (deliveries by channel and status, circuit breakers, executions by status, task
 * queue backlog). Workers export the SDK's own metrics (workflow and activity counts, latencies,
 * failures, by type) from WORKER_METRICS_ADDRESS.
 */
/** A scrape answers what it can: a source that is down leaves its gauge empty, not the scrape failed. */
async function tolerant(gauge: client.Gauge, read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch {
    gauge.reset();
  }
}

/**
 * `read` at most once per `ttlMs`: a scrape (or a storm of them, /metrics being reachable by anyone
 * with the token) reuses the last answer while it is fresh. A failed read is not kept.
 */
export function cachedFor<T>(ttlMs: number, read: () => Promise<T>, now = Date.now): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!last || now() - last.at >= ttlMs) {
      const value = read();
      const entry = { at: now(), value };
      last = entry;
      value.catch(() => {
        if (last === entry) last = undefined;
      });
    }
    return last.value;
  };
}

export function createMetrics(deps: {
  db: Db;
  temporal: Client;
  taskQueuePrefix: string;
  /** How long a gauge's reading is reused (15 s by default, about a scrape interval). */
  cacheMs?: number | undefined;
}) {
  const ttl = deps.cacheMs ?? 15_000;
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'sentinel_api_' });
  const registers = [registry];

  const http = new client.Histogram({
    name: 'sentinel_http_request_duration_seconds',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });

  new client.Gauge({
    name: 'sentinel_notification_deliveries',
    help: 'Notification deliveries by channel and status',
    labelNames: ['channel', 'status'] as const,
    registers,
    async collect() {
      await tolerant(this, async () => {
        const rows = await readDeliveries();
        this.reset();
        for (const r of rows) this.set({ channel: r.channel, status: r.status }, r.n);
      });
    },
  });

  // Both breaker gauges are collected in the same scrape (concurrently): one read serves both.
  const readBreakers = cachedFor(ttl, () => providerStates(deps.db));
  const readDeliveries = cachedFor(ttl, () => deliveryCounts(deps.db));
  const readExecutions = cachedFor(ttl, () => deps.temporal.workflow.count('GROUP BY ExecutionStatus'));
  const readBacklogs = cachedFor(ttl, async () => {
    const backlogs: { name: string; backlog: number }[] = [];
    for (const context of CONTEXTS) {
      const name = taskQueue(context, deps.taskQueuePrefix);
      const res = await deps.temporal.workflowService.describeTaskQueue({
        namespace: deps.temporal.options.namespace,
        taskQueue: { name },
        reportStats: true,
        // The enhanced mode is what reports stats; the SDK's proto marks it deprecated, not gone.
        apiMode: 1,
      });
      const backlog = Object.values(res.versionsInfo ?? {}).reduce(
        (sum, v) =>
          sum +
          Object.values(v.typesInfo ?? {}).reduce(
            (s, t) => s + Number(t.stats?.approximateBacklogCount ?? 0),
            0,
          ),
        0,
      );
      backlogs.push({ name, backlog });
    }
    return backlogs;
  });

  new client.Gauge({
    name: 'sentinel_circuit_breaker_state',
    help: 'Each provider circuit breaker: 1 for its current state (closed, open, half_open)',
    labelNames: ['provider', 'state'] as const,
    registers,
    async collect() {
      await tolerant(this, async () => {
        const rows = await readBreakers();
        this.reset();
        for (const r of rows)
          for (const state of ['closed', 'open', 'half_open'])
            this.set({ provider: r.provider, state }, r.state === state ? 1 : 0);
      });
    },
  });

  // The notify design's form of the same: one series per provider, 0 closed, 1 half open, 2 open.
  new client.Gauge({
    name: 'circuit_breaker_state',
    help: 'Circuit breaker state per provider (0=closed, 1=half_open, 2=open)',
    labelNames: ['service'] as const,
    registers,
    async collect() {
      await tolerant(this, async () => {
        const rows = await readBreakers();
        this.reset();
        for (const r of rows)
          this.set({ service: r.provider }, r.state === 'open' ? 2 : r.state === 'half_open' ? 1 : 0);
      });
    },
  });

  new client.Gauge({
    name: 'sentinel_workflow_executions',
    help: 'Workflow executions in Temporal visibility, by status',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      await tolerant(this, async () => {
        const counted = await readExecutions();
        this.reset();
        for (const g of counted.groups) this.set({ status: String(g.groupValues[0]) }, g.count);
      });
    },
  });

  new client.Gauge({
    name: 'sentinel_task_queue_backlog',
    help: 'Approximate workflow and activity tasks waiting in each context task queue',
    labelNames: ['task_queue'] as const,
    registers,
    async collect() {
      await tolerant(this, async () => {
        const backlogs = await readBacklogs();
        this.reset();
        for (const q of backlogs) this.set({ task_queue: q.name }, q.backlog);
      });
    },
  });

  /** One answered request (api/middleware/request-context.ts calls it). */
  const observe = (method: string, route: string, status: number, seconds: number) =>
    http.observe({ method, route, status: String(status) }, seconds);

  return { registry, observe };
}
