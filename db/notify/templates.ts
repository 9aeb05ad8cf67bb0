import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from '../pool.js';

export const templateRow = z.object({
  id: z.string().uuid(),
  org_id: z.string().uuid(),
  kind: z.string(),
  channel: z.enum(['in_app', 'email', 'sms']),
  /** BCP 47 ("es", "es-MX"); null: the organisation's default for every locale. */
  locale: z.string().nullable(),
  version: z.number().int(),
  subject: z.string().nullable(),
  body: z.string(),
  active: z.boolean(),
  created_at: z.string(),
});
export type TemplateRow = z.infer<typeof templateRow>;

const columns = sql.fragment`id, org_id, kind, channel, locale, version, subject, body, active, created_at`;

export function listTemplates(
  db: Queryable,
  orgId: string,
  f: { kind?: string | undefined; channel?: string | undefined; locale?: string | undefined },
): Promise<readonly TemplateRow[]> {
  return db.any(sql.type(templateRow)`
    SELECT ${columns} FROM notification_templates
    WHERE org_id = ${orgId}
      AND (${f.kind ?? null}::text IS NULL OR kind = ${f.kind ?? null})
      AND (${f.channel ?? null}::text IS NULL OR channel = ${f.channel ?? null})
      AND (${f.locale ?? null}::text IS NULL OR locale = ${f.locale ?? null})
    ORDER BY kind, channel, locale NULLS FIRST, version DESC`);
}

/** A new version (inactive) of the organisation's template for a kind, channel and locale. */
export async function createTemplateVersion(
  db: Queryable,
  orgId: string,
  t: {
    kind: string;
    channel: TemplateRow['channel'];
    locale: string | null;
    subject: string | null;
    body: string;
  },
): Promise<TemplateRow> {
  // Serialise version numbering per (org, kind, channel, locale).
  await db.query(
    sql.unsafe`SELECT pg_advisory_xact_lock(hashtext(${`${orgId}:${t.kind}:${t.channel}:${t.locale ?? ''}`}))`,
  );
  return db.one(sql.type(templateRow)`
    INSERT INTO notification_templates (org_id, kind, channel, locale, version, subject, body)
    SELECT ${orgId}, ${t.kind}, ${t.channel}, ${t.locale}, coalesce(max(version), 0) + 1, ${t.subject}, ${t.body}
    FROM notification_templates
    WHERE org_id = ${orgId} AND kind = ${t.kind} AND channel = ${t.channel}
      AND coalesce(locale, '') = ${t.locale ?? ''}
    RETURNING ${columns}`);
}

export function getTemplate(db: Queryable, orgId: string, id: string): Promise<TemplateRow | null> {
  return db.maybeOne(sql.type(templateRow)`
    SELECT ${columns} FROM notification_templates WHERE org_id = ${orgId} AND id = ${id}`);
}

/** Makes this version the one in use; the previous active version is retired in the same transaction. */
export async function activateTemplate(
  db: Queryable,
  orgId: string,
  id: string,
): Promise<TemplateRow | null> {
  const t = await db.maybeOne(sql.type(templateRow)`
    SELECT ${columns} FROM notification_templates WHERE org_id = ${orgId} AND id = ${id} FOR UPDATE`);
  if (!t) return null;
  await db.query(sql.unsafe`
    UPDATE notification_templates SET active = false
    WHERE org_id = ${orgId} AND kind = ${t.kind} AND channel = ${t.channel}
      AND coalesce(locale, '') = ${t.locale ?? ''} AND active AND id <> ${id}`);
  return db.one(sql.type(templateRow)`
    UPDATE notification_templates SET active = true WHERE org_id = ${orgId} AND id = ${id} RETURNING ${columns}`);
}

/**
 * The organisation's active template for a kind and channel in the customer's locale: the exact
 * locale ("es-MX"), else its language ("es"), else the organisation's default (no locale).
 */
export function activeTemplate(
  db: Queryable,
  orgId: string,
  kind: string,
  channel: TemplateRow['channel'],
  locale: string | null = null,
): Promise<{ subject: string | null; body: string; locale: string | null } | null> {
  const language = locale?.split('-')[0] ?? null;
  return db.maybeOne(sql.type(
    z.object({ subject: z.string().nullable(), body: z.string(), locale: z.string().nullable() }),
  )`
    SELECT subject, body, locale FROM notification_templates
    WHERE org_id = ${orgId} AND kind = ${kind} AND channel = ${channel} AND active
      AND (locale IS NULL OR locale = ${locale} OR locale = ${language})
    ORDER BY (locale = ${locale}) DESC NULLS LAST, (locale = ${language}) DESC NULLS LAST
    LIMIT 1`);
}
