import { DELIVERY_DURATION_BUCKETS, METRIC } from '../activities/metrics.js';
import { DEFAULT_DATABASE_URL, failClosed, loadConfig } from '../lib/config.js';
import { cipherFromConfig } from '../lib/field-encryption.js';
import { createLogger } from '../lib/logger.js';
import { startTracing } from '../lib/tracing.js';
import { createDatabaseIfMissing } from '../db/ensure-database.js';
import { createDb } from '../db/pool.js';
import { refuseSuperuser } from '../db/role-check.js';
import { createTemporalClient, createWorkerConnection } from '../temporal/connection.js';
import { payloadCodecs } from '../temporal/payload-codec.js';
import { DEFAULT_THRESHOLDS } from '../workflows/triage/screening.js';
import { esignFromConfig, paymentsFromConfig } from '../activities/bail/providers/index.js';
import { providersFromConfig } from '../activities/notify/providers/index.js';
import { ensureSchedules } from '../temporal/schedules.js';
import { createWorkers } from './create-workers.js';
import { DefaultLogger, Runtime } from '@temporalio/worker';

/**
 * Worker process: serves every context's task queue (or those in WORKER_CONTEXTS, so each can run
 * as its own deployment). SIGINT/SIGTERM drain in-flight tasks before the pools close.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  failClosed(config);
  const tracing = startTracing({
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: config.OTEL_SERVICE_NAME ?? 'sentinel-worker',
  });
  const log = createLogger({ level: config.LOG_LEVEL, name: 'worker' });
  // The SDK's own log lines (an activity attempt that failed, a workflow task retried) go to the
  // worker's log at its level, not to the console.
  const sdkLevel = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN' } as const;
  Runtime.install({
    logger: new DefaultLogger(sdkLevel[config.LOG_LEVEL as keyof typeof sdkLevel] ?? 'ERROR', (e) => {
      const level =
        e.level === 'TRACE' ? 'trace' : (e.level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error');
      log[level]({ ...e.meta, sdk: true }, e.message);
    }),
    // Workflow and activity counts, latencies and failures by type, and task slots and polls.
    ...(config.WORKER_METRICS_ADDRESS && {
      telemetryOptions: {
        metrics: {
          prometheus: {
            bindAddress: config.WORKER_METRICS_ADDRESS,
            // Sentinel's own (activities/metrics.ts): delivery time in seconds, as the alert rules read it.
            histogramBucketOverrides: { [METRIC.deliveryDuration]: DELIVERY_DURATION_BUCKETS },
          },
        },
      },
    }),
  });
  const databaseUrl = config.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  await createDatabaseIfMissing(databaseUrl);
  const db = await createDb(databaseUrl, { maximumPoolSize: config.DATABASE_POOL_SIZE });
  await refuseSuperuser(config.NODE_ENV, db);
  const connection = await createWorkerConnection(config);
  const cipher = cipherFromConfig(config, (m) => log.warn(m));
  const codecs = payloadCodecs(config, cipher);
  const temporal = await createTemporalClient(config, codecs);
  const workers = await createWorkers({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    deps: {
      db,
      cipher,
      temporal,
      thresholds: { ...DEFAULT_THRESHOLDS, ...config.SCREENING_THRESHOLDS },
      providers: providersFromConfig(config),
      payments: paymentsFromConfig(config),
      esign: esignFromConfig(config),
      ...(config.LINK_SIGNING_KEY && { linkKey: config.LINK_SIGNING_KEY }),
      publicUrl: config.PUBLIC_URL ?? `http://127.0.0.1:${config.API_PORT}`,
      ...(config.APP_URL && { appUrl: config.APP_URL }),
      auditRetentionDays: config.AUDIT_RETENTION_DAYS,
      retention: {
        notificationDays: config.NOTIFICATION_RETENTION_DAYS,
        deliveryDays: config.DELIVERY_RETENTION_DAYS,
      },
    },
    contexts: config.WORKER_CONTEXTS.length ? config.WORKER_CONTEXTS : undefined,
    taskQueuePrefix: config.TASK_QUEUE_PREFIX,
    usePrebuiltBundles: config.NODE_ENV === 'production',
    tracing,
    payloadCodecs: codecs,
  });
  if (!config.WORKER_CONTEXTS.length || config.WORKER_CONTEXTS.includes('platform')) {
    await ensureSchedules(temporal, config.TASK_QUEUE_PREFIX);
  }
  log.info({ taskQueues: workers.map((w) => w.options.taskQueue) }, 'worker started');
  // Worker.run() installs SIGINT/SIGTERM handlers (Runtime shutdownSignals) that drain and resolve.
  await Promise.all(workers.map((w) => w.run()));
  await connection.close();
  await temporal.connection.close();
  await db.end();
  await tracing.shutdown();
  log.info('worker stopped');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
