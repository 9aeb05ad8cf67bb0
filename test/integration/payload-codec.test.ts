import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FieldCipher } from '../../lib/field-encryption.js';
import { ENCRYPTED_ENCODING, EncryptionCodec } from '../../temporal/payload-codec.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { customerWithHistory } from '../helpers/triage-fixtures.js';

/** Payloads stored by Temporal are ciphertext; the codec endpoint opens them for operators who may read them. */
const cipher = FieldCipher.ephemeral();
let h: Harness;
let plain: Client; // what someone reading the Temporal server (or its Web UI without the codec) sees
beforeAll(async () => {
  h = await startHarness({ worker: true, cipher, payloadCodec: new EncryptionCodec(cipher) });
  plain = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
});
afterAll(async () => {
  await plain?.connection.close();
  await h?.close();
});

describe('payload encryption (issue 11, item 2)', () => {
  it('stores workflow inputs encrypted and decodes them only for operators with payloads:decode', async () => {
    const { users } = await h.createOrg(['supervisor', 'viewer']);
    const token = users.supervisor.token;
    const fixture = await customerWithHistory(h, token, { cardNumber: '4111 1111 1111 1111' });
    const reason = 'customer phoned: lost wallet near 221B Baker Street';
    const frozen = await h.call('POST', '/api/v1/actions/freeze-card', {
      token,
      body: { card_id: fixture.card.id, reason },
    });
    expect(frozen.status).toBe(200);
    expect(frozen.body.frozen_reason).toBe(reason); // the app itself reads it through the codec

    const history = await plain.workflow.getHandle(frozen.body.workflow_id).fetchHistory();
    const stored = JSON.stringify(history, (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v,
    );
    expect(stored).not.toContain('Baker Street');
    const update = history.events!.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes)!;
    const payload =
      update.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.args!.payloads![0]!;
    expect(Buffer.from(payload.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);

    const json = {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(payload.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(payload.data!).toString('base64'),
        },
      ],
    };
    const denied = await h.call('POST', '/api/v1/codec/decode', { token: users.viewer.token, body: json });
    expect(denied.status).toBe(403);
    const decoded = await h.call('POST', '/api/v1/codec/decode', { token, body: json });
    expect(decoded.status).toBe(200);
    const opened = decoded.body.payloads[0];
    expect(Buffer.from(opened.metadata.encoding, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(Buffer.from(opened.data, 'base64').toString())).toMatchObject({ reason });

    const reencoded = await h.call('POST', '/api/v1/codec/encode', { token, body: decoded.body });
    expect(Buffer.from(reencoded.body.payloads[0].metadata.encoding, 'base64').toString()).toBe(
      ENCRYPTED_ENCODING,
    );
    const garbage = await h.call('POST', '/api/v1/codec/decode', {
      token,
      body: { payloads: [{ ...json.payloads[0], data: Buffer.from('x'.repeat(40)).toString('base64') }] },
    });
    expect(garbage.status).toBe(422);
  });
});
