import type { PayloadCodec } from '@temporalio/common';
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Worker, type NativeConnection } from '@temporalio/worker';
import { PROJECT_ROOT } from '../temporal/binaries.js';
import { taskQueue, type Context } from '../temporal/task-queues.js';
import { startTracing, type Tracing } from '../lib/tracing.js';
import { OTEL_WORKFLOW_INTERCEPTORS, tracingWorkerOptions } from '../temporal/tracing.js';
import { WORKER_REGISTRY, type WorkerDeps } from './registry.js';

export const BUNDLE_DIR = path.join(PROJECT_ROOT, 'dist', 'workflow-bundles');

/**
 * Prebuilds one context's workflow bundles (`npm run build`): one plain, one carrying the tracing
 * interceptors (a worker given a bundle ignores its own workflow interceptor modules). Workers
 * load the traced one only when traces are exported: the interceptors cost each cached workflow
 * about 2 MB (`npm run bench -- bail`).
 */
export async function writeWorkflowBundle(context: Context, dir = BUNDLE_DIR): Promise<string[]> {
  const entry = WORKER_REGISTRY[context];
  if (!entry) throw new Error(`no worker is registered for context "${context}"`);
  fs.mkdirSync(dir, { recursive: true });
  const files = [];
  for (const traced of [false, true]) {
    const { code } = await bundleWorkflowCode({
      workflowsPath: entry.workflowsPath,
      workflowInterceptorModules: traced ? [OTEL_WORKFLOW_INTERCEPTORS] : [],
      logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
    });
    const file = bundleFile(dir, context, traced);
    fs.writeFileSync(file, code);
    files.push(file);
  }
  return files;
}

const bundleFile = (dir: string, context: Context, traced: boolean) =>
  path.join(dir, traced ? `${context}.traced.js` : `${context}.js`);

/**
 * One Worker per context's task queue. In production the workflow code comes from the bundle
 * `npm run build` prebuilt (no webpack at start); otherwise it is bundled from source.
 */
export async function createWorkers(opts: {
  connection: NativeConnection;
  namespace: string;
  deps: WorkerDeps;
  contexts?: Context[];
  taskQueuePrefix?: string;
  usePrebuiltBundles?: boolean;
  bundleDir?: string;
  /** Where workflow and activity spans go (lib/tracing.ts); default: nowhere. */
  tracing?: Pick<Tracing, 'enabled' | 'spanProcessor' | 'resource'>;
  /** Encrypt payloads (temporal/payload-codec.ts); the client's must match. */
  payloadCodecs?: PayloadCodec[];
}): Promise<Worker[]> {
  const tracing = opts.tracing ?? startTracing({ serviceName: 'sentinel-worker' });
  const contexts = opts.contexts ?? (Object.keys(WORKER_REGISTRY) as Context[]);
  return Promise.all(
    contexts.map(async (context) => {
      const entry = WORKER_REGISTRY[context];
      if (!entry) throw new Error(`no worker is registered for context "${context}"`);
      const bundlePath = bundleFile(opts.bundleDir ?? BUNDLE_DIR, context, tracing.enabled);
      const prebuilt = opts.usePrebuiltBundles && fs.existsSync(bundlePath);
      const workflowSource = prebuilt
        ? { workflowBundle: { codePath: bundlePath } }
        : { workflowsPath: entry.workflowsPath };
      return Worker.create({
        connection: opts.connection,
        namespace: opts.namespace,
        taskQueue: taskQueue(context, opts.taskQueuePrefix),
        ...workflowSource,
        ...tracingWorkerOptions(tracing, { inBundle: prebuilt }),
        activities: entry.activities({ ...opts.deps, taskQueuePrefix: opts.taskQueuePrefix ?? '' }),
        ...(opts.payloadCodecs?.length && { dataConverter: { payloadCodecs: opts.payloadCodecs } }),
      });
    }),
  );
}
