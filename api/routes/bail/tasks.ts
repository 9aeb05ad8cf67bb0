import { z } from '@hono/zod-openapi';
import { completeTask } from '../../../commands/bail/complete-task.js';
import { BAIL_TASK_TYPES, bailTaskRow, listBailTasks } from '../../../db/bail/tasks.js';
import type { Db } from '../../../db/pool.js';
import { pageQuerySchema, toPage } from '../../../lib/pagination.js';
import { commandActor } from '../../audit.js';
import { errorResponses, IdParams, json, newRouter, pageSchema, securedRoute } from '../../router.js';

const TaskSchema = bailTaskRow.openapi('BailTask');
const tags = ['bail'];
const routes = {
  list: securedRoute('bail:read', {
    method: 'get',
    path: '/bail/tasks',
    tags,
    summary: "The agents' work queue: failures to appear, forfeitures coming, recoveries, outcomes to record",
    request: {
      query: pageQuerySchema.extend({
        status: z.enum(['open', 'done']).optional(),
        type: z.enum(BAIL_TASK_TYPES).optional(),
        bond_id: z.string().uuid().optional(),
      }),
    },
    responses: { 200: json(pageSchema(TaskSchema), 'Tasks, newest first'), ...errorResponses },
  }),
  done: securedRoute('bail:write', {
    method: 'post',
    path: '/bail/tasks/{id}/done',
    tags,
    request: { params: IdParams },
    responses: { 200: json(TaskSchema, 'Done'), ...errorResponses },
  }),
};

export function bailTaskRoutes(deps: { db: Db }) {
  const { db } = deps;
  return newRouter()
    .openapi(routes.list, async (c) => {
      const q = c.req.valid('query');
      const page = toPage(await listBailTasks(db, c.get('principal').orgId, q), q.limit);
      return c.json(page, 200);
    })
    .openapi(routes.done, async (c) => {
      const row = await completeTask(db, c.get('principal').orgId, c.req.valid('param').id, commandActor(c));
      return c.json(row, 200);
    });
}
