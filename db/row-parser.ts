import ZodAccelerator from '@duplojs/zod-accelerator';
import { z } from 'zod';

type Parsed = { success: true; data: unknown } | { success: false; error: z.ZodError };

/** What is used of the compiler (its type declarations re-export without extensions, which NodeNext cannot follow). */
const compiler = ZodAccelerator as unknown as {
  build(schema: z.ZodTypeAny): { safeParse(row: unknown): { success: boolean; data?: unknown } };
};

/** String and number checks the compiler implements exactly as zod does (same test, same bounds). */
const FAITHFUL_STRING_CHECKS = new Set(['min', 'max', 'length', 'uuid', 'regex']);
const FAITHFUL_NUMBER_CHECKS = new Set(['int', 'min', 'max', 'finite']);

/** Whether every part of `schema` is one the compiler checks as zod does, so both answer alike. */
export function compilesFaithfully(schema: z.ZodTypeAny): boolean {
  const def = schema._def as Record<string, unknown>;
  if (schema instanceof z.ZodObject)
    return (
      (def.unknownKeys === 'strip' || def.unknownKeys === 'passthrough') &&
      def.catchall instanceof z.ZodNever &&
      Object.values(schema.shape as Record<string, z.ZodTypeAny>).every(compilesFaithfully)
    );
  if (schema instanceof z.ZodString)
    return !def.coerce && schema._def.checks.every((c) => FAITHFUL_STRING_CHECKS.has(c.kind));
  if (schema instanceof z.ZodNumber)
    return !def.coerce && schema._def.checks.every((c) => FAITHFUL_NUMBER_CHECKS.has(c.kind));
  if (schema instanceof z.ZodBoolean) return !def.coerce;
  // Not ZodOptional: the compiler drops an optional key whose value is null, where zod keeps it.
  if (schema instanceof z.ZodNullable) return compilesFaithfully(schema.unwrap() as z.ZodTypeAny);
  if (schema instanceof z.ZodArray)
    return (
      schema._def.minLength === null &&
      schema._def.maxLength === null &&
      schema._def.exactLength === null &&
      compilesFaithfully(schema.element as z.ZodTypeAny)
    );
  if (schema instanceof z.ZodRecord)
    return (
      schema.keySchema instanceof z.ZodString &&
      compilesFaithfully(schema.keySchema as z.ZodTypeAny) &&
      compilesFaithfully(schema.valueSchema as z.ZodTypeAny)
    );
  return (
    schema instanceof z.ZodEnum ||
    schema instanceof z.ZodLiteral ||
    schema instanceof z.ZodUnknown ||
    schema instanceof z.ZodAny ||
    schema instanceof z.ZodNull
  );
}

const parsers = new WeakMap<z.ZodTypeAny, (row: unknown) => Parsed>();

/**
 * Validates a row as `schema` says, compiled once per schema: zod parses an object of twenty
 * columns in ~6 µs, so a page of 50 rows cost 300 µs; the compiled parser (@duplojs/zod-accelerator)
 * takes ~0.4 µs a row. Only schemas that compile faithfully are compiled
 * (test/unit/row-parser.test.ts compares both on every row schema in db/); the others, and the
 * issues of a row that fails, are zod's own.
 */
export function rowParser(schema: z.ZodTypeAny): (row: unknown) => Parsed {
  let parse = parsers.get(schema);
  if (!parse) {
    const zod = (row: unknown): Parsed => schema.safeParse(row);
    if (compilesFaithfully(schema)) {
      const compiled = compiler.build(schema);
      parse = (row) => {
        const fast = compiled.safeParse(row);
        return fast.success ? { success: true, data: fast.data } : zod(row);
      };
    } else parse = zod;
    parsers.set(schema, parse);
  }
  return parse;
}
