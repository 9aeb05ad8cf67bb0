import { z } from '@hono/zod-openapi';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Db } from '../../db/pool.js';
import { auditRequest } from '../audit.js';
import { ApiError } from '../errors.js';
import { errorResponses, json, jsonBody, newRouter, securedRoute } from '../router.js';
import { Chars } from '../schemas.js';

const base64 = z
  .string()
  .max(4_000_000)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const PayloadJson = z
  .object({ metadata: z.record(Chars(200), base64).default({}), data: base64.optional() })
  .openapi('Payload');
const Payloads = z.object({ payloads: z.array(PayloadJson).max(1000) });

const route = (op: 'encode' | 'decode', summary: string) =>
  securedRoute('payloads:decode', {
    method: 'post',
    path: `/codec/${op}`,
    tags: ['workflows'],
    summary,
    description:
      'The Temporal codec-server protocol, for the Web UI (Settings → Codec Server: `<api>/api/v1/codec`) and the CLI (`--codec-endpoint … --codec-auth "Bearer <token>"`). Only when TEMPORAL_PAYLOAD_ENCRYPTION is on.',
    request: { body: jsonBody(Payloads) },
    responses: {
      200: json(Payloads, 'The payloads'),
      ...errorResponses,
    },
  });

const routes = {
  decode: route('decode', 'Open encrypted workflow payloads (for operators who may read them)'),
  encode: route('encode', 'Encrypt payloads, e.g. a signal typed into the Web UI'),
};

const fromJson = (p: z.infer<typeof PayloadJson>): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  ...(p.data !== undefined && { data: Buffer.from(p.data, 'base64') }),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v ?? new Uint8Array()).toString('base64'),
    ]),
  ),
  ...(p.data && { data: Buffer.from(p.data).toString('base64') }),
});

/** Decoding is reading customers' data in the clear: it takes pii-level permission and is audited. */
export function codecRoutes(deps: { db: Db; codec: PayloadCodec | undefined }) {
  const codec = () => {
    if (!deps.codec)
      throw new ApiError(404, 'not_found', 'Payload encryption is off (TEMPORAL_PAYLOAD_ENCRYPTION)');
    return deps.codec;
  };
  return newRouter()
    .openapi(routes.decode, async (c) => {
      const { payloads } = c.req.valid('json');
      const open = codec();
      let decoded: Payload[];
      try {
        decoded = await open.decode(payloads.map(fromJson));
      } catch (err) {
        throw new ApiError(422, 'unprocessable', (err as Error).message);
      }
      await auditRequest(deps.db, c, {
        action: 'workflow.payloads_decoded',
        resourceType: 'workflow',
        resourceId: null,
        after: { payloads: payloads.length, namespace: c.req.header('x-namespace')?.slice(0, 200) ?? null },
      });
      return c.json({ payloads: decoded.map(toJson) }, 200);
    })
    .openapi(routes.encode, async (c) => {
      const encoded = await codec().encode(c.req.valid('json').payloads.map(fromJson));
      return c.json({ payloads: encoded.map(toJson) }, 200);
    });
}
