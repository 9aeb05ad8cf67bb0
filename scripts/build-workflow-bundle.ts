import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { BUNDLE_DIR } from '../workers/create-workers.js';
import { WORKER_REGISTRY } from '../workers/registry.js';

/** Prebuilds each context's workflow bundle so production workers start without webpack. */
fs.mkdirSync(BUNDLE_DIR, { recursive: true });
for (const [context, entry] of Object.entries(WORKER_REGISTRY)) {
  const { code } = await bundleWorkflowCode({ workflowsPath: entry.workflowsPath });
  const file = path.join(BUNDLE_DIR, `${context}.js`);
  fs.writeFileSync(file, code);
  process.stdout.write(
    `workflow bundle: ${path.relative(process.cwd(), file)} (${(code.length / 1024).toFixed(0)} KiB)\n`,
  );
}
