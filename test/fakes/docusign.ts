import { randomUUID } from 'node:crypto';
import { startHttpFake } from './http-fake.js';

type Envelope = {
  envelopeId: string;
  documentId: string;
  signerEmail: string;
  subject: string;
  resent: number;
};

/**
 * DocuSign's eSignature REST API, the calls Sentinel makes: `POST …/envelopes` (201 with the
 * envelope id), `GET …/envelopes?custom_field=sentinel_document_id=<id>` (find), and
 * `PUT …/envelopes/:id/recipients?resend_envelope=true` (remind). Requests need the bearer token.
 */
export async function startDocusignFake(token: string) {
  const envelopes: Envelope[] = [];
  const fake = await startHttpFake((req) => {
    if (req.headers.authorization !== `Bearer ${token}`)
      return { status: 401, body: { errorCode: 'AUTHORIZATION_INVALID_TOKEN', message: 'invalid token' } };
    const url = new URL(req.path, 'http://x');
    const resend = /\/envelopes\/([^/]+)\/recipients$/.exec(url.pathname);
    if (req.method === 'PUT' && resend) {
      const e = envelopes.find((x) => x.envelopeId === resend[1]);
      if (!e) return { status: 404, body: { errorCode: 'ENVELOPE_DOES_NOT_EXIST' } };
      e.resent++;
      return { status: 200, body: { recipientUpdateResults: [{ recipientId: '1' }] } };
    }
    if (!url.pathname.endsWith('/envelopes')) return { status: 404, body: { errorCode: 'NOT_FOUND' } };
    if (req.method === 'GET') {
      const field = url.searchParams.get('custom_field') ?? '';
      const id = field.split('=')[1];
      return {
        status: 200,
        body: {
          envelopes: envelopes.filter((e) => e.documentId === id).map((e) => ({ envelopeId: e.envelopeId })),
        },
      };
    }
    const body = JSON.parse(req.body) as {
      emailSubject: string;
      recipients: { signers: { email: string }[] };
      customFields: { textCustomFields: { name: string; value: string }[] };
    };
    const e: Envelope = {
      envelopeId: randomUUID(),
      documentId:
        body.customFields.textCustomFields.find((f) => f.name === 'sentinel_document_id')?.value ?? '',
      signerEmail: body.recipients.signers[0]?.email ?? '',
      subject: body.emailSubject,
      resent: 0,
    };
    envelopes.push(e);
    return {
      status: 201,
      body: { envelopeId: e.envelopeId, status: 'sent', statusDateTime: new Date().toISOString() },
    };
  });
  return { ...fake, envelopes };
}

/** A Connect (JSON SIM) message about an envelope. */
export const connectMessage = (event: string, envelopeId: string) =>
  JSON.stringify({
    event,
    apiVersion: 'v2.1',
    uri: `/restapi/v2.1/accounts/acc/envelopes/${envelopeId}`,
    retryCount: 0,
    generatedDateTime: new Date().toISOString(),
    data: {
      accountId: 'acc',
      envelopeId,
      envelopeSummary: { statusChangedDateTime: new Date().toISOString() },
    },
  });
