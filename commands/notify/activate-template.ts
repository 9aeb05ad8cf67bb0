import type { Db } from '../../db/pool.js';
import * as templates from '../../db/notify/templates.js';
import { audited, type CommandActor } from '../audited.js';

/** Puts a template version in use, retiring the one before; null when there is no such version. */
export function activateTemplate(
  db: Db,
  orgId: string,
  id: string,
  by: CommandActor,
): Promise<templates.TemplateRow | null> {
  return audited(
    db,
    orgId,
    by,
    (t) => templates.activateTemplate(t, orgId, id),
    (row) => ({ action: 'template.activated', resourceType: 'notification_template', resourceId: row.id }),
  );
}
