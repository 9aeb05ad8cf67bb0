import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { dropDatabase, ensureDatabase } from '../db/ensure-database.js';
import { migrate } from '../db/migrate.js';
import { createLogger } from '../lib/logger.js';
import { ALL_SEARCH_ATTRIBUTES } from '../temporal/search-attributes.js';
import { PROJECT_ROOT, temporalCliPath } from '../temporal/binaries.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
  }
}

/**
 * One Temporal dev server (the real one, on a free port) and one fresh, migrated database for the
 * whole run; both are removed at the end. Test files isolate themselves by organisation and by
 * task-queue prefix.
 */
export default async function setup(project: TestProject) {
  const log = createLogger({ name: 'test-setup', level: 'warn' });
  const database = await ensureDatabase({
    databaseUrl: process.env.TEST_DATABASE_URL,
    databaseName: `sentinel_test_${randomBytes(4).toString('hex')}`,
    dataDir: path.join(PROJECT_ROOT, '.data', 'test'),
    log,
  });
  await migrate(database.url);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ip: '127.0.0.1',
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      // The server's own warnings (a task cancelled as a test file's workers stop) are not the suite's.
      log: { format: 'pretty', level: 'never' },
    },
  });
  project.provide('databaseUrl', database.url);
  project.provide('temporalAddress', env.address);

  return async () => {
    await env.teardown();
    await dropDatabase(database.url);
    await database.stop();
  };
}
