import { z } from '@hono/zod-openapi';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import {
  addAppearance,
  recordAppearanceOutcome,
  rescheduleAppearance,
} from '../../../commands/bail/court-dates.js';
import { appearanceRow } from '../../../db/bail/appearances.js';
import type { Db } from '../../../db/pool.js';
import { dispatchStarts } from '../../../temporal/clients/pending-starts.js';
import { APPEARANCE_OUTCOMES } from '../../../workflows/bail/bond-status.js';
import { commandActor } from '../../audit.js';
import {
  conflictResponses,
  errorResponses,
  IdParams,
  json,
  jsonBody,
  newRouter,
  securedRoute,
} from '../../router.js';
import { IsoDateTime, Text, TimeZone } from '../../schemas.js';

export const AppearanceInput = z
  .object({
    scheduled_at: IsoDateTime,
    time_zone: TimeZone.openapi({ example: 'America/Chicago', description: "The court's IANA time zone" }),
    court_name: Text(200),
    address: z.string().trim().max(500).nullable().optional(),
    notes: z.string().trim().max(2000).nullable().optional(),
  })
  .strict()
  .openapi('NewCourtAppearance');

export const AppearanceSchema = appearanceRow.omit({ org_id: true }).openapi('CourtAppearance');
const view = ({ org_id: _o, ...a }: z.infer<typeof appearanceRow>) => a;

const Params = IdParams.extend({
  appearanceId: z
    .string()
    .uuid()
    .openapi({ param: { name: 'appearanceId', in: 'path' } }),
});

const tags = ['bail'];
const routes = {
  add: securedRoute('bail:write', {
    method: 'post',
    path: '/bail/bonds/{id}/appearances',
    tags,
    summary: 'Add a court date; its reminders are planned at once',
    request: { params: IdParams, body: jsonBody(AppearanceInput) },
    responses: { 201: json(AppearanceSchema, 'Scheduled'), ...conflictResponses, ...errorResponses },
  }),
  reschedule: securedRoute('bail:write', {
    method: 'post',
    path: '/bail/bonds/{id}/appearances/{appearanceId}/reschedule',
    tags,
    summary: 'Move a court date: the client and indemnitors are told and the reminders move',
    request: {
      params: Params,
      body: jsonBody(
        z
          .object({
            scheduled_at: IsoDateTime,
            time_zone: TimeZone.optional(),
            court_name: Text(200).optional(),
            address: z.string().trim().max(500).nullable().optional(),
            notes: z.string().trim().max(2000).nullable().optional(),
          })
          .strict(),
      ),
    },
    responses: { 201: json(AppearanceSchema, 'The new court date'), ...conflictResponses, ...errorResponses },
  }),
  outcome: securedRoute('bail:write', {
    method: 'post',
    path: '/bail/bonds/{id}/appearances/{appearanceId}/outcome',
    tags,
    summary: 'Record what happened: appeared, or missed (failure to appear: the forfeiture clock starts)',
    request: {
      params: Params,
      body: jsonBody(
        z
          .object({ outcome: z.enum(APPEARANCE_OUTCOMES), notes: z.string().trim().max(2000).optional() })
          .strict(),
      ),
    },
    responses: { 200: json(AppearanceSchema, 'Recorded'), ...conflictResponses, ...errorResponses },
  }),
};

export function appearanceRoutes(deps: { db: Db; temporal: Client; taskQueuePrefix: string }) {
  const { db } = deps;
  const tell = (starts: Parameters<typeof dispatchStarts>[2], log: Logger) =>
    dispatchStarts(deps.temporal, db, starts, { prefix: deps.taskQueuePrefix, log });
  return newRouter()
    .openapi(routes.add, async (c) => {
      const p = c.get('principal');
      const r = await addAppearance(
        db,
        p.orgId,
        c.req.valid('param').id,
        c.req.valid('json'),
        commandActor(c),
      );
      await tell(r.starts, c.get('log'));
      return c.json(view(r.appearance), 201);
    })
    .openapi(routes.reschedule, async (c) => {
      const p = c.get('principal');
      const { id, appearanceId } = c.req.valid('param');
      const r = await rescheduleAppearance(
        db,
        p.orgId,
        id,
        appearanceId,
        c.req.valid('json'),
        commandActor(c),
      );
      await tell(r.starts, c.get('log'));
      return c.json(view(r.appearance), 201);
    })
    .openapi(routes.outcome, async (c) => {
      const p = c.get('principal');
      const { id, appearanceId } = c.req.valid('param');
      const body = c.req.valid('json');
      const r = await recordAppearanceOutcome(
        db,
        p.orgId,
        id,
        appearanceId,
        body.outcome,
        body.notes ?? null,
        commandActor(c),
      );
      await tell(r.starts, c.get('log'));
      return c.json(view(r.appearance), 200);
    });
}
