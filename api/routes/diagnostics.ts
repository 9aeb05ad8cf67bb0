import { randomUUID } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import * as checks from '../../db/platform/pipeline-checks.js';
import type { Db } from '../../db/pool.js';
import { startPipelineCheck } from '../../temporal/clients/platform.js';
import { pipelineCheckWorkflowId } from '../../workflows/platform/ids.js';
import { auditRequest } from '../audit.js';
import { notFound } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { errorResponses, IdParams, json, newRouter, securedRoute } from '../router.js';

const PipelineCheckSchema = checks.pipelineCheckRow.omit({ org_id: true }).openapi('PipelineCheck');

const start = securedRoute('diagnostics:run', {
  method: 'post',
  path: '/diagnostics/pipeline-checks',
  tags: ['diagnostics'],
  summary: 'Start a workflow that proves API → Temporal → worker → Postgres works',
  request: {
    headers: z.object({ 'idempotency-key': z.string().optional() }),
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
        const id = randomUUID();
        const workflowId = pipelineCheckWorkflowId(id);
        // The row and the start succeed or fail together: a failed start rolls the row back.
        const row = await deps.db.transaction(async (tx) => {
          const inserted = await checks.insertPipelineCheck(tx, {
            id,
            orgId: p.orgId,
            requestedBy: `${p.actorType}:${p.actorId}`,
            workflowId,
          });
          await startPipelineCheck(
            deps.temporal,
            { orgId: p.orgId, checkId: id },
            { prefix: deps.taskQueuePrefix },
          );
          return inserted;
        });
        await auditRequest(deps.db, c, {
          action: 'pipeline_check.started',
          resourceType: 'pipeline_check',
          resourceId: id,
        });
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
