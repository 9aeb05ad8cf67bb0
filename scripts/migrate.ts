import { createDatabaseIfMissing } from '../db/ensure-database.js';
import { migrate } from '../db/migrate.js';
import { DEFAULT_DATABASE_URL, loadConfig } from '../lib/config.js';
import { createLogger } from '../lib/logger.js';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (production runs it as a one-off job). */
const config = loadConfig();
const log = createLogger({ name: 'migrate', level: config.LOG_LEVEL });
const url = config.DATABASE_URL ?? DEFAULT_DATABASE_URL;
await createDatabaseIfMissing(url);
const applied = await migrate(url, log);
log.info(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
