import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { UNPROCESSABLE } from './domain-errors.js';

/**
 * A phone number in E.164 (`+14155550101`), or null when it is not one. Numbers are stored so,
 * which makes an inbound SMS's `From` and `To` (Twilio sends E.164) match by equality.
 */
export function toE164(input: string): string | null {
  const parsed = parsePhoneNumberFromString(input.trim().replace(/^00/, '+'));
  return parsed?.isPossible() ? parsed.number : null;
}

/** A phone number as clients send it (international format), stored as E.164. */
export const phoneNumber = z
  .string()
  // The form, as the API document states it; whether the number can exist is a 422.
  .regex(
    /^(?:\+|00)[1-9][\d ().-]{5,28}$/,
    'must be a phone number in international format, e.g. +44 20 7946 0011',
  )
  .transform((value, ctx) => {
    const e164 = toE164(value);
    if (!e164) {
      ctx.addIssue({
        code: 'custom',
        message: 'is not a possible phone number for its country code',
        params: UNPROCESSABLE,
      });
      return z.NEVER;
    }
    return e164;
  });
