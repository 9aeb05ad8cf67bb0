import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ESignProvider, EnvelopeEvent, EnvelopeRequest } from './types.js';

export type DocusignOptions = {
  /** e.g. https://demo.docusign.net/restapi (tests: a local fake). */
  baseUrl: string;
  accountId: string;
  /** An OAuth access token (JWT grant, obtained outside; rotated by the deployment). */
  accessToken: string;
};

const FIELD = 'sentinel_document_id';

/**
 * DocuSign's eSignature REST API (v2.1), the three calls Sentinel needs: send an envelope (status
 * `sent`, our document id in a hidden custom field), find one by that field, resend to the signer.
 */
export function docusignESign(o: DocusignOptions): ESignProvider {
  const base = `${o.baseUrl.replace(/\/$/, '')}/v2.1/accounts/${encodeURIComponent(o.accountId)}`;
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${o.accessToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    if (!res.ok) throw new Error(`DocuSign ${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  return {
    name: 'docusign',
    async send(r: EnvelopeRequest) {
      const days = Math.max(1, Math.ceil((Date.parse(r.expiresAt) - Date.now()) / 86_400_000));
      const text = `${r.subject}\n\nSigner: ${r.signerName}\nDocument: ${r.type}\n\nSignature: \\s1\\`;
      const env = await call<{ envelopeId: string }>('POST', '/envelopes', {
        emailSubject: r.subject,
        status: 'sent',
        documents: [
          {
            documentId: '1',
            name: r.type,
            fileExtension: 'txt',
            documentBase64: Buffer.from(text).toString('base64'),
          },
        ],
        recipients: {
          signers: [
            {
              recipientId: '1',
              name: r.signerName,
              email: r.signerEmail,
              tabs: { signHereTabs: [{ anchorString: '\\s1\\', documentId: '1' }] },
            },
          ],
        },
        customFields: {
          textCustomFields: [{ name: FIELD, value: r.documentId, show: 'false', required: 'false' }],
        },
        notification: {
          useAccountDefaults: 'false',
          expirations: { expireEnabled: 'true', expireAfter: String(days), expireWarn: '1' },
        },
      });
      return { envelopeId: env.envelopeId };
    },
    async find(documentId: string) {
      const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
      const q = new URLSearchParams({ from_date: from, custom_field: `${FIELD}=${documentId}` });
      const r = await call<{ envelopes?: { envelopeId: string }[] }>('GET', `/envelopes?${q.toString()}`);
      const found = r.envelopes?.[0];
      return found ? { envelopeId: found.envelopeId } : null;
    },
    async remind(envelopeId: string) {
      await call('PUT', `/envelopes/${encodeURIComponent(envelopeId)}/recipients?resend_envelope=true`, {
        signers: [{ recipientId: '1' }],
      });
    },
  };
}

const EVENTS: Record<string, EnvelopeEvent['status']> = {
  'envelope-sent': 'sent',
  'envelope-delivered': 'delivered',
  'envelope-completed': 'completed',
  'envelope-declined': 'declined',
  'envelope-voided': 'voided',
};

/**
 * A DocuSign Connect message (JSON, SIM), verified by its HMAC: `X-DocuSign-Signature-1` is the
 * base64 HMAC-SHA256 of the raw body with the Connect key. Other events are `ignored`.
 */
export function readDocusignConnect(
  hmacKey: string,
  rawBody: string,
  signature: string | undefined,
): { ok: true; event: EnvelopeEvent | null } | { ok: false } {
  const expected = createHmac('sha256', hmacKey).update(rawBody, 'utf8').digest();
  const given = Buffer.from(signature ?? '', 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false };
  let body: {
    event?: string;
    data?: { envelopeId?: string; envelopeSummary?: { statusChangedDateTime?: string } };
  };
  try {
    body = JSON.parse(rawBody) as typeof body;
  } catch {
    return { ok: true, event: null };
  }
  const status = EVENTS[body.event ?? ''];
  const envelopeId = body.data?.envelopeId;
  if (!status || !envelopeId) return { ok: true, event: null };
  return {
    ok: true,
    event: { envelopeId, status, at: body.data?.envelopeSummary?.statusChangedDateTime ?? null },
  };
}

/** The signature DocuSign would put on a Connect body (for the fake and the tests). */
export const docusignSignature = (hmacKey: string, rawBody: string) =>
  createHmac('sha256', hmacKey).update(rawBody, 'utf8').digest('base64');
