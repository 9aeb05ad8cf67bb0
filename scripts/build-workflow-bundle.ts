import path from 'node:path';
import type { Context } from '../temporal/task-queues.js';
import { writeWorkflowBundle } from '../workers/create-workers.js';
import { WORKER_REGISTRY } from '../workers/registry.js';

/** Prebuilds each context's workflow bundle so production workers start without webpack. */
for (const context of Object.keys(WORKER_REGISTRY) as Context[]) {
  for (const file of await writeWorkflowBundle(context))
    process.stdout.write(`workflow bundle: ${path.relative(process.cwd(), file)}\n`);
}
