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
export const IsoDateTime = z.string().datetime({ offset: true }).openapi({ example: '2026-11-23T10:15:00Z' });
export const Uuid = z.string().uuid();
