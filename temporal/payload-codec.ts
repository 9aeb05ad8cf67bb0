import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { decode, encode } from '@temporalio/common/lib/encoding.js';
import proto from '@temporalio/proto';
import type { FieldCipher } from '../lib/field-encryption.js';

// A CommonJS package: Node's ESM loader gives its exports as the default.
const { temporal } = proto;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';

/**
 * Encrypts every payload Temporal stores (workflow arguments, results, signals, activity inputs,
 * memos) with AES-256-GCM under a key derived from ENCRYPTION_KEYS, so notes, evidence and
 * messages are not plaintext in the server's database or the Web UI. Each payload names its key
 * version; rotation keeps old histories readable while the old key stays in the ring. Operators
 * who may read them decode through the codec endpoint (api/routes/codec.ts).
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly active: number;
  private readonly keys: ReadonlyMap<number, Buffer>;

  constructor(cipher: FieldCipher) {
    const { active, keys } = cipher.derive('temporal-payloads');
    this.active = active;
    this.keys = keys;
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(
      payloads.map((payload) => {
        const iv = randomBytes(12);
        const aes = createCipheriv('aes-256-gcm', this.keys.get(this.active)!, iv);
        const plain = temporal.api.common.v1.Payload.encode(payload).finish();
        const body = Buffer.concat([aes.update(plain), aes.final()]);
        return {
          metadata: {
            [METADATA_ENCODING_KEY]: encode(ENCRYPTED_ENCODING),
            [KEY_ID]: encode(String(this.active)),
          },
          data: Buffer.concat([iv, aes.getAuthTag(), body]),
        };
      }),
    );
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve(
      payloads.map((payload) => {
        const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
        if (!encoding || decode(encoding) !== ENCRYPTED_ENCODING) return payload; // written before encryption
        const id = payload.metadata?.[KEY_ID];
        const key = id ? this.keys.get(Number(decode(id))) : undefined;
        if (!key || !payload.data || payload.data.length < 28) {
          throw new Error(
            `payload sealed with key ${id ? decode(id) : '?'} cannot be opened with ENCRYPTION_KEYS`,
          );
        }
        const data = Buffer.from(payload.data);
        const aes = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
        aes.setAuthTag(data.subarray(12, 28));
        const plain = Buffer.concat([aes.update(data.subarray(28)), aes.final()]);
        return temporal.api.common.v1.Payload.decode(plain);
      }),
    );
  }
}

/** The data converter option for clients and workers: encrypted payloads when configured. */
export function payloadCodecs(
  config: { TEMPORAL_PAYLOAD_ENCRYPTION?: boolean | undefined },
  cipher: FieldCipher,
): PayloadCodec[] {
  return config.TEMPORAL_PAYLOAD_ENCRYPTION ? [new EncryptionCodec(cipher)] : [];
}
