import { z } from '@hono/zod-openapi';
import * as interactions from '../../../db/insights/interactions.js';
import type { Db } from '../../../db/pool.js';
import { CHANNELS } from '../../../workflows/insights/patterns.js';
import { unprocessable } from '../../errors.js';
import { errorResponses, json, newRouter, securedRoute } from '../../router.js';
import { IsoDateTime, Text, TimeZone } from '../../schemas.js';

const DAY = 86_400_000;
/** The longest period a trend or summary covers: a year of days, five years of weeks. */
const MAX_DAYS = { day: 366, week: 5 * 366 } as const;

const Period = {
  from: IsoDateTime.optional().openapi({ description: 'Default: 30 days before `to`' }),
  to: IsoDateTime.optional().openapi({ description: 'Default: now' }),
};

const PERIOD = 'The period cannot be read';

function period(q: { from?: string | undefined; to?: string | undefined }, maxDays: number) {
  const to = q.to ?? new Date().toISOString();
  const from = q.from ?? new Date(Date.parse(to) - 30 * DAY).toISOString();
  const span = Date.parse(to) - Date.parse(from);
  if (span <= 0)
    throw unprocessable([{ path: 'query.from', message: 'must be before to', code: 'custom' }], PERIOD);
  if (span > maxDays * DAY)
    throw unprocessable(
      [{ path: 'query.from', message: `the period may span at most ${maxDays} days`, code: 'too_big' }],
      PERIOD,
    );
  return { from, to };
}

const TrendSchema = z
  .object({
    group_by: z.enum(['day', 'week']),
    time_zone: z.string(),
    from: z.string(),
    to: z.string(),
    data: z.array(interactions.trendRow),
  })
  .openapi('SentimentTrends');
const SummarySchema = interactions.summaryRow
  .extend({ from: z.string(), to: z.string() })
  .openapi('InsightsSummary');

const tags = ['insights'];
const routes = {
  trends: securedRoute('insights:read', {
    method: 'get',
    path: '/insights/sentiment-trends',
    tags,
    summary: 'Interactions and mean sentiment per day or week, cut in the given time zone',
    request: {
      query: z.object({
        group_by: z.enum(['day', 'week']).default('day'),
        channel: z.enum(CHANNELS).optional(),
        segment: Text(100).optional(),
        time_zone: TimeZone.optional().openapi({
          description: 'IANA zone the buckets are cut in; default UTC',
        }),
        ...Period,
      }),
    },
    responses: {
      200: json(TrendSchema, 'Buckets in order; a bucket is the local date it starts on'),
      ...errorResponses,
    },
  }),
  summary: securedRoute('insights:read', {
    method: 'get',
    path: '/insights/summary',
    tags,
    summary: 'Totals over a period: interactions, customers, mean sentiment, by channel and by label',
    request: { query: z.object(Period) },
    responses: { 200: json(SummarySchema, 'The summary'), ...errorResponses },
  }),
};

/** Aggregates over the organisation's interactions. */
export function insightRoutes(deps: { db: Db }) {
  return newRouter()
    .openapi(routes.trends, async (c) => {
      const q = c.req.valid('query');
      const p = period(q, MAX_DAYS[q.group_by]);
      const timeZone = q.time_zone ?? 'UTC';
      const data = await interactions.sentimentTrends(deps.db, c.get('principal').orgId, {
        groupBy: q.group_by,
        timeZone,
        ...p,
        channel: q.channel,
        segment: q.segment,
      });
      return c.json({ group_by: q.group_by, time_zone: timeZone, ...p, data: [...data] }, 200);
    })
    .openapi(routes.summary, async (c) => {
      const p = period(c.req.valid('query'), MAX_DAYS.week);
      const summary = await interactions.interactionSummary(deps.db, c.get('principal').orgId, p);
      return c.json({ ...summary, ...p }, 200);
    });
}
