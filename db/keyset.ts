import { sql, type FragmentSqlToken } from 'slonik';
import { decodeCursor, InvalidCursorError } from '../lib/pagination.js';

/** A sort column of a newest-first keyset: its SQL and the type its cursor value is cast to. */
export type KeyColumn = {
  column: FragmentSqlToken;
  type: 'timestamptz' | 'uuid' | 'int' | 'text' | 'numeric';
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A tampered cursor is a 400, never a database error.
const VALID: Record<KeyColumn['type'], (v: string | number) => boolean> = {
  timestamptz: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
  uuid: (v) => typeof v === 'string' && UUID.test(v),
  int: (v) => Number.isInteger(v),
  numeric: (v) => typeof v === 'number',
  text: (v) => typeof v === 'string',
};

// The type names Postgres knows as identifiers ("int" is only a keyword alias).
const SQL_TYPE: Record<KeyColumn['type'], string> = {
  timestamptz: 'timestamptz',
  uuid: 'uuid',
  int: 'int4',
  numeric: 'numeric',
  text: 'text',
};

const CREATED: KeyColumn[] = [
  { column: sql.fragment`created_at`, type: 'timestamptz' },
  { column: sql.fragment`id`, type: 'uuid' },
];

/**
 * The WHERE fragment for the page after `cursor`, for rows ordered by `columns` all DESC (id last).
 * A row comparison uses the matching composite index, so deep pages cost what the first does.
 */
export function keysetAfter(cursor: string | undefined, columns: KeyColumn[] = CREATED): FragmentSqlToken {
  if (!cursor) return sql.fragment`TRUE`;
  const key = decodeCursor(cursor, columns.length);
  const values = key.map((v, i) => {
    const type = columns[i]!.type;
    if (!VALID[type](v)) throw new InvalidCursorError();
    return sql.fragment`${v}::${sql.identifier([SQL_TYPE[type]])}`;
  });
  return sql.fragment`(${sql.join(
    columns.map((c) => c.column),
    sql.fragment`, `,
  )}) < (${sql.join(values, sql.fragment`, `)})`;
}
