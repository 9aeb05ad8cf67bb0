import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/pool.js';
import { sealedValueCounts } from '../../db/customers/customers.js';
import type { FieldCipher } from '../../lib/field-encryption.js';
import { startFieldEncryptionRotation } from '../../temporal/clients/platform.js';
import { auditRequest } from '../audit.js';
import { errorResponses, json, newRouter, securedRoute } from '../router.js';

const Status = z
  .object({
    active_version: z.number().int(),
    key_versions: z.array(z.number().int()),
    sealed_values: z
      .record(z.number().int())
      .openapi({ description: 'Sealed values by key version, e.g. {"1": 10, "2": 3}', example: { '2': 12 } }),
    plaintext_values: z.number().int().openapi({ description: 'Dates of birth written before encryption' }),
    stale_values: z
      .number()
      .int()
      .openapi({ description: 'Values the next pass will re-seal; 0 means old keys may go' }),
  })
  .openapi('EncryptionStatus');

const routes = {
  status: securedRoute('encryption:manage', {
    method: 'get',
    path: '/admin/encryption',
    tags: ['admin'],
    summary: 'Key ring in use and how many of this organisation’s sealed values each key holds',
    responses: { 200: json(Status, 'Status'), ...errorResponses },
  }),
  rotate: securedRoute('encryption:manage', {
    method: 'post',
    path: '/admin/encryption/rotate',
    tags: ['admin'],
    summary:
      'Re-seal this organisation’s values under the active key now (workflow field-encryption-<orgId>)',
    responses: {
      202: json(z.object({ workflow_id: z.string(), run_id: z.string() }), 'Started (or already running)'),
      ...errorResponses,
    },
  }),
};

export function encryptionAdminRoutes(deps: {
  db: Db;
  temporal: Client;
  taskQueuePrefix: string;
  cipher: FieldCipher;
}) {
  const { db, temporal, cipher } = deps;
  return newRouter()
    .openapi(routes.status, async (c) => {
      const counts = await sealedValueCounts(db, c.get('principal').orgId);
      const stale = Object.entries(counts.byVersion)
        .filter(([v]) => v !== String(cipher.activeVersion))
        .reduce((n, [, count]) => n + count, counts.plaintext);
      return c.json(
        {
          active_version: cipher.activeVersion,
          key_versions: cipher.versions,
          sealed_values: counts.byVersion,
          plaintext_values: counts.plaintext,
          stale_values: stale,
        },
        200,
      );
    })
    .openapi(routes.rotate, async (c) => {
      const orgId = c.get('principal').orgId;
      const { workflowId, runId } = await startFieldEncryptionRotation(temporal, orgId, {
        prefix: deps.taskQueuePrefix,
      });
      await auditRequest(db, c, {
        action: 'encryption.rotation_started',
        resourceType: 'workflow',
        resourceId: workflowId,
        after: { active_version: cipher.activeVersion },
      });
      return c.json({ workflow_id: workflowId, run_id: runId }, 202);
    });
}
