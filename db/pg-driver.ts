import { Transform } from 'node:stream';
import pg from 'pg';
import QueryStream from 'pg-query-stream';
import { getTypeParser as defaultTypeParser } from 'pg-types';
import { parse as parseArray } from 'postgres-array';
import {
  BackendTerminatedError,
  BackendTerminatedUnexpectedlyError,
  CheckExclusionConstraintViolationError,
  CheckIntegrityConstraintViolationError,
  createDriverFactory,
  ForeignKeyIntegrityConstraintViolationError,
  IdleTransactionTimeoutError,
  InputSyntaxError,
  InvalidInputError,
  NotNullIntegrityConstraintViolationError,
  parseDsn,
  StatementCancelledError,
  StatementTimeoutError,
  UnexpectedStateError,
  UniqueIntegrityConstraintViolationError,
  type DriverConfiguration,
  type DriverFactory,
  type DriverTypeParser,
} from 'slonik';

/**
 * Names for statement texts, shared by every connection: a connection parses a named statement
 * once and later runs send only Bind and Execute, so Postgres neither parses nor (after five runs,
 * with a generic plan) plans it again. On a short read that is more than half of the database's
 * work. Texts are few (each query module's statements; a list of N values is one text per N), and
 * past the cap, or with many parameters, a text runs unnamed as before, so no connection holds an
 * unbounded number of prepared statements.
 */
const MAX_NAMED = 500;
const MAX_PARAMETERS = 64;
const names = new Map<string, string | null>();

function statementName(text: string, values: readonly unknown[]): string | undefined {
  const known = names.get(text);
  if (known !== undefined) return known ?? undefined;
  if (names.size >= MAX_NAMED || values.length > MAX_PARAMETERS) return undefined;
  const name = `sentinel_${names.size}`;
  names.set(text, name);
  return name;
}

/**
 * slonik's own pg driver (@slonik/pg-driver 47.3.2, which gives no way to name a statement), with
 * named statements: the client configuration, type parsers and error classes are as it makes them.
 */
export function createPreparingPgDriverFactory(): DriverFactory {
  return createDriverFactory(async ({ driverConfiguration }) => {
    const clientConfiguration: pg.ClientConfig = clientConfigurationOf(driverConfiguration);
    clientConfiguration.types = {
      getTypeParser: (await typeOverrides(clientConfiguration, driverConfiguration.typeParsers)) as never,
    };
    return {
      createPoolClient: ({ clientEventEmitter }) => {
        const client = new pg.Client(clientConfiguration);
        const onError = (error: Error) => clientEventEmitter.emit('error', wrapError(error, null));
        const onNotice = (notice: { message?: string }) => {
          if (notice.message) clientEventEmitter.emit('notice', { message: notice.message });
        };
        client.on('error', onError);
        client.on('notice', onNotice);
        return Promise.resolve({
          connect: async () => {
            await client.connect();
          },
          end: async () => {
            await client.end();
            client.removeListener('error', onError);
            client.removeListener('notice', onNotice);
          },
          query: async (sql, values = []) => {
            const name = statementName(sql, values);
            let result: pg.QueryResult<Record<string, unknown>>;
            try {
              // Extended protocol also for a text without parameters, which refuses two statements in
              // one (pg reads queryMode from each query, not from the client's configuration).
              const query: pg.QueryConfig<unknown[]> & { queryMode: 'extended' } = {
                text: sql,
                values,
                queryMode: 'extended',
                ...(name && { name }),
              };
              result = await client.query<Record<string, unknown>>(query);
            } catch (error) {
              // A migration changed what a prepared `SELECT *` returns: that text runs unnamed from now on.
              if (name && (error as { code?: string }).code === '0A000') names.set(sql, null);
              throw wrapError(error as Error, { sql, values: values as never });
            }
            if (Array.isArray(result)) {
              throw new InvalidInputError('Must not use multiple statements in a single query.');
            }
            return {
              command: result.command as never,
              fields: result.fields.map((field) => ({ dataTypeId: field.dataTypeID, name: field.name })),
              rowCount: result.rowCount,
              rows: result.rows,
            };
          },
          stream: (sql, values) => {
            const stream = client.query(new QueryStream(sql, values as unknown[]));
            let fields: { dataTypeId: number; name: string }[] = [];
            // `rowDescription` fires once the stream is read, and not at all on a syntax error.
            (client as unknown as { connection: NodeJS.EventEmitter }).connection.once(
              'rowDescription',
              (description: { fields: { dataTypeID: number; name: string }[] }) => {
                fields = description.fields.map((field) => ({
                  dataTypeId: field.dataTypeID,
                  name: field.name,
                }));
              },
            );
            const transform = new Transform({
              objectMode: true,
              transform(datum: Record<string, unknown>, _encoding, callback) {
                this.push({ fields, row: datum });
                callback();
              },
            });
            stream.on('error', (error: Error) => {
              transform.emit('error', wrapError(error, { sql, values: values as never }));
            });
            return stream.pipe(transform);
          },
        });
      },
    };
  });
}

function timeout(value: 'DISABLE_TIMEOUT' | number): number | undefined {
  if (value === 'DISABLE_TIMEOUT') return undefined;
  return value === 0 ? 1 : value;
}

function clientConfigurationOf(c: DriverConfiguration): pg.ClientConfig {
  const dsn = parseDsn(c.connectionUri);
  const config: pg.ClientConfig & { application_name?: string; options?: string } = {
    ...(dsn.applicationName !== undefined && { application_name: dsn.applicationName }),
    ...(dsn.databaseName !== undefined && { database: dsn.databaseName }),
    ...(dsn.host !== undefined && { host: dsn.host }),
    ...(dsn.options !== undefined && { options: dsn.options }),
    ...(dsn.password !== undefined && { password: dsn.password }),
    ...(dsn.port !== undefined && { port: dsn.port }),
    ...(dsn.username !== undefined && { user: dsn.username }),
    ssl: c.ssl
      ? c.ssl
      : dsn.sslMode === 'require'
        ? true
        : dsn.sslMode === 'no-verify'
          ? { rejectUnauthorized: false }
          : false,
  };
  const connect = timeout(c.connectionTimeout);
  if (connect !== undefined) config.connectionTimeoutMillis = connect;
  const statement = timeout(c.statementTimeout);
  if (statement !== undefined) config.statement_timeout = statement;
  const idle = timeout(c.idleInTransactionSessionTimeout);
  if (idle !== undefined) config.idle_in_transaction_session_timeout = idle;
  return config;
}

/** The configured parsers by type oid (and their arrays'), over pg-types' own. */
async function typeOverrides(config: pg.ClientConfig, parsers: readonly DriverTypeParser[]) {
  const client = new pg.Client(config);
  await client.connect();
  try {
    const types = (
      await client.query<{ oid: number; typarray: number; typname: string }>(
        'SELECT oid, typarray, typname FROM pg_type WHERE typname = ANY($1::text[])',
        [parsers.map((p) => p.name)],
      )
    ).rows;
    const byOid = new Map<number, (value: string) => unknown>();
    for (const parser of parsers) {
      const type = types.find((t) => t.typname === parser.name);
      if (!type) throw new Error(`Database type "${parser.name}" not found.`);
      byOid.set(type.oid, (value) => parser.parse(value));
      if (type.typarray) byOid.set(type.typarray, (value) => parseArray(value).map((v) => parser.parse(v)));
    }
    return (oid: number) => byOid.get(oid) ?? defaultTypeParser(oid);
  } finally {
    await client.end();
  }
}

/** As @slonik/pg-driver maps pg's errors to slonik's. */
function wrapError(error: Error, query: { sql: string; values: never } | null): Error {
  const message = error.message.toLowerCase();
  if (message.includes('connection terminated unexpectedly'))
    return new BackendTerminatedUnexpectedlyError(error);
  if (message.includes('connection terminated')) return new BackendTerminatedError(error);
  const code = (error as { code?: string }).code;
  if (code === undefined) return error;
  const e = error as never;
  switch (code) {
    case '22P02':
      return new InvalidInputError(error.message);
    case '25P03':
      return new IdleTransactionTimeoutError(e);
    case '57P01':
      return new BackendTerminatedError(e);
    case '57014':
      return error.message.includes('canceling statement due to user request')
        ? new StatementCancelledError(e)
        : new StatementTimeoutError(e);
    case '23502':
      return new NotNullIntegrityConstraintViolationError(e);
    case '23503':
      return new ForeignKeyIntegrityConstraintViolationError(e);
    case '23505':
      return new UniqueIntegrityConstraintViolationError(e);
    case '23P01':
      return new CheckExclusionConstraintViolationError(e);
    case '23514':
      return new CheckIntegrityConstraintViolationError(e);
    case '42601':
      return query
        ? new InputSyntaxError(e, query)
        : new UnexpectedStateError('Expected query to be provided');
    default:
      return error;
  }
}
