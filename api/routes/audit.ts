import { z } from '@hono/zod-openapi';
import { stream } from 'hono/streaming';
import { auditRow, listAudit, type AuditRow } from '../../db/platform/audit.js';
import type { Db } from '../../db/pool.js';
import { encodeCursor, pageQuerySchema, toPage } from '../../lib/pagination.js';
import { auditRequest } from '../audit.js';
import { errorResponses, json, newRouter, pageSchema, securedRoute } from '../router.js';
import { Chars, IsoDateTime } from '../schemas.js';

const Filters = z.object({
  actor_id: Chars(200).optional(),
  action: Chars(100).optional(),
  resource_type: Chars(100).optional(),
  resource_id: Chars(200).optional(),
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
});

const AuditEventSchema = auditRow.openapi('AuditEvent');

const ExportQuery = Filters.extend({ format: z.enum(['csv', 'json']).default('json') });

const routes = {
  list: securedRoute('audit:read', {
    method: 'get',
    path: '/audit',
    tags: ['audit'],
    summary: 'The audit trail, newest first',
    request: { query: pageQuerySchema.extend(Filters.shape) },
    responses: { 200: json(pageSchema(AuditEventSchema), 'Audit events'), ...errorResponses },
  }),
  export: securedRoute('audit:read', {
    method: 'get',
    path: '/audit/export',
    tags: ['audit'],
    summary: 'Stream every matching event as CSV or JSON (the export itself is audited)',
    request: { query: ExportQuery },
    responses: {
      200: {
        description: 'The export',
        content: {
          'text/csv': { schema: z.string() },
          'application/json': { schema: z.array(AuditEventSchema) },
        },
      },
      ...errorResponses,
    },
  }),
};

const COLUMNS = [
  'id',
  'created_at',
  'actor_type',
  'actor_id',
  'action',
  'resource_type',
  'resource_id',
  'request_id',
  'client_request_id',
  'ip',
  'before',
  'after',
] as const;

/** RFC 4180 field: quoted when it holds a comma, quote or line break; formulas defused for spreadsheets. */
export function csvField(v: unknown): string {
  let s = '';
  if (typeof v === 'object' && v !== null) s = JSON.stringify(v);
  else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') s = String(v);
  // OWASP's list: a leading = + - @, TAB or CR starts a formula in some spreadsheet.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function auditRoutes(deps: { db: Db }) {
  const { db } = deps;
  return newRouter()
    .openapi(routes.list, async (c) => {
      const q = c.req.valid('query');
      const rows = await listAudit(db, c.get('principal').orgId, q);
      return c.json(toPage(rows, q.limit), 200);
    })
    .openapi(routes.export, async (c) => {
      const { format, ...filters }: z.infer<typeof ExportQuery> = c.req.valid('query');
      const orgId = c.get('principal').orgId;
      await auditRequest(db, c, {
        action: 'audit.exported',
        resourceType: 'audit',
        after: { format, filters },
      });
      c.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json');
      c.header('content-disposition', `attachment; filename="audit.${format}"`);
      // Page by page over the keyset, so an export of any size streams in constant memory.
      return stream(c, async (out) => {
        let cursor: string | undefined;
        let first = true;
        await out.write(format === 'csv' ? `${COLUMNS.join(',')}\r\n` : '[');
        for (;;) {
          const page: readonly AuditRow[] = await listAudit(db, orgId, {
            ...filters,
            limit: 500,
            cursor,
          });
          const rows = page.slice(0, 500);
          for (const r of rows) {
            if (format === 'csv') await out.write(`${COLUMNS.map((k) => csvField(r[k])).join(',')}\r\n`);
            else {
              await out.write(`${first ? '' : ','}\n${JSON.stringify(r)}`);
              first = false;
            }
          }
          if (page.length <= 500) break;
          const last = rows.at(-1)!;
          cursor = encodeCursor([last.created_at, last.id]);
        }
        if (format === 'json') await out.write('\n]\n');
      });
    });
}
