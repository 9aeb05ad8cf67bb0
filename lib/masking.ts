/** PII as staff without `pii:read` see it. */
export function maskEmail(email: string | null): string | null {
  if (!email) return email;
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 2)}***@${domain}`;
}

export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  const digits = phone.replace(/\D/g, '');
  return digits.length >= 4 ? `***-***-${digits.slice(-4)}` : '***';
}

export const maskCard = (last4: string): string => `****${last4}`;
