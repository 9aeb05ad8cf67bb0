import { z } from '@hono/zod-openapi';
import { setPreferences } from '../../commands/notify/set-preferences.js';
import { verifyEmail } from '../../commands/notify/verify-email.js';
import * as preferences from '../../db/notify/preferences.js';
import type { Db } from '../../db/pool.js';
import { CHANNELS } from '../../workflows/notify/channels.js';
import { commandActor } from '../audit.js';
import { notFound } from '../errors.js';
import { errorResponses, IdParams, json, jsonBody, newRouter, securedRoute } from '../router.js';
import { documented, Locale, NullableTimeZone } from '../schemas.js';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time "HH:MM" (00:00–23:59)');
const KIND = /^[a-z0-9_]{1,50}$/;
const Kind = z.string().regex(KIND, 'must be a lowercase kind such as "bill_reminder"');

const PreferencesSchema = preferences.preferencesRow.openapi('Preferences');

const tags = ['notifications'];
const routes = {
  getPreferences: securedRoute('customers:read', {
    method: 'get',
    path: '/customers/{id}/preferences',
    tags,
    request: { params: IdParams },
    responses: { 200: json(PreferencesSchema, 'Preferences (defaults when never set)'), ...errorResponses },
  }),
  putPreferences: securedRoute('customers:write', {
    method: 'put',
    path: '/customers/{id}/preferences',
    tags,
    request: {
      params: IdParams,
      body: jsonBody(
        z
          .object({
            email_enabled: z.boolean(),
            sms_enabled: z.boolean(),
            timezone: NullableTimeZone,
            locale: Locale.nullable().openapi({
              description:
                'Picks the templates in this locale (or its language), else the organisation’s default',
            }),
            quiet_hours_enabled: z.boolean(),
            quiet_hours_start: HHMM,
            quiet_hours_end: HHMM,
            max_per_hour: z.number().int().min(1).max(1000),
            max_per_day: z.number().int().min(1).max(10_000),
            channels_by_kind: documented(z.record(Kind, z.array(z.enum(CHANNELS)).max(3)), {
              propertyNames: { pattern: KIND.source },
            }),
          })
          .partial()
          .strict()
          .refine((p) => Object.keys(p).length > 0, 'send at least one preference')
          .openapi({ minProperties: 1 }),
      ),
    },
    responses: { 200: json(PreferencesSchema, 'Saved'), ...errorResponses },
  }),
  verifyEmail: securedRoute('customers:write', {
    method: 'post',
    path: '/customers/{id}/preferences/verify-email',
    tags,
    summary: 'The customer confirmed their email address again (after a bounce)',
    request: { params: IdParams },
    responses: { 200: json(PreferencesSchema, 'Email may be sent again'), ...errorResponses },
  }),
};

/** A customer's notification preferences: channels, quiet hours, a verified email. */
export function preferenceRoutes(deps: { db: Db }) {
  const { db } = deps;
  return newRouter()
    .openapi(routes.getPreferences, async (c) => {
      const prefs = await preferences.getPreferences(db, c.get('principal').orgId, c.req.valid('param').id);
      if (!prefs) throw notFound('customer');
      return c.json(prefs, 200);
    })
    .openapi(routes.putPreferences, async (c) => {
      const orgId = c.get('principal').orgId;
      const id = c.req.valid('param').id;
      await setPreferences(db, orgId, id, c.req.valid('json'), commandActor(c));
      return c.json((await preferences.getPreferences(db, orgId, id))!, 200);
    })
    .openapi(routes.verifyEmail, async (c) => {
      const orgId = c.get('principal').orgId;
      const id = c.req.valid('param').id;
      await verifyEmail(db, orgId, id, commandActor(c));
      return c.json((await preferences.getPreferences(db, orgId, id))!, 200);
    });
}
