import { describe, expect, it } from 'vitest';
import { maskCard, maskEmail, maskPhone } from '../../lib/masking.js';

describe('masking', () => {
  it('keeps the first two letters of an email and its domain', () => {
    expect(maskEmail('john.doe@example.com')).toBe('jo***@example.com');
    expect(maskEmail(null)).toBeNull();
  });

  it('keeps the area code and last four digits of a phone number, whatever its punctuation', () => {
    expect(maskPhone('+1 555 010 1234')).toBe('555-***-1234');
    expect(maskPhone('(555) 867-1234')).toBe('555-***-1234');
    expect(maskPhone('+44 20 7946 0011')).toBe('207-***-0011');
    expect(maskPhone('867 1234')).toBe('***-***-1234');
    expect(maskPhone('12')).toBe('***');
  });

  it('shows a card by its last four only', () => {
    expect(maskCard('4242')).toBe('****4242');
  });
});
