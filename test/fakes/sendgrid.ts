import { randomBytes } from 'node:crypto';
import { startHttpFake, type FakeAnswer } from './http-fake.js';

/** SendGrid's v3 mail send as it answers: 202 with X-Message-Id, or its error bodies. */
export const sendgridAnswers = {
  accepted: (): FakeAnswer => ({
    status: 202,
    headers: { 'x-message-id': randomBytes(11).toString('base64url') },
  }),
  error: (status: number, message: string, headers: Record<string, string> = {}): FakeAnswer => ({
    status,
    headers,
    body: { errors: [{ message, field: null, help: null }] },
  }),
};

/**
 * POST /v3/mail/send answers as scripted (202 by default) and remembers what it accepted;
 * GET /v3/messages (Email Activity) finds accepted messages by their delivery_id.
 */
export async function startSendgridFake() {
  const accepted: { deliveryId: string; msgId: string }[] = [];
  const fake = await startHttpFake((req, scripted) => {
    if (req.method === 'GET' && req.path.startsWith('/v3/messages')) {
      const query = new URL(req.path, 'http://x').searchParams.get('query') ?? '';
      const id = /delivery_id'\]="([^"]+)"/.exec(query)?.[1];
      return {
        status: 200,
        body: { messages: accepted.filter((a) => a.deliveryId === id).map((a) => ({ msg_id: a.msgId })) },
      };
    }
    const answer = scripted ?? sendgridAnswers.accepted();
    if (answer.status === 202) {
      const deliveryId = sendgridPayload(req.body).custom_args?.delivery_id ?? '';
      accepted.push({ deliveryId, msgId: answer.headers?.['x-message-id'] ?? 'unknown' });
    }
    return answer;
  });
  return { ...fake, accepted };
}

/** The JSON body of a recorded send. */
export const sendgridPayload = (body: string) =>
  JSON.parse(body) as {
    personalizations: { to: { email: string }[] }[];
    subject: string;
    content: { type: string; value: string }[];
    custom_args?: Record<string, string>;
  };
