import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import * as checks from '../../db/platform/pipeline-checks.js';
import type { Db } from '../../db/pool.js';
import { startPipelineCheck } from '../../commands/platform/start-pipeline-check.js';
import { commandActor } from '../audit.js';
import { notFound } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { errorResponses, IdempotencyHeaders, IdParams, json, newRouter, securedRoute } from '../router.js';

const PipelineCheckSchema = checks.pipelineCheckRow.omit({ org_id: true }).openapi('PipelineCheck');

const start = securedRoute('diagnostics:run', {
  method: 'post',
  path: '/diagnostics/pipeline-checks',
  tags: ['diagnostics'],
  summary: 'Start a workflow that proves API → Temporal → worker → Postgres works',
  request: {
    headers: IdempotencyHeaders,
  },
  responses: {
    202: json(PipelineCheckSchema, 'Started; poll GET …/{id} until status is completed'),
    ...errorResponses,
  },
});

const get = securedRoute('diagnostics:read', {
  method: 'get',
  path: '/diagnostics/pipeline-checks/{id}',
  tags: ['diagnostics'],
  request: { params: IdParams },
  responses: { 200: json(PipelineCheckSchema, 'The check, read from Postgres'), ...errorResponses },
});

const view = ({ org_id: _org, ...row }: checks.PipelineCheckRow) => row;

export function diagnosticsRoutes(deps: { db: Db; temporal: Client; taskQueuePrefix: string }) {
  return newRouter()
    .openapi(start, async (c) => {
      const p = c.get('principal');
      const result = await idempotent(deps.db, c, { action: 'pipeline-check' }, {}, async () => {
        const row = await startPipelineCheck(deps, p.orgId, commandActor(c));
        return { status: 202, body: view(row) };
      });
      return c.json(result.body as z.infer<typeof PipelineCheckSchema>, 202);
    })
    .openapi(get, async (c) => {
      const row = await checks.getPipelineCheck(deps.db, c.get('principal').orgId, c.req.valid('param').id);
      if (!row) throw notFound('pipeline check');
      return c.json(view(row), 200);
    });
}
