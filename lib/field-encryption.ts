import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for single fields (national id, date of birth) with a versioned key ring.
 *
 * ENCRYPTION_KEYS is a comma-separated list of `<version>:<base64 of 32 bytes>`. The first entry
 * encrypts; every entry decrypts. A sealed value is `v<version>:<base64url(iv | tag | ciphertext)>`,
 * so it names the key that opened it and rotation needs no table of its own. The associated
 * data binds a value to its row and column: a ciphertext copied elsewhere does not open.
 */
export class FieldCipher {
  private constructor(
    private readonly keys: ReadonlyMap<number, Buffer>,
    readonly activeVersion: number,
  ) {}

  /** Parses ENCRYPTION_KEYS; throws a message that names the bad entry (never its key). */
  static fromSpec(spec: string): FieldCipher {
    const entries = spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!entries.length) throw new Error('needs at least one <version>:<base64 key> entry');
    const keys = new Map<number, Buffer>();
    for (const [i, entry] of entries.entries()) {
      const match = /^(\d{1,4}):([A-Za-z0-9+/_-]+={0,2})$/.exec(entry);
      if (!match) throw new Error(`entry ${i + 1} must be <version>:<base64 key>`);
      const version = Number(match[1]);
      const key = Buffer.from(match[2]!, 'base64');
      if (version < 1) throw new Error(`entry ${i + 1}: versions start at 1`);
      if (key.length !== 32) throw new Error(`entry ${i + 1}: key v${version} must be 32 bytes, base64`);
      if (keys.has(version)) throw new Error(`key version ${version} is listed twice`);
      keys.set(version, key);
    }
    return new FieldCipher(keys, Number(/^\d+/.exec(entries[0]!)![0]));
  }

  /** A one-key ring with a fresh random key: for tests and for a development process without ENCRYPTION_KEYS. */
  static ephemeral(version = 1): FieldCipher {
    return FieldCipher.fromSpec(`${version}:${randomBytes(32).toString('base64')}`);
  }

  get versions(): number[] {
    return [...this.keys.keys()];
  }

  /**
   * The same ring for another purpose (e.g. Temporal payloads): each key derived with HKDF, so a
   * key never encrypts two kinds of data and rotation of ENCRYPTION_KEYS rotates both.
   */
  derive(purpose: string): { active: number; keys: ReadonlyMap<number, Buffer> } {
    const derived = new Map<number, Buffer>();
    for (const [version, key] of this.keys) {
      derived.set(version, Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `sentinel:${purpose}`, 32)));
    }
    return { active: this.activeVersion, keys: derived };
  }

  encrypt(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.activeVersion)!, iv);
    cipher.setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v${this.activeVersion}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  decrypt(sealed: string, aad: string): string {
    const version = sealedVersion(sealed);
    const key = this.keys.get(version);
    if (!key) throw new FieldDecryptionError(`key v${version} is not in ENCRYPTION_KEYS`);
    const raw = Buffer.from(sealed.slice(sealed.indexOf(':') + 1), 'base64url');
    if (raw.length < 28) throw new FieldDecryptionError('sealed value is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(raw.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      throw new FieldDecryptionError(
        `value sealed with v${version} does not open (wrong key, row or column)`,
      );
    }
  }

  /** True when the value is sealed with a key other than the active one. */
  isStale(sealed: string): boolean {
    return sealedVersion(sealed) !== this.activeVersion;
  }
}

export class FieldDecryptionError extends Error {
  override name = 'FieldDecryptionError';
}

export function sealedVersion(sealed: string): number {
  const match = /^v(\d+):/.exec(sealed);
  if (!match) throw new FieldDecryptionError('not a sealed value');
  return Number(match[1]);
}

/**
 * The process's cipher from ENCRYPTION_KEYS. Outside production a process without it uses a fixed
 * development key (so an API and a worker started by hand agree); config refuses that in production.
 */
export function cipherFromConfig(
  config: { ENCRYPTION_KEYS?: string | undefined },
  warn: (msg: string) => void,
): FieldCipher {
  if (config.ENCRYPTION_KEYS) return FieldCipher.fromSpec(config.ENCRYPTION_KEYS);
  warn('ENCRYPTION_KEYS is not set: national ids and dates of birth are sealed with a development key');
  return FieldCipher.fromSpec(
    `1:${createHash('sha256').update('sentinel development key').digest('base64')}`,
  );
}
