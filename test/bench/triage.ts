import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { createOrganization } from '../../db/platform/organizations.js';
import { raiseAlert } from '../../db/triage/alerts.js';
import { insertCustomer } from '../../db/customers/customers.js';
import { PROJECT_ROOT } from '../../temporal/binaries.js';
import { FieldCipher } from '../../lib/field-encryption.js';
import { createWorkers } from '../../workers/create-workers.js';
import { alertTriage } from '../../workflows/triage/alert-triage.js';
import { resolveUpdate } from '../../workflows/triage/messages.js';
import { benchNoop } from './workflows.js';
import { withBenchEnvironment } from './environment.js';

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function measure(n: number, one: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const t0 = performance.now();
      await one(i);
      latencies.push(performance.now() - t0);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: n / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

/**
 * `npm run bench -- triage`: N alerts triaged end to end (real dev server, Postgres, worker, all
 * four agents, resolution) beside a no-op workflow with the same activity shape, in the same run.
 */
export async function triageBench(): Promise<void> {
  const n = Number(process.env.BENCH_N ?? 40);
  await withBenchEnvironment({ poolSize: 20 }, async (env, db) => {
    const org = await createOrganization(db, `bench-${randomUUID()}`);
    const customer = await insertCustomer(
      db,
      org.id,
      {
        external_id: 'bench-1',
        first_name: 'Bench',
        last_name: 'Mark',
        kyc_status: 'verified',
      },
      FieldCipher.ephemeral(),
    );
    const alerts = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        raiseAlert(db, org.id, {
          customer_id: customer.id,
          transaction_id: null,
          card_id: null,
          alert_type: 'bench',
          priority: 'high',
          title: `bench alert ${i}`,
          description: null,
          data: {},
          dedup_key: `bench:${i}`,
        }),
      ),
    );
    const [triageWorker] = await createWorkers({
      connection: env.nativeConnection,
      namespace: 'default',
      deps: { db, cipher: FieldCipher.ephemeral(), temporal: env.client },
      contexts: ['triage'],
      taskQueuePrefix: 'bench-',
    });
    const noopWorker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'bench-noop',
      workflowsPath: path.join(PROJECT_ROOT, 'test', 'bench', 'workflows.ts'),
      activities: { noop: async () => undefined },
    });

    const run = async () => {
      const baseline = await measure(n, (i) =>
        env.client.workflow.execute(benchNoop, {
          taskQueue: 'bench-noop',
          workflowId: `bench-noop-${i}-${randomUUID()}`,
        }),
      );
      const triage = await measure(n, async (i) => {
        const alert = alerts[i]!.alert;
        const handle = await env.client.workflow.start(alertTriage, {
          taskQueue: 'bench-triage',
          workflowId: `triage-alert-${alert.id}`,
          args: [{ orgId: org.id, alertId: alert.id }],
        });
        await handle.executeUpdate(resolveUpdate, {
          args: [{ resolution: 'bench', actions_taken: [], actor: 'user:bench' }],
        });
        await handle.result();
      });
      return { baseline, triage };
    };
    const { baseline, triage } = await Promise.all([
      triageWorker!.runUntil(() => noopWorker.runUntil(run)),
    ]).then(([r]) => r);
    const fmt = (x: number) => x.toFixed(1).padStart(9);
    const rows = [
      ['', 'alerts/s', 'p50 ms', 'p95 ms'],
      ['alertTriage (5 agents)', fmt(triage.perSecond), fmt(triage.p50), fmt(triage.p95)],
      ['no-op, same activities', fmt(baseline.perSecond), fmt(baseline.p50), fmt(baseline.p95)],
      [
        'ratio triage / no-op',
        fmt(triage.perSecond / baseline.perSecond),
        fmt(triage.p50 / baseline.p50),
        fmt(triage.p95 / baseline.p95),
      ],
    ];
    process.stdout.write(`\ntriage benchmark, N=${n} concurrent alerts\n`);
    for (const r of rows)
      process.stdout.write(
        `${r[0]!.padEnd(26)}${r
          .slice(1)
          .map((c) => c.padStart(10))
          .join('')}\n`,
      );
  });
}
