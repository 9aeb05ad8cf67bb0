/** PII as staff without `pii:read` see it. */
export function maskEmail(email: string | null): string | null {
  if (!email) return email;
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 2)}***@${domain}`;
}

/** The area code and last four of the national number stay: `+1 555 010 1234` → `555-***-1234`. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  const digits = phone.replace(/\D/g, '');
  if (digits.length >= 10) return `${digits.slice(-10, -7)}-***-${digits.slice(-4)}`;
  return digits.length >= 4 ? `***-***-${digits.slice(-4)}` : '***';
}

export const maskCard = (last4: string): string => `****${last4}`;

/** A postal address without what locates the person: the country alone stays. */
export function maskAddress(address: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!address) return address;
  return typeof address.country === 'string' ? { country: address.country } : {};
}

/** A delivery's destination as its channel's mask: an email address or a phone number. */
export const maskDestination = (channel: string, destination: string | null) =>
  channel === 'email' ? maskEmail(destination) : channel === 'sms' ? maskPhone(destination) : destination;
