import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeAnswer = {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Answer only when this settles (simulates a provider that received the request but is slow to reply). */
  hold?: Promise<void>;
};
export type FakeRequest = {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
};

/**
 * A local HTTP server standing in for a provider's API. `answer` decides each reply, given the
 * next scripted answer if any (scripts are consumed one per request, in order). Every request is
 * recorded.
 */
export async function startHttpFake(
  fallback: (req: FakeRequest, scripted: FakeAnswer | undefined) => FakeAnswer,
) {
  const script: FakeAnswer[] = [];
  const requests: FakeRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: FakeRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(recorded);
      const scripted = script.shift();
      const answer = fallback(recorded, scripted);
      void (answer.hold ?? Promise.resolve()).then(() => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    /** The next answers, in order. */
    script: (...answers: FakeAnswer[]) => script.push(...answers),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
