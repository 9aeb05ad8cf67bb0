import { z } from '@hono/zod-openapi';

/**
 * Adds JSON Schema keywords of OpenAPI 3.1 that the generator writes out but its types lack
 * (`propertyNames`), so the document says what the validation checks.
 */
export function documented<T extends z.ZodTypeAny>(schema: T, keywords: Record<string, unknown>): T {
  const withKeywords: T = schema.openapi(keywords as object);
  return withKeywords;
}

/** Money is a decimal string with at most 2 decimals ("1500.00"), never a float. */
export const Money = z
  .string()
  .regex(/^-?\d{1,14}(\.\d{1,2})?$/, 'must be a decimal string such as "1500.00"')
  .openapi({ example: '1500.00' });
// Signs as patterns rather than refinements, so the document says them too.
export const PositiveMoney = z
  .string()
  .regex(/^(?!0+(?:\.0+)?$)\d{1,14}(\.\d{1,2})?$/, 'must be a decimal string greater than zero')
  .openapi({ example: '1500.00' });
export const NonNegativeMoney = z
  .string()
  .regex(/^\d{1,14}(\.\d{1,2})?$/, 'must be a decimal string, not negative')
  .openapi({ example: '1500.00' });
export const NonZeroMoney = z
  .string()
  .regex(/^(?!-?0+(?:\.0+)?$)-?\d{1,14}(\.\d{1,2})?$/, 'must be a decimal string other than zero')
  .openapi({ example: '1500.00' });
export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
  .openapi({ example: 'USD' });

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
/** The IANA zones this runtime knows, as the document lists them (aliases are accepted too). */
const ZONES = [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])];
export const TimeZone = z
  .string()
  .refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris')
  .openapi({ enum: ZONES, example: 'Europe/Paris' });
/** A zone or null (the generator does not add null to an enum it was given). */
export const NullableTimeZone = TimeZone.nullable().openapi({ enum: [...ZONES, null] });
// Postgres' range, narrowed to what a calendar means: years 0001–9999, offsets within ±14:00.
const inRange = (v: string) => {
  const year = Number(v.slice(0, 4));
  const offset = /([+-])(\d\d):?(\d\d)$/.exec(v);
  return year >= 1 && year <= 9999 && (!offset || Number(offset[2]) * 60 + Number(offset[3]) <= 14 * 60);
};
export const IsoDateTime = z
  .string()
  .datetime({ offset: true })
  .refine(inRange, 'must be between 0001 and 9999, with an offset of at most ±14:00')
  .openapi({
    example: '2026-11-23T10:15:00Z',
    description: 'ISO 8601 with offset, years 0001–9999',
    // The range above, and the form zod reads (upper-case T and Z, offset as ±hh:mm).
    pattern:
      '^(?!0000)\\d{4}-\\d{2}-\\d{2}T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|[+-](?:(?:0\\d|1[0-3]):[0-5]\\d|14:00))$',
  });
export const IsoDate = z
  .string()
  .date()
  .refine(inRange, 'must be between 0001-01-01 and 9999-12-31')
  .openapi({ example: '2026-12-01', pattern: '^(?!0000)\\d{4}-\\d{2}-\\d{2}$' });

const EMAIL = /^(?!\.)(?!.*\.\.)[A-Za-z0-9_'+.-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;
/** An email address, as the document's pattern states it (zod's own check, without its `i` flag). */
export const Email = (max = 320) =>
  z
    .string()
    .max(max)
    .regex(EMAIL, 'must be an email address such as pat@example.com')
    .openapi({ example: 'pat@example.com' });
export const Uuid = z.string().uuid();

/** At most `max` characters, counted as Postgres and JSON Schema count them (code points, not UTF-16 units). */
const atMost = (max: number) =>
  [(v: string) => v.length <= max || [...v].length <= max, `must be at most ${max} characters`] as const;

/** Any text of at most `max` characters. */
export const Chars = (max: number) =>
  z
    .string()
    .refine(...atMost(max))
    .openapi({ maxLength: max });

/**
 * Text that must say something: trimmed, then 1–`max` characters. The document's pattern (a
 * character that is neither whitespace nor a BOM, which trim also drops) says what trim refuses.
 */
export const Text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .refine(...atMost(max))
    .openapi({ pattern: '[^\\s\\uFEFF]', maxLength: max });

const isLocale = (v: string) => {
  try {
    return Intl.getCanonicalLocales(v).length === 1;
  } catch {
    return false;
  }
};
/** A BCP 47 language tag such as "en", "es-MX" or "pt-BR". */
export const Locale = z
  .string()
  .min(2)
  .max(35)
  // Language, then an optional script and region: the tags templates are written for.
  .regex(
    /^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|\d{3}))?$/,
    'must be a language tag such as "es" or "es-MX"',
  )
  .refine(isLocale, 'must be a language tag such as "es" or "es-MX"')
  .openapi({ example: 'es-MX' });

export const Country = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as GB')
  .openapi({ example: 'GB' });

/** A postal address; the country is ISO 3166-1 alpha-2. */
export const Address = z
  .object({
    line1: Chars(200).optional(),
    line2: Chars(200).optional(),
    city: Chars(100).optional(),
    region: Chars(100).optional(),
    postal_code: Chars(20).optional(),
    country: Country.optional(),
  })
  .strict();
