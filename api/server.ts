import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { createDatabaseIfMissing } from '../db/ensure-database.js';
import { createDb } from '../db/pool.js';
import { refuseSuperuser } from '../db/role-check.js';
import { DEFAULT_DATABASE_URL, failClosed, loadConfig } from '../lib/config.js';
import { cipherFromConfig } from '../lib/field-encryption.js';
import { createLogger } from '../lib/logger.js';
import { startTracing } from '../lib/tracing.js';
import { createTemporalClient } from '../temporal/connection.js';
import { payloadCodecs } from '../temporal/payload-codec.js';
import { createApp } from './app.js';
import { EventHub } from './event-hub.js';

/** API process: connects to Postgres and Temporal, serves HTTP, and closes both on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  failClosed(config);
  // Before any client exists, so the Temporal client and HTTP spans find the provider.
  const tracing = startTracing({
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: config.OTEL_SERVICE_NAME ?? 'sentinel-api',
  });
  const log = createLogger({ level: config.LOG_LEVEL, name: 'api' });
  const databaseUrl = config.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  await createDatabaseIfMissing(databaseUrl);
  const db = await createDb(databaseUrl, { maximumPoolSize: config.DATABASE_POOL_SIZE });
  await refuseSuperuser(config.NODE_ENV, db);
  const jwtSecret = config.JWT_SECRET ?? randomBytes(32).toString('base64url');
  if (!config.JWT_SECRET) log.warn('JWT_SECRET is not set: tokens will not survive a restart');

  const cardHashKey = config.CARD_HASH_KEY ?? randomBytes(32).toString('base64url');
  if (!config.CARD_HASH_KEY)
    log.warn('CARD_HASH_KEY is not set: duplicate cards will not be recognised after a restart');

  const cipher = cipherFromConfig(config, (m) => log.warn(m));
  const codecs = payloadCodecs(config, cipher);
  const temporal = await createTemporalClient(config, codecs);
  const hub = new EventHub(databaseUrl, db, log);
  const app = createApp({
    config: { ...config, JWT_SECRET: jwtSecret, CARD_HASH_KEY: cardHashKey },
    db,
    cipher,
    temporal,
    log,
    hub,
    codec: codecs[0],
    consoleDir: path.resolve(config.CONSOLE_DIR),
  });
  const server = serve({ fetch: app.fetch, hostname: config.API_HOST, port: config.API_PORT }, (info) =>
    log.info(`API listening on http://${info.address}:${info.port}`),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'API stopping');
    server.close(() => {
      void Promise.allSettled([hub.close(), db.end(), temporal.connection.close(), tracing.shutdown()]).then(
        () => process.exit(0),
      );
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
