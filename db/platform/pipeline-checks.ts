import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

export const pipelineCheckRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  requested_by: z.string(),
  status: z.enum(['pending', 'completed']),
  workflow_id: z.string(),
  database_time: z.string().nullable(),
  postgres_version: z.string().nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
});
export type PipelineCheckRow = z.infer<typeof pipelineCheckRow>;

const columns = sql.fragment`id, org_id, requested_by, status, workflow_id, database_time, postgres_version, created_at, completed_at`;

export function insertPipelineCheck(
  db: Queryable,
  c: { id: string; orgId: string; requestedBy: string; workflowId: string },
): Promise<PipelineCheckRow> {
  return db.one(sql.type(pipelineCheckRow)`
    INSERT INTO pipeline_checks (id, org_id, requested_by, workflow_id)
    VALUES (${c.id}, ${c.orgId}, ${c.requestedBy}, ${c.workflowId})
    RETURNING ${columns}`);
}

export function getPipelineCheck(db: Queryable, orgId: string, id: string): Promise<PipelineCheckRow | null> {
  return db.maybeOne(sql.type(pipelineCheckRow)`
    SELECT ${columns} FROM pipeline_checks WHERE org_id = ${orgId} AND id = ${id}`);
}

/** Completes a pending check; a retried activity finds it completed and changes nothing. */
export function completePipelineCheck(db: Queryable, orgId: string, id: string): Promise<PipelineCheckRow> {
  return db.one(sql.type(pipelineCheckRow)`
    WITH done AS (
      UPDATE pipeline_checks
      SET status = 'completed', completed_at = now(), database_time = now(),
          postgres_version = current_setting('server_version')
      WHERE org_id = ${orgId} AND id = ${id} AND status = 'pending'
      RETURNING ${columns}
    )
    SELECT ${columns} FROM done
    UNION ALL
    SELECT ${columns} FROM pipeline_checks
    WHERE org_id = ${orgId} AND id = ${id} AND NOT EXISTS (SELECT 1 FROM done)`);
}
