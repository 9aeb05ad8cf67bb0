import { z } from '@hono/zod-openapi';
import { reopenCase } from '../../commands/triage/reopen-case.js';
import type { Db } from '../../db/pool.js';
import { caseRow, getCase } from '../../db/triage/cases.js';
import { principalActor } from '../audit.js';
import { notFound } from '../errors.js';
import { idempotent } from '../idempotency.js';
import {
  conflictResponses,
  errorResponses,
  IdempotencyHeaders,
  IdParams,
  json,
  jsonBody,
  newRouter,
  securedRoute,
} from '../router.js';
import { Text } from '../schemas.js';

export const CaseSchema = caseRow.omit({ org_id: true }).openapi('Case');

const tags = ['alerts'];
const routes = {
  reopen: securedRoute('alerts:write', {
    method: 'post',
    path: '/cases/{id}/reopen',
    tags,
    summary: 'Reopen a closed case (its alert opens again)',
    request: {
      params: IdParams,
      headers: IdempotencyHeaders,
      body: jsonBody(z.object({ reason: Text(2000) }).strict()),
    },
    responses: { 200: json(CaseSchema, 'Reopened'), ...conflictResponses, ...errorResponses },
  }),
};

/** Cases: an alert's investigation (read with its alert: GET /alerts/{id}); a closed one can be reopened. */
export function caseRoutes(deps: { db: Db }) {
  const { db } = deps;
  return newRouter().openapi(routes.reopen, async (c) => {
    const p = c.get('principal');
    const id = c.req.valid('param').id;
    if (!(await getCase(db, p.orgId, id))) throw notFound('case');
    const reason = c.req.valid('json').reason;
    const r = await idempotent(db, c, { action: 'case.reopen', resourceId: id }, { reason }, async (key) => {
      const { org_id: _org, ...view } = await reopenCase(db, p.orgId, {
        caseId: id,
        reason,
        actor: principalActor(p),
        key,
      });
      return { status: 200, body: view };
    });
    return c.json(r.body as z.infer<typeof CaseSchema>, 200);
  });
}
