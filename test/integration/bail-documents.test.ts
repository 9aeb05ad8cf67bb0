import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docusignSignature } from '../../activities/bail/providers/docusign.js';
import { connectMessage, startDocusignFake } from '../fakes/docusign.js';
import { eventually, startHarness, type Harness } from '../helpers/harness.js';
import { recordHistory } from '../helpers/histories.js';

const HMAC_KEY = 'connect-hmac-key-for-tests';
const TOKEN = 'docusign-access-token';
let h: Harness;
let docusign: Awaited<ReturnType<typeof startDocusignFake>>;
beforeAll(async () => {
  docusign = await startDocusignFake(TOKEN);
  h = await startHarness({
    worker: true,
    config: {
      DOCUSIGN_BASE_URL: `${docusign.url}/restapi`,
      DOCUSIGN_ACCOUNT_ID: 'acc',
      DOCUSIGN_ACCESS_TOKEN: TOKEN,
      DOCUSIGN_CONNECT_HMAC_KEY: HMAC_KEY,
    },
  });
});
afterAll(async () => {
  await h.close();
  await docusign.close();
});

const connect = (body: string, signature: string) =>
  h.call('POST', '/webhooks/docusign', {
    rawBody: body,
    headers: { 'content-type': 'application/json', 'x-docusign-signature-1': signature },
  });

describe('bail documents through DocuSign', () => {
  it('takes a bond from creation to active: indemnity agreement signed, premium paid', async () => {
    const { users } = await h.createOrg(['agent']);
    const token = users.agent.token;
    const client = await h.call('POST', '/api/v1/bail/clients', {
      token,
      body: { first_name: 'Sam', last_name: 'Signer', email: 'sam@example.test' },
    });
    const bond = await h.call('POST', '/api/v1/bail/bonds', {
      token,
      body: {
        bond_number: `D-${Math.random().toString(36).slice(2, 10)}`,
        client_id: client.body.id,
        amount: '8000.00',
        premium: '800.00',
        charges: [{ description: 'Trespass' }],
        indemnitors: [],
        appearances: [],
      },
    });
    const bondId = bond.body.id as string;
    const doc = await h.call('POST', `/api/v1/bail/bonds/${bondId}/documents`, {
      token,
      body: { type: 'indemnity_agreement' },
    });
    expect(doc.status).toBe(201);
    expect(doc.body).toMatchObject({ status: 'draft', required: true, signer_email: 'sam@example.test' });
    const sent = await eventually(async () => {
      const d = await h.call('GET', `/api/v1/bail/documents/${doc.body.id}`, { token });
      return d.body.status === 'sent' ? d.body : undefined;
    });
    expect(docusign.envelopes).toContainEqual(
      expect.objectContaining({
        envelopeId: sent.envelope_id,
        documentId: doc.body.id,
        signerEmail: 'sam@example.test',
      }),
    );
    await h.call('POST', `/api/v1/bail/bonds/${bondId}/payments`, {
      token,
      body: { amount: '800.00', method: 'cash' },
    });
    const early = await h.call('POST', `/api/v1/bail/bonds/${bondId}/transition`, {
      token,
      body: { status: 'active' },
    });
    expect(early.status).toBe(422);
    expect(early.body.error.message).toContain('indemnity_agreement');

    const body = connectMessage('envelope-completed', sent.envelope_id);
    expect((await connect(body, docusignSignature('wrong-key', body))).status).toBe(401);
    expect((await connect(body, docusignSignature(HMAC_KEY, body))).body).toEqual({
      received: true,
      applied: true,
    });
    expect((await connect(body, docusignSignature(HMAC_KEY, body))).body.applied).toBe(false);
    const signed = await h.call('GET', `/api/v1/bail/documents/${doc.body.id}`, { token });
    expect(signed.body).toMatchObject({ status: 'signed', provider_status: 'completed' });
    expect(signed.body.signed_at).not.toBeNull();
    const run = h.temporal.workflow.getHandle(doc.body.workflow_id);
    expect(await run.result()).toEqual({ status: 'signed' });
    recordHistory(doc.body.workflow_id, 'document-signing.v1');

    const posted = await h.call('POST', `/api/v1/bail/bonds/${bondId}/transition`, {
      token,
      body: { status: 'active' },
    });
    expect(posted.status).toBe(200);
    expect(posted.body.status).toBe('active');
  });
});
