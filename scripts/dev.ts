import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensureDatabase } from '../db/ensure-database.js';
import { migrate } from '../db/migrate.js';
import { createDb } from '../db/pool.js';
import { DEMO_ADMIN, seedDemo } from '../db/seed/demo.js';
import { parseConfig } from '../lib/config.js';
import { FieldCipher } from '../lib/field-encryption.js';
import { createLogger } from '../lib/logger.js';
import { PROJECT_ROOT } from '../temporal/binaries.js';
import { startDevServer, waitForTemporal, type DevServer } from '../temporal/dev-server.js';

/**
 * `npm run dev`: Postgres (the local one, or an embedded one), the Temporal dev server with
 * SQLite persistence and the Web UI, migrations, demo data once, then the worker and the API as
 * child processes. Ctrl-C stops them in reverse order; state under .data/ survives restarts.
 */
const DATA = path.join(PROJECT_ROOT, '.data');
const log = createLogger({ name: 'dev', level: 'info' });

function persistentSecret(file: string, make = () => randomBytes(32).toString('base64url')): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const secret = make();
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

function run(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.once('exit', (code, signal) => {
    if (!stopping) {
      log.error(`${name} exited (${signal ?? code}); stopping`);
      void shutdown(1);
    }
  });
  return child;
}

const stopExit = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode ? resolve() : child.once('exit', () => resolve()),
  );

let stopping = false;
const cleanups: (() => Promise<void>)[] = [];

async function shutdown(code = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info('stopping…');
  for (const cleanup of cleanups.reverse())
    await cleanup().catch((err: unknown) => log.warn({ err }, 'cleanup failed'));
  process.exit(code);
}

async function main(): Promise<void> {
  fs.mkdirSync(DATA, { recursive: true });
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  const config = parseConfig(process.env);

  const database = await ensureDatabase({ databaseUrl: config.DATABASE_URL, dataDir: DATA, log });
  cleanups.push(database.stop);
  const applied = await migrate(database.url, log);
  if (applied.length) log.info(`migrations applied: ${applied.join(', ')}`);

  let temporal: DevServer | undefined;
  const explicitTemporal = Boolean(process.env.TEMPORAL_ADDRESS);
  if (explicitTemporal) {
    await waitForTemporal(config.TEMPORAL_ADDRESS, 10_000);
  } else {
    temporal = await startDevServer({
      dbFile: path.join(DATA, 'temporal.db'),
      port: Number(config.TEMPORAL_ADDRESS.split(':').at(-1)),
      logFile: path.join(DATA, 'temporal.log'),
    });
    cleanups.push(temporal.stop);
  }

  const cardHashKey = config.CARD_HASH_KEY ?? persistentSecret(path.join(DATA, 'card-hash-key'));
  const encryptionKeys =
    config.ENCRYPTION_KEYS ??
    persistentSecret(path.join(DATA, 'encryption-keys'), () => `1:${randomBytes(32).toString('base64')}`);
  const db = await createDb(database.url, { maximumPoolSize: 2 });
  const seeded = await seedDemo(db, { cardHashKey, cipher: FieldCipher.fromSpec(encryptionKeys) });
  await db.end();

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Unset means production (which refuses local keys and providers); this is development.
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS,
    JWT_SECRET: config.JWT_SECRET ?? persistentSecret(path.join(DATA, 'jwt-secret')),
    CARD_HASH_KEY: cardHashKey,
    LINK_SIGNING_KEY: config.LINK_SIGNING_KEY ?? persistentSecret(path.join(DATA, 'link-signing-key')),
    ENCRYPTION_KEYS: config.ENCRYPTION_KEYS ?? encryptionKeys,
  };
  const worker = run('worker', 'workers/main.ts', env);
  cleanups.push(async () => {
    worker.kill('SIGINT'); // the worker drains in-flight tasks, then exits
    await stopExit(worker);
  });
  const api = run('api', 'api/server.ts', env);
  cleanups.push(async () => {
    api.kill('SIGTERM');
    await stopExit(api);
  });

  const apiUrl = `http://127.0.0.1:${config.API_PORT}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${apiUrl}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  const lines = [
    '',
    'Sentinel is running.',
    `  Console      ${apiUrl}/`,
    `  API          ${apiUrl}/api/v1`,
    `  API docs     ${apiUrl}/docs`,
    `  Health       ${apiUrl}/health/ready`,
    `  Temporal UI  ${temporal?.uiUrl ?? config.TEMPORAL_UI_URL}`,
    `  Postgres     ${database.url.replace(/:[^:@/]+@/, ':***@')}${database.embedded ? ' (embedded)' : ''}`,
    `  Demo login   ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}${seeded.created ? ' (demo data loaded)' : ''}`,
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err: unknown) => {
  log.error({ err }, 'dev failed to start');
  void shutdown(1);
});
