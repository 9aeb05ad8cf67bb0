import { z } from '@hono/zod-openapi';

/** Money is a decimal string with at most 2 decimals ("1500.00"), never a float. */
export const Money = z
  .string()
  .regex(/^-?\d{1,14}(\.\d{1,2})?$/, 'must be a decimal string such as "1500.00"')
  .openapi({ example: '1500.00' });
export const PositiveMoney = Money.refine((v) => Number(v) > 0, 'must be greater than zero');
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
export const TimeZone = z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris');
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
  .openapi({ example: '2026-11-23T10:15:00Z', description: 'ISO 8601 with offset, years 0001–9999' });
export const IsoDate = z
  .string()
  .date()
  .refine(inRange, 'must be between 0001-01-01 and 9999-12-31')
  .openapi({ example: '2026-12-01' });
export const Uuid = z.string().uuid();

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
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as "es" or "es-MX"')
  .refine(isLocale, 'must be a language tag such as "es" or "es-MX"')
  .openapi({ example: 'es-MX' });

/** A postal address; the country is ISO 3166-1 alpha-2. */
export const Address = z
  .object({
    line1: z.string().max(200).optional(),
    line2: z.string().max(200).optional(),
    city: z.string().max(100).optional(),
    region: z.string().max(100).optional(),
    postal_code: z.string().max(20).optional(),
    country: z.string().length(2).optional(),
  })
  .strict();
