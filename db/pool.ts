import {
  createPool,
  createTypeParserPreset,
  SchemaValidationError,
  type CommonQueryMethods,
  type DatabasePool,
  type Interceptor,
  type QueryResultRow,
  sql,
} from 'slonik';
import { z } from 'zod';
import { createPreparingPgDriverFactory } from './pg-driver.js';
import { parseRow } from './row-parser.js';

/** Validates every row of a `sql.type(schema)` query with its zod schema (compiled: db/row-parser.ts), so query modules are typed end to end. */
const resultParser: Interceptor = {
  name: 'result-parser',
  // Synchronous: row schemas have no async refinements, and a page of thousands of rows should not
  // cost thousands of promise turns.
  transformRow: (ctx, query, row) => {
    if (!ctx.resultParser) return row;
    const parsed = parseRow(ctx.resultParser, row);
    if (!parsed.success) throw new SchemaValidationError(query, row, parsed.error.issues);
    return parsed.data as QueryResultRow;
  },
};

// Money stays exact: numeric comes back as a string, never a float. Times come back as ISO 8601 strings.
const typeParsers = [
  ...createTypeParserPreset().filter(
    (p) => !['numeric', 'timestamptz', 'timestamp', 'int8'].includes(p.name),
  ),
  { name: 'numeric', parse: (v: string) => v },
  { name: 'int8', parse: (v: string) => Number.parseInt(v, 10) },
  // Keep Postgres' microseconds (a Date would drop them and break keyset cursors).
  { name: 'timestamptz', parse: (v: string) => v.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00') },
];

export type Db = DatabasePool;

export function createDb(
  url: string,
  opts: { maximumPoolSize?: number; interceptors?: Interceptor[] } = {},
): Promise<Db> {
  return createPool(url, {
    driverFactory: createPreparingPgDriverFactory(),
    interceptors: [...(opts.interceptors ?? []), resultParser],
    typeParsers,
    maximumPoolSize: opts.maximumPoolSize ?? 10,
    // Fail fast when Postgres is unreachable, so /health/ready answers promptly.
    connectionTimeout: 5_000,
    // slonik's default runs DISCARD ALL after every query, a statement per checkout. Sentinel
    // leaves no session state on pooled connections (settings and locks are transaction-local:
    // SET LOCAL, set_config(…, true), pg_advisory_xact_lock; LISTEN has its own client), so
    // there is nothing to reset.
    resetConnection: async () => {},
  });
}

/** What query modules take: the pool or a transaction, so callers can compose them atomically. */
export type Queryable = CommonQueryMethods;

/** Whether Postgres answers a query (readiness). */
export async function ping(db: Queryable): Promise<void> {
  await db.oneFirst(sql.type(z.object({ ok: z.number() }))`SELECT 1 AS ok`);
}
