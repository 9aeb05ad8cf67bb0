import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfig, productionProblems } from '../../lib/config.js';
import { FieldCipher, FieldDecryptionError, sealedVersion } from '../../lib/field-encryption.js';

const key = () => randomBytes(32).toString('base64');

describe('field encryption', () => {
  it('round-trips a value, with a fresh IV each time, under the first key of the ring', () => {
    const cipher = FieldCipher.fromSpec(`3:${key()}, 2:${key()}`);
    const a = cipher.encrypt('078-05-1120', 'customers/o/c/national_id');
    const b = cipher.encrypt('078-05-1120', 'customers/o/c/national_id');
    expect(a).toMatch(/^v3:/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('078');
    expect(cipher.decrypt(a, 'customers/o/c/national_id')).toBe('078-05-1120');
    expect(cipher.activeVersion).toBe(3);
    expect(cipher.versions).toEqual([3, 2]);
  });

  it('refuses a value moved to another row or column, or tampered with', () => {
    const cipher = FieldCipher.ephemeral();
    const sealed = cipher.encrypt('1986-04-12', 'customers/o/c1/date_of_birth');
    expect(() => cipher.decrypt(sealed, 'customers/o/c2/date_of_birth')).toThrow(FieldDecryptionError);
    expect(() => cipher.decrypt(sealed, 'customers/o/c1/national_id')).toThrow(FieldDecryptionError);
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1]! ^= 1;
    expect(() => cipher.decrypt(`v1:${raw.toString('base64url')}`, 'customers/o/c1/date_of_birth')).toThrow(
      /does not open/,
    );
    expect(() => cipher.decrypt('1986-04-12', 'x')).toThrow(/not a sealed value/);
  });

  it('rotates: the new ring opens old values, marks them stale, and a ring without the old key cannot', () => {
    const k1 = key();
    const k2 = key();
    const old = FieldCipher.fromSpec(`1:${k1}`);
    const sealed = old.encrypt('QQ123456C', 'ctx');
    // Step 1 of a rotation: every process learns v2 but still writes v1.
    const learning = FieldCipher.fromSpec(`1:${k1},2:${k2}`);
    expect(learning.isStale(sealed)).toBe(false);
    // Step 2: v2 writes; v1 values still open and are stale until re-sealed.
    const rotated = FieldCipher.fromSpec(`2:${k2},1:${k1}`);
    expect(rotated.decrypt(sealed, 'ctx')).toBe('QQ123456C');
    expect(rotated.isStale(sealed)).toBe(true);
    const resealed = rotated.encrypt(rotated.decrypt(sealed, 'ctx'), 'ctx');
    expect(sealedVersion(resealed)).toBe(2);
    expect(learning.decrypt(resealed, 'ctx')).toBe('QQ123456C');
    // Step 3: v1 retired.
    const retired = FieldCipher.fromSpec(`2:${k2}`);
    expect(retired.decrypt(resealed, 'ctx')).toBe('QQ123456C');
    expect(() => retired.decrypt(sealed, 'ctx')).toThrow(/key v1 is not in ENCRYPTION_KEYS/);
  });

  it('rejects a malformed key ring, naming the entry and never the key', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => FieldCipher.fromSpec('')).toThrow(/at least one/);
    expect(() => FieldCipher.fromSpec(`1:${short}`)).toThrow(/key v1 must be 32 bytes/);
    expect(() => FieldCipher.fromSpec(`1:${key()},1:${key()}`)).toThrow(/listed twice/);
    expect(() => FieldCipher.fromSpec(`0:${key()}`)).toThrow(/versions start at 1/);
    expect(() => FieldCipher.fromSpec(key())).toThrow(/entry 1 must be/);
    try {
      parseConfig({ ENCRYPTION_KEYS: `1:${short}` });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/ENCRYPTION_KEYS: entry 1: key v1 must be 32 bytes/);
      expect((err as Error).message).not.toContain(short);
    }
    const prod = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', JWT_SECRET: 'j'.repeat(32) };
    expect(productionProblems(parseConfig(prod), prod)).toContain(
      'ENCRYPTION_KEYS: is required in production',
    );
  });
});
