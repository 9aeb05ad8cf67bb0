import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { createBond } from '../../commands/bail/create-bond.js';
import { createClient } from '../../commands/bail/create-client.js';
import type { PendingStart } from '../../db/platform/workflow-starts.js';
import { createOrganization } from '../../db/platform/organizations.js';
import { FieldCipher } from '../../lib/field-encryption.js';
import { PROJECT_ROOT } from '../../temporal/binaries.js';
import { dispatchStarts } from '../../temporal/clients/pending-starts.js';
import { createWorkers } from '../../workers/create-workers.js';
import { withBenchEnvironment } from './environment.js';
import { benchSleeper } from './workflows.js';

const CONCURRENCY = 20;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

async function inBatches<T>(items: readonly T[], one: (item: T, i: number) => Promise<void>) {
  for (let i = 0; i < items.length; i += CONCURRENCY)
    await Promise.all(items.slice(i, i + CONCURRENCY).map((item, j) => one(item, i + j)));
}

/** Runs `worker` until its `n` workflows are cached and it is quiet; answers the RSS growth. */
async function memoryWhenSleeping(worker: Worker, n: number): Promise<{ rss: number; cached: number }> {
  const before = process.memoryUsage().rss;
  let quiet = 0;
  let last = -1;
  let result = { rss: 0, cached: 0 };
  await worker.runUntil(async () => {
    const deadline = Date.now() + 15 * 60_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      const s = worker.getStatus();
      const idle = s.numInFlightActivities === 0 && s.numCachedWorkflows === last;
      last = s.numCachedWorkflows;
      quiet = idle && last > 0 ? quiet + 1 : 0;
      // Idle for two seconds with every run cached (or the cache full): all are sleeping.
      if (quiet >= 4 && (s.numCachedWorkflows >= n || quiet >= 20)) {
        result = { rss: process.memoryUsage().rss - before, cached: s.numCachedWorkflows };
        return;
      }
    }
    throw new Error('the workflows did not all reach their sleep within 15 minutes');
  });
  return result;
}

/**
 * `npm run bench -- bail`: BENCH_N (10,000) bonds written with a court date next month, their
 * courtReminders runs started after commit as the API starts them, beside as many starts of a
 * workflow that only sleeps; then the worker's memory once all are sleeping, beside the same for
 * the sleepers.
 */
export async function bailBench(): Promise<void> {
  const n = Number(process.env.BENCH_N ?? 10_000);
  await withBenchEnvironment({ poolSize: 20 }, async (env, db) => {
    const cipher = FieldCipher.ephemeral();
    const org = await createOrganization(db, `bench-${randomUUID()}`);
    const by = { type: 'system' as const, id: 'bench' };
    const clients: string[] = [];
    for (let i = 0; i < 100; i++) {
      const { customer } = await createClient(
        db,
        cipher,
        org.id,
        { first_name: 'Bench', last_name: `Client${i}`, phone: '+14155550100' },
        by,
      );
      clients.push(customer.id);
    }

    const starts: PendingStart[] = [];
    const day = 86_400_000;
    const t0 = performance.now();
    await inBatches(
      Array.from({ length: n }, (_, i) => i),
      async (i) => {
        const r = await createBond(
          db,
          cipher,
          org.id,
          {
            bond_number: `B-${i}`,
            client_id: clients[i % clients.length]!,
            amount: '10000.00',
            premium: '1000.00',
            currency: 'USD',
            charges: [{ description: 'bench' }],
            indemnitors: [],
            appearances: [
              {
                scheduled_at: new Date(Date.now() + (30 + (i % 30)) * day).toISOString(),
                time_zone: 'America/Chicago',
                court_name: 'Cook County Circuit Court',
              },
            ],
          },
          by,
        );
        starts.push(...r.starts);
      },
    );
    const writeSeconds = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    const dispatched = await dispatchStarts(env.client, db, starts, { prefix: 'bench-', deadlineMs: 30_000 });
    const startSeconds = (performance.now() - t1) / 1000;
    if (dispatched.failed) throw new Error(`${dispatched.failed} court-reminder starts failed`);

    const t2 = performance.now();
    await inBatches(
      Array.from({ length: n }, (_, i) => i),
      async (i) => {
        await env.client.workflow.start(benchSleeper, {
          taskQueue: 'bench-sleepers',
          workflowId: `bench-sleeper-${i}`,
        });
      },
    );
    const sleeperSeconds = (performance.now() - t2) / 1000;

    const sleepers = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'bench-sleepers',
      workflowsPath: path.join(PROJECT_ROOT, 'test', 'bench', 'workflows.ts'),
      activities: { noop: async () => undefined },
      maxCachedWorkflows: n,
    });
    const sleeping = await memoryWhenSleeping(sleepers, n);
    const [bail] = await createWorkers({
      connection: env.nativeConnection,
      namespace: 'default',
      deps: { db, cipher, temporal: env.client },
      contexts: ['bail'],
      taskQueuePrefix: 'bench-',
    });
    const reminding = await memoryWhenSleeping(bail!, n);

    const perSecond = (s: number) => (n / s).toFixed(0).padStart(9);
    process.stdout.write(
      [
        '',
        `bail benchmark, N=${n} bonds, ${CONCURRENCY} at a time`,
        `bonds written (bond + court date + audit + owed start)   ${perSecond(writeSeconds)} /s`,
        `courtReminders started after commit                     ${perSecond(startSeconds)} /s`,
        `baseline: a sleeping workflow started                   ${perSecond(sleeperSeconds)} /s`,
        `ratio starts / baseline                                 ${(sleeperSeconds / startSeconds).toFixed(2).padStart(9)}×`,
        `worker RSS growth, ${reminding.cached} courtReminders cached and sleeping  ${mb(reminding.rss).padStart(6)} MB`,
        `baseline: ${sleeping.cached} sleepers cached                          ${mb(sleeping.rss).padStart(6)} MB`,
        '',
      ].join('\n'),
    );
  });
}
