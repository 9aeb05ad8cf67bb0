import fs from 'node:fs';
import path from 'node:path';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { PROJECT_ROOT } from '../temporal/binaries.js';
import { taskQueue, type Context } from '../temporal/task-queues.js';
import { WORKER_REGISTRY, type WorkerDeps } from './registry.js';

export const BUNDLE_DIR = path.join(PROJECT_ROOT, 'dist', 'workflow-bundles');

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
}): Promise<Worker[]> {
  const contexts = opts.contexts ?? (Object.keys(WORKER_REGISTRY) as Context[]);
  return Promise.all(
    contexts.map(async (context) => {
      const entry = WORKER_REGISTRY[context];
      if (!entry) throw new Error(`no worker is registered for context "${context}"`);
      const bundlePath = path.join(BUNDLE_DIR, `${context}.js`);
      const workflowSource =
        opts.usePrebuiltBundles && fs.existsSync(bundlePath)
          ? { workflowBundle: { codePath: bundlePath } }
          : { workflowsPath: entry.workflowsPath };
      return Worker.create({
        connection: opts.connection,
        namespace: opts.namespace,
        taskQueue: taskQueue(context, opts.taskQueuePrefix),
        ...workflowSource,
        activities: entry.activities({ ...opts.deps, taskQueuePrefix: opts.taskQueuePrefix ?? '' }),
      });
    }),
  );
}
