import type { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import * as checks from '../../db/platform/pipeline-checks.js';
import type { Db } from '../../db/pool.js';
import { startPipelineCheck as start } from '../../temporal/clients/platform.js';
import { actorString } from '../../workflows/platform/actor.js';
import { pipelineCheckWorkflowId } from '../../workflows/platform/ids.js';
import { audit, type CommandActor } from '../audited.js';

/**
 * Sends a synthetic transaction through the whole pipeline. The row and the start succeed or
 * fail together: a start Temporal refuses rolls the row back, and the caller may retry.
 */
export function startPipelineCheck(
  deps: { db: Db; temporal: Client; taskQueuePrefix?: string | undefined },
  orgId: string,
  by: CommandActor,
): Promise<checks.PipelineCheckRow> {
  const id = randomUUID();
  return deps.db.transaction(async (t) => {
    const row = await checks.insertPipelineCheck(t, {
      id,
      orgId,
      requestedBy: actorString(by),
      workflowId: pipelineCheckWorkflowId(id),
    });
    await start(deps.temporal, { orgId, checkId: id }, { prefix: deps.taskQueuePrefix });
    await audit(t, orgId, by, {
      action: 'pipeline_check.started',
      resourceType: 'pipeline_check',
      resourceId: id,
    });
    return row;
  });
}
