/**
 * Exact decimal money for the rule evaluators: amounts stay strings ("1500.00") end to end and
 * are compared and divided as integer cents, never as floats. Pure; no imports.
 */

/** "1,5" is not money; "12", "12.3", "-12.34" are. More than two decimals is rounded half up. */
export function toCents(amount: string): bigint {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!m) throw new RangeError(`not a decimal amount: ${amount}`);
  const frac = (m[3] ?? '').padEnd(3, '0');
  let cents = BigInt(m[2]!) * 100n + BigInt(frac.slice(0, 2));
  if (Number(frac[2]) >= 5) cents += 1n;
  return m[1] ? -cents : cents;
}

export function fromCents(cents: bigint): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  return `${neg ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

export const absCents = (c: bigint) => (c < 0n ? -c : c);

/** Whole percent of `part` in `whole`, rounded down (79.99 % is 79): thresholds fire only once truly reached. */
export function percentOf(part: bigint, whole: bigint): number {
  if (whole <= 0n) return 0;
  return Number((part * 100n) / whole);
}

const SYMBOLS: Record<string, string> = { USD: '$', GBP: '£', EUR: '€', JPY: '¥', INR: '₹' };

/** "$1,234.50" (or "CHF 1,234.50" for a currency without a symbol here). */
export function formatMoney(amount: string | bigint, currency = 'USD'): string {
  const s = typeof amount === 'bigint' ? fromCents(amount) : fromCents(toCents(amount));
  const neg = s.startsWith('-');
  const [whole, frac] = (neg ? s.slice(1) : s).split('.') as [string, string];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const symbol = SYMBOLS[currency.toUpperCase()] ?? `${currency.toUpperCase()} `;
  return `${neg ? '-' : ''}${symbol}${grouped}.${frac}`;
}
