import { randomBytes } from 'node:crypto';
import type { AppDeps } from '../../api/app.js';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { dropDatabase, ensureDatabase } from '../../db/ensure-database.js';
import { migrate } from '../../db/migrate.js';
import { createDb, type Db } from '../../db/pool.js';
import { createLogger } from '../../lib/logger.js';
import {
  claimTransactionKeys,
  insertTransactions,
  type TransactionInput,
} from '../../db/triage/transactions.js';
import { PROJECT_ROOT, temporalCliPath } from '../../temporal/binaries.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../temporal/search-attributes.js';

/** Stores benchmark transactions in chunks of 1,000, as POST /transactions would. */
export async function seedTransactions(db: Db, orgId: string, rows: TransactionInput[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const ids = await claimTransactionKeys(db, orgId, chunk);
    await insertTransactions(
      db,
      orgId,
      chunk.map((t) => ({ ...t, id: ids.get(t.external_id)! })),
    );
  }
}

/**
 * What every benchmark runs on: a fresh migrated database and a real Temporal dev server, both
 * removed when `run` ends.
 */
export async function withBenchEnvironment(
  opts: { poolSize: number },
  run: (env: TestWorkflowEnvironment, db: Db, databaseUrl: string) => Promise<void>,
): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const database = await ensureDatabase({
    databaseUrl: process.env.DATABASE_URL,
    databaseName: `sentinel_bench_${randomBytes(3).toString('hex')}`,
    dataDir: path.join(PROJECT_ROOT, '.data', 'bench'),
    log: createLogger({ level: 'warn' }),
  });
  await migrate(database.url);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
    },
  });
  const db = await createDb(database.url, { maximumPoolSize: opts.poolSize });
  try {
    await run(env, db, database.url);
  } finally {
    await db.end();
    await env.teardown();
    await dropDatabase(database.url);
    await database.stop();
  }
}

/** The API's configuration in a benchmark: fresh keys, and limits no benchmark's load can reach. */
export function benchAppConfig(): AppDeps['config'] {
  return {
    JWT_SECRET: randomBytes(32).toString('hex'),
    CARD_HASH_KEY: randomBytes(32).toString('hex'),
    JWT_ISSUER: 'sentinel-bench',
    ACCESS_TOKEN_TTL_SECONDS: 3600,
    REFRESH_TOKEN_TTL_SECONDS: 3600,
    CORS_ORIGINS: [],
    BODY_LIMIT_BYTES: 1024 * 1024,
    TASK_QUEUE_PREFIX: 'bench-',
    RATE_LIMIT_PER_USER: 1_000_000_000,
    RATE_LIMIT_PER_IP: 1_000_000_000,
    RATE_LIMIT_LOGIN_PER_IP: 1_000_000_000,
  };
}
