import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { MetricMeter, MetricTags } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { countDelivery, countEvaluations, METRIC } from '../../activities/metrics.js';
import { PROJECT_ROOT } from '../../temporal/binaries.js';

const RULES = path.join(PROJECT_ROOT, 'deploy', 'prometheus', 'alerts.yml');
const DASHBOARD = path.join(PROJECT_ROOT, 'deploy', 'grafana', 'sentinel-dashboard.json');
const PROMTOOL = '/usr/bin/promtool';

/** What the API (/metrics) and the workers (activities/metrics.ts) export, and rules may read. */
const EXPORTED = new Set<string>([
  ...Object.values(METRIC),
  'circuit_breaker_state',
  'sentinel_task_queue_backlog',
  'sentinel_http_request_duration_seconds',
  'sentinel_workflow_executions',
  'sentinel_notification_deliveries',
]);
const PROMQL_WORDS = new Set(['sum', 'rate', 'by', 'max', 'histogram_quantile', 'increase', 'le', 'status']);
const metricsIn = (expr: string) =>
  [...expr.replace(/\{[^}]*\}|\[[^\]]*\]|\b\d[\w.]*/g, '').matchAll(/[a-z_][a-z0-9_]*/g)]
    .map((m) => m[0].replace(/_(bucket|sum|count)$/, ''))
    .filter(
      (w) => !PROMQL_WORDS.has(w) && !/^(channel|service|task_queue|alert_type|triggered|route)$/.test(w),
    );

/** A meter that keeps what activities record. */
function recordingMeter() {
  const seen: { name: string; value: number; tags: MetricTags }[] = [];
  const metric = (name: string) => ({
    name,
    unit: undefined,
    description: undefined,
    kind: 'counter' as const,
    valueType: 'int' as const,
    add: (value: number, tags: MetricTags = {}) => void seen.push({ name, value, tags }),
    record: (value: number, tags: MetricTags = {}) => void seen.push({ name, value, tags }),
    set: (value: number, tags: MetricTags = {}) => void seen.push({ name, value, tags }),
    withTags: () => metric(name),
  });
  const meter = {
    createCounter: metric,
    createHistogram: metric,
    createGauge: metric,
    withTags: () => meter,
  } as unknown as MetricMeter;
  return { meter, seen };
}

describe('monitoring', () => {
  it('ships alerting rules promtool accepts, over metrics Sentinel exports', () => {
    if (!fs.existsSync(PROMTOOL))
      throw new Error(`${PROMTOOL} is missing: npm run bootstrap installs it (Debian's prometheus)`);
    const out = execFileSync(PROMTOOL, ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(out).toContain('SUCCESS: 5 rules found');
    const exprs = [...fs.readFileSync(RULES, 'utf8').matchAll(/expr: (?:\|\n)?([\s\S]*?)\n\s+for:/g)].map(
      (m) => m[1]!,
    );
    expect(exprs).toHaveLength(5);
    for (const e of exprs)
      for (const name of metricsIn(e)) expect(EXPORTED, `${name} in ${e}`).toContain(name);
  });

  it('ships a Grafana dashboard whose panels query those metrics', () => {
    const dash = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as {
      uid: string;
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(dash.uid).toBe('sentinel-overview');
    expect(dash.panels.length).toBeGreaterThanOrEqual(6);
    for (const p of dash.panels) {
      expect(p.targets.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets)
        for (const name of metricsIn(t.expr)) expect(EXPORTED, p.title).toContain(name);
    }
  });

  it('counts deliveries and rule evaluations from inside activities', async () => {
    const { meter, seen } = recordingMeter();
    const env = new MockActivityEnvironment({}, { metricMeter: meter });
    await env.run(async () => {
      countDelivery('email', 'sent', 0.25);
      countEvaluations([
        { alertType: 'goal', triggered: true },
        { alertType: 'goal', triggered: false },
        { alertType: 'goal', triggered: false },
      ]);
    });
    // The SDK adds the activity's own tags (type, namespace, task queue) beside these.
    expect(seen).toEqual([
      {
        name: 'notifications_delivered_total',
        value: 1,
        tags: expect.objectContaining({ channel: 'email', status: 'sent' }),
      },
      {
        name: 'notification_delivery_duration_seconds',
        value: 0.25,
        tags: expect.objectContaining({ channel: 'email' }),
      },
      {
        name: 'alerts_evaluated_total',
        value: 1,
        tags: expect.objectContaining({ alert_type: 'goal', triggered: 'true' }),
      },
      {
        name: 'alerts_evaluated_total',
        value: 2,
        tags: expect.objectContaining({ alert_type: 'goal', triggered: 'false' }),
      },
    ]);
  });
});
