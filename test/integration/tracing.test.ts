import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { NativeConnection } from '@temporalio/worker';
import { createWorkers, writeWorkflowBundle } from '../../workers/create-workers.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { startTracing, type Tracing } from '../../lib/tracing.js';
import { startOtlpCollector } from '../fakes/otlp-collector.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';

/** Traces cross the API, Temporal and the worker as one, and log lines name them. */
let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
let tracing: Tracing;
let h: Harness;
const lines: Record<string, unknown>[] = [];
beforeAll(async () => {
  collector = await startOtlpCollector();
  tracing = startTracing({ endpoint: `${collector.url}/`, serviceName: 'sentinel-test' });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  h = await startHarness({
    worker: true,
    tracing,
    config: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url },
    log: createLogger({ level: 'info', destination: sink }),
  });
});
afterAll(async () => {
  await h?.close();
  await tracing?.shutdown();
  await collector?.close();
});

describe('tracing', () => {
  it('exports one trace from the HTTP request through the workflow to its activity, over OTLP', async () => {
    const { users } = await h.createOrg(['supervisor']);
    const started = await h.call('POST', '/api/v1/diagnostics/pipeline-checks', {
      token: users.supervisor.token,
    });
    expect(started.status).toBe(202);
    await h.temporal.workflow.getHandle(started.body.workflow_id).result();

    const trace = await eventually(async () => {
      await tracing.spanProcessor.forceFlush();
      const http = collector.spans().find((s) => s.name === 'POST /api/v1/diagnostics/pipeline-checks');
      if (!http) return undefined;
      const same = collector.spans().filter((s) => s.traceId === http.traceId);
      return same.some((s) => s.name === 'RunActivity:completePipelineCheck') ? { http, same } : undefined;
    });
    expect(trace.http).toMatchObject({
      service: 'sentinel-test',
      attributes: { 'http.route': '/api/v1/diagnostics/pipeline-checks', 'http.response.status_code': 202 },
    });
    const names = trace.same.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'StartWorkflow:pipelineCheck',
        'RunWorkflow:pipelineCheck',
        'StartActivity:completePipelineCheck',
        'RunActivity:completePipelineCheck',
      ]),
    );
    // The workflow run hangs under the request's span, not beside it.
    const byId = new Map(trace.same.map((s) => [s.spanId, s]));
    const ancestors = (name: string) => {
      const chain: string[] = [];
      for (let s = trace.same.find((x) => x.name === name); s?.parentSpanId; s = byId.get(s.parentSpanId)) {
        chain.push(byId.get(s.parentSpanId)?.name ?? '?');
      }
      return chain;
    };
    expect(ancestors('RunActivity:completePipelineCheck')).toContain(
      'POST /api/v1/diagnostics/pipeline-checks',
    );

    // The request's log line carries the same trace id.
    const line = lines.find((l) => l.msg === 'request' && l.route === '/api/v1/diagnostics/pipeline-checks');
    expect(line).toMatchObject({ trace_id: trace.http.traceId });
  });

  it('keeps answer-link tokens and SSE access tokens out of logs and traces', async () => {
    const token = '00000000-0000-4000-8000-000000000000.yes.9999999999.secret-signature';
    expect((await h.call('GET', `/api/v1/contact/${token}`)).status).toBe(404);
    expect((await h.call('GET', '/api/v1/stream/alerts?access_token=secret-jwt')).status).toBe(401);
    const spans = await eventually(async () => {
      await tracing.spanProcessor.forceFlush();
      const found = collector.spans().filter((s) => /contact|stream/.test(s.name));
      return found.length >= 2 ? found : undefined;
    });
    const recorded = JSON.stringify([spans, lines]);
    expect(recorded).not.toContain('secret-signature');
    expect(recorded).not.toContain('secret-jwt');
    expect(recorded).toContain('/api/v1/contact/[redacted]');
  });

  it('traces workflows from the prebuilt production bundles too', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sentinel-bundle-'));
    await writeWorkflowBundle('platform', dir);
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const prefix = `${h.prefix}bundle-`;
    const [worker] = await createWorkers({
      connection,
      namespace: 'default',
      deps: { db: h.db, cipher: h.cipher, temporal: h.temporal },
      contexts: ['platform'],
      taskQueuePrefix: prefix,
      usePrebuiltBundles: true,
      bundleDir: dir,
      tracing,
    });
    try {
      await worker!.runUntil(
        h.temporal.workflow.execute('maintainPartitions', {
          taskQueue: `${prefix}platform`,
          workflowId: `${prefix}maintain-partitions`,
        }),
      );
    } finally {
      await connection.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const names = await eventually(async () => {
      await tracing.spanProcessor.forceFlush();
      const run = collector.spans().find((s) => s.name === 'RunWorkflow:maintainPartitions');
      return (
        run &&
        collector
          .spans()
          .filter((s) => s.traceId === run.traceId)
          .map((s) => s.name)
      );
    });
    expect(names).toEqual(
      expect.arrayContaining(['StartWorkflow:maintainPartitions', 'RunActivity:ensureTransactionPartitions']),
    );
  });
});
