import { randomBytes } from 'node:crypto';
import { startHttpFake, type FakeAnswer, type FakeRequest } from './http-fake.js';

/** Twilio's Messages resource as it answers: 201 with a message resource, or its error bodies. */
export const twilioAnswers = {
  created: (req: FakeRequest): FakeAnswer => {
    const form = new URLSearchParams(req.body);
    return {
      status: 201,
      body: {
        sid: `SM${randomBytes(16).toString('hex')}`,
        status: 'queued',
        to: form.get('To'),
        from: form.get('From'),
        body: form.get('Body'),
      },
    };
  },
  error: (status: number, code: number, message: string): FakeAnswer => ({
    status,
    body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  }),
};

/** POST Messages.json creates (or answers as scripted); GET Messages.json lists what was created. */
export async function startTwilioFake() {
  const created: Record<string, unknown>[] = [];
  const fake = await startHttpFake((req, scripted) => {
    if (req.method === 'GET')
      return { status: 200, body: { messages: created, page: 0, page_size: 50, next_page_uri: null } };
    const answer = scripted ?? twilioAnswers.created(req);
    if (answer.status === 201)
      created.push({ ...(answer.body as object), date_sent: new Date().toUTCString() });
    return answer;
  });
  return { ...fake, created };
}
