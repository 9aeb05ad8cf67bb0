import { z } from '@hono/zod-openapi';
import * as orgs from '../../db/platform/organizations.js';
import type { Db } from '../../db/pool.js';
import { phoneNumber, toE164 } from '../../lib/phone.js';
import { setSmsNumber } from '../../commands/platform/set-sms-number.js';
import { commandActor } from '../audit.js';
import { conflictResponses, errorResponses, json, jsonBody, newRouter, securedRoute } from '../router.js';

const OrganizationSchema = orgs.organizationRow.openapi('Organization');

const routes = {
  get: securedRoute('users:read', {
    method: 'get',
    path: '/organization',
    tags: ['users'],
    summary: 'Your organisation and its settings',
    responses: { 200: json(OrganizationSchema, 'The organisation'), ...errorResponses },
  }),
  update: securedRoute('organization:manage', {
    method: 'patch',
    path: '/organization',
    tags: ['users'],
    summary: 'Change settings: `sms_number` sends your SMS and receives customers’ replies',
    description:
      'Inbound SMS are routed by the number they were sent to: a reply reaches only the organisation that owns the number. Only a number a platform operator assigned to your organisation is accepted (422 `not_assigned`), never the deployment’s shared sending number (422 `shared_number`).',
    request: {
      body: jsonBody(
        z
          .object({
            sms_number: phoneNumber
              .openapi({ example: '+14155550100', description: 'International format; stored as E.164' })
              .nullable(),
          })
          .strict(),
      ),
    },
    responses: { 200: json(OrganizationSchema, 'Updated'), ...conflictResponses, ...errorResponses },
  }),
};

export function organizationRoutes(deps: { db: Db; sharedSmsNumber?: string | undefined }) {
  return newRouter()
    .openapi(routes.get, async (c) =>
      c.json(await orgs.getOrganization(deps.db, c.get('principal').orgId), 200),
    )
    .openapi(routes.update, async (c) => {
      const orgId = c.get('principal').orgId;
      const row = await setSmsNumber(deps.db, orgId, c.req.valid('json').sms_number, commandActor(c), {
        sharedNumber: deps.sharedSmsNumber ? toE164(deps.sharedSmsNumber) : null,
      });
      return c.json(row, 200);
    });
}
