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

/**
 * The schema compiled, or null where it does not compile faithfully. Compiling costs ~100 µs, so
 * `parseRow` compiles only a schema that keeps coming back.
 */
export function compile(schema: z.ZodTypeAny): ((row: unknown) => Parsed) | null {
  if (!compilesFaithfully(schema)) return null;
  const compiled = compiler.build(schema);
  return (row) => {
    const fast = compiled.safeParse(row);
    // A failing row's issues are zod's own.
    return fast.success ? { success: true, data: fast.data } : schema.safeParse(row);
  };
}

/** Rows parsed with a schema before it is compiled: a schema made per call (`sql.type(z.object(…))` in a function) is gone before it pays back. */
export const COMPILE_AFTER = 32;
const seen = new WeakMap<
  z.ZodTypeAny,
  { uses: number; parse: ((row: unknown) => Parsed) | null | undefined }
>();

/**
 * Validates a row as `schema` says: zod parses an object of twenty columns in ~6 µs, so a page of
 * 50 rows cost 300 µs; the compiled parser (@duplojs/zod-accelerator) takes ~0.4 µs a row. A
 * schema is compiled once it has parsed COMPILE_AFTER rows, and only if it compiles faithfully
 * (test/unit/row-parser.test.ts compares both on every row schema in db/); until then, and for
 * the others, zod parses.
 */
export function parseRow(schema: z.ZodTypeAny, row: unknown): Parsed {
  let s = seen.get(schema);
  if (!s) seen.set(schema, (s = { uses: 0, parse: undefined }));
  if (s.parse === undefined && ++s.uses >= COMPILE_AFTER) s.parse = compile(schema);
  return s.parse ? s.parse(row) : schema.safeParse(row);
}
