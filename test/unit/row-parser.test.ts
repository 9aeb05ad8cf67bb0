/// <reference types="vite/client" />
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compile, compilesFaithfully, COMPILE_AFTER, parseRow } from '../../db/row-parser.js';

// Every zod object a query module exports: the schemas rows are parsed with.
const modules = import.meta.glob<Record<string, unknown>>('../../db/**/*.ts', { eager: true });
const rowSchemas = Object.entries(modules).flatMap(([file, exports]) =>
  Object.entries(exports)
    .filter((e): e is [string, z.AnyZodObject] => e[1] instanceof z.ZodObject)
    .map(([name, schema]) => ({ name: `${file.replace('../../db/', '')} ${name}`, schema })),
);

/** A value the schema accepts, where one is easy to make (a regex may not be met: both then refuse). */
function sample(schema: z.ZodTypeAny): unknown {
  if (schema instanceof z.ZodObject)
    return Object.fromEntries(
      Object.entries(schema.shape as Record<string, z.ZodTypeAny>).map(([k, v]) => [k, sample(v)]),
    );
  if (schema instanceof z.ZodNullable || schema instanceof z.ZodOptional)
    return sample(schema.unwrap() as z.ZodTypeAny);
  if (schema instanceof z.ZodString) {
    if (schema.isUUID) return randomUUID();
    return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
  }
  if (schema instanceof z.ZodNumber) return Math.max(1, schema.minValue ?? 1);
  if (schema instanceof z.ZodBoolean) return true;
  if (schema instanceof z.ZodEnum) return (schema.options as string[])[0];
  if (schema instanceof z.ZodLiteral) return schema.value as unknown;
  if (schema instanceof z.ZodArray) return [sample(schema.element as z.ZodTypeAny)];
  if (schema instanceof z.ZodRecord) return { k: sample(schema.valueSchema as z.ZodTypeAny) };
  return null;
}

const WRONG = [
  undefined,
  null,
  0,
  1.5,
  -1,
  Number.NaN,
  '',
  'x',
  randomUUID(),
  true,
  {},
  [],
  [1],
  { a: 1 },
  { lat: 1, lon: 2, accuracy: 3 },
];

describe('compiled row parsing', () => {
  it('finds the row schemas and compiles most of them', () => {
    expect(rowSchemas.length).toBeGreaterThan(40);
    const compiled = rowSchemas.filter((s) => compilesFaithfully(s.schema));
    expect(compiled.length / rowSchemas.length).toBeGreaterThan(0.8);
  });

  it('answers as zod does for every row schema in db/, valid rows and rows with a wrong field', () => {
    let compared = 0;
    for (const { name, schema } of rowSchemas) {
      const parse = compile(schema) ?? ((row: unknown) => schema.safeParse(row));
      const valid = sample(schema) as Record<string, unknown>;
      const rows = [valid, { ...valid, not_a_column: 'dropped' }];
      for (const key of Object.keys(valid)) for (const v of WRONG) rows.push({ ...valid, [key]: v });
      for (const row of rows) {
        const ours = parse(row);
        const zods = schema.safeParse(row);
        expect({ name, row, success: ours.success }).toEqual({ name, row, success: zods.success });
        if (ours.success && zods.success)
          expect({ name, row, data: ours.data }).toEqual({ name, row, data: zods.data });
        if (!ours.success && !zods.success) expect(ours.error.issues).toEqual(zods.error.issues);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('compiles a schema only once it keeps coming back, answering alike before and after', () => {
    const schema = z.object({ id: z.string().uuid(), n: z.number().int() });
    const row = { id: randomUUID(), n: 3, extra: true };
    const answers = Array.from({ length: COMPILE_AFTER + 2 }, () => parseRow(schema, row));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual({ success: true, data: { id: row.id, n: 3 } });
    // The compiler marks a schema it has built.
    expect('accelerator' in schema).toBe(true);
    expect('accelerator' in z.object({ id: z.string() })).toBe(false);
    const refused = parseRow(schema, { id: 'x', n: 1.5 });
    expect(refused.success ? [] : refused.error.issues.map((i) => i.path.join('.'))).toEqual(['id', 'n']);
  });

  it('drops columns the schema does not name, as zod does', () => {
    const schema = z.object({ id: z.string().uuid(), amount: z.string() });
    expect(compilesFaithfully(schema)).toBe(true);
    const id = randomUUID();
    expect(compile(schema)!({ id, amount: '1.00', org_id: id })).toEqual({
      success: true,
      data: { id, amount: '1.00' },
    });
  });

  it('compiles the rows of the busiest reads', () => {
    const named = (n: string) => rowSchemas.find((s) => s.name === n)!.schema;
    for (const n of [
      'triage/alerts.ts alertRow',
      'customers/customers.ts customerRow',
      'triage/transactions.ts transactionRow',
    ])
      expect({ n, compiled: compilesFaithfully(named(n)) }).toEqual({ n, compiled: true });
  });

  it('keeps the null of an optional field, as zod does (the compiler would drop it)', () => {
    const schema = z.object({ code: z.string().nullable().optional(), description: z.string() });
    expect(compilesFaithfully(schema)).toBe(false);
    expect(compile(schema)).toBeNull();
    expect(parseRow(schema, { code: null, description: 'x' })).toEqual({
      success: true,
      data: { code: null, description: 'x' },
    });
  });

  it('leaves schemas with checks it does not compile to zod', () => {
    const schema = z.object({ email: z.string().email(), at: z.string().datetime() });
    expect(compilesFaithfully(schema)).toBe(false);
    expect(compile(schema)).toBeNull();
    const refused = parseRow(schema, { email: 'nope', at: 'yesterday' });
    expect(refused.success).toBe(false);
    expect(refused.success ? [] : refused.error.issues.map((i) => i.path.join('.'))).toEqual(['email', 'at']);
  });
});
