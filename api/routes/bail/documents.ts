import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import { applyEnvelopeEvent } from '../../../commands/bail/envelope-status.js';
import { sendDocument } from '../../../commands/bail/send-document.js';
import { documentRow, getDocument } from '../../../db/bail/documents.js';
import type { Db } from '../../../db/pool.js';
import { dispatchStarts } from '../../../temporal/clients/pending-starts.js';
import { documentSigningWorkflowId } from '../../../workflows/bail/ids.js';
import { auditPiiViewed, commandActor } from '../../audit.js';
import { maskEmail } from '../../../lib/masking.js';
import { allows } from '../../../lib/roles.js';
import { ApiError, notFound } from '../../errors.js';
import { idempotent } from '../../idempotency.js';
import {
  conflictResponses,
  errorResponses,
  IdempotencyHeaders,
  IdParams,
  json,
  jsonBody,
  newRouter,
  securedRoute,
} from '../../router.js';
import { Email, Text } from '../../schemas.js';

const tags = ['bail'];
export const DocumentSchema = documentRow.extend({ workflow_id: z.string() }).openapi('BailDocument');
const view = (d: z.infer<typeof documentRow>) => ({ ...d, workflow_id: documentSigningWorkflowId(d.id) });

const routes = {
  send: securedRoute('bail:write', {
    method: 'post',
    path: '/bail/bonds/{id}/documents',
    tags,
    summary: 'Send a bond document for e-signature (DocuSign, or the local provider offline)',
    description:
      'The `documentSigning` workflow sends the envelope, reminds the signer 3 days and 1 day before it expires, and marks it signed, declined, voided or expired (the agent gets a task). A bond is posted only when its required documents are signed.',
    request: {
      params: IdParams,
      headers: IdempotencyHeaders,
      body: jsonBody(
        z
          .object({
            type: z
              .string()
              .regex(/^[a-z][a-z0-9_]{1,49}$/)
              .openapi({ example: 'indemnity_agreement', description: 'snake_case, e.g. bail_application' }),
            required: z
              .boolean()
              .default(true)
              .openapi({ description: 'Must be signed before the bond is posted' }),
            expires_in_days: z.number().int().min(1).max(120).default(14),
            signer: z
              .object({ name: Text(200), email: Email(254) })
              .strict()
              .optional()
              .openapi({ description: 'Default: the client' }),
          })
          .strict(),
      ),
    },
    responses: {
      201: json(DocumentSchema, 'Created; the envelope goes out'),
      ...conflictResponses,
      ...errorResponses,
    },
  }),
  get: securedRoute('bail:read', {
    method: 'get',
    path: '/bail/documents/{id}',
    tags,
    summary: 'A document and its signature status',
    request: { params: IdParams },
    responses: { 200: json(DocumentSchema, 'The document'), ...errorResponses },
  }),
  localSignature: securedRoute('bail:write', {
    method: 'post',
    path: '/bail/documents/{id}/local-signature',
    tags,
    summary:
      'Sign or decline an envelope of the local provider (development without DocuSign; not served in production)',
    request: {
      params: IdParams,
      body: jsonBody(z.object({ outcome: z.enum(['completed', 'declined']) }).strict()),
    },
    responses: { 200: json(DocumentSchema, 'Applied'), ...conflictResponses, ...errorResponses },
  }),
};

export function documentRoutes(deps: {
  db: Db;
  temporal: Client;
  taskQueuePrefix: string;
  production: boolean;
}) {
  const { db } = deps;
  return newRouter()
    .openapi(routes.send, async (c) => {
      const p = c.get('principal');
      const bondId = c.req.valid('param').id;
      const body = c.req.valid('json');
      const r = await idempotent(db, c, { action: 'bail.document', resourceId: bondId }, body, async () => {
        const { document, starts } = await sendDocument(
          db,
          p.orgId,
          bondId,
          {
            type: body.type,
            required: body.required,
            expiresAt: new Date(Date.now() + body.expires_in_days * 86_400_000).toISOString(),
            signer: body.signer,
          },
          commandActor(c),
        );
        await dispatchStarts(deps.temporal, db, starts, { prefix: deps.taskQueuePrefix, log: c.get('log') });
        return { status: 201, body: view(document) };
      });
      return c.json(r.body as z.infer<typeof DocumentSchema>, 201);
    })
    .openapi(routes.get, async (c) => {
      const p = c.get('principal');
      const d = await getDocument(db, p.orgId, c.req.valid('param').id);
      if (!d) throw notFound('document');
      // The signer's email is personal data: masked without pii:read, else its view is audited.
      if (!allows(p, 'pii:read')) return c.json(view({ ...d, signer_email: maskEmail(d.signer_email) }), 200);
      if (d.signer_email) await auditPiiViewed(db, c, [d.client_id], { type: 'document', id: d.id });
      return c.json(view(d), 200);
    })
    .openapi(routes.localSignature, async (c) => {
      // A signature only a person's own envelope may give: never by an agent's API call in production.
      if (deps.production) throw new ApiError(404, 'not_found', `No route for POST ${c.req.path}`);
      const orgId = c.get('principal').orgId;
      const d = await getDocument(db, orgId, c.req.valid('param').id);
      if (!d) throw notFound('document');
      if (d.provider !== 'local' || !d.envelope_id || d.status !== 'sent')
        throw new ApiError(409, 'conflict', 'Only a sent envelope of the local provider is signed here');
      const r = await applyEnvelopeEvent(
        db,
        'local',
        { envelopeId: d.envelope_id, status: c.req.valid('json').outcome, at: null },
        commandActor(c),
      );
      await dispatchStarts(deps.temporal, db, r.starts, { prefix: deps.taskQueuePrefix, log: c.get('log') });
      return c.json(view((await getDocument(db, orgId, d.id))!), 200);
    });
}
