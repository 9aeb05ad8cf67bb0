import { createHmac } from 'node:crypto';

/** Cards are found by a keyed hash of their number; the number itself is never stored. */
export const cardNumberHash = (key: string, cardNumber: string): string =>
  createHmac('sha256', key).update(cardNumber.replace(/[ -]/g, '')).digest('hex');
