import path from 'node:path';
import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';

import { PROJECT_ROOT } from '../lib/paths.js';

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'db', 'migrations');

/**
 * Applies pending SQL migrations. node-pg-migrate takes a Postgres advisory lock for the run,
 * so two processes starting together never apply the same migration twice.
 */
export async function migrate(databaseUrl: string, log?: Logger): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    count: Infinity,
    checkOrder: true,
    singleTransaction: true,
    logger: {
      debug: () => undefined,
      info: (m: string) => log?.debug(m),
      warn: (m: string) => log?.warn(m),
      error: (m: string) => log?.error(m),
    },
  });
  return applied.map((m) => m.name);
}
