import type { Db } from '../../db/pool.js';
import * as templates from '../../db/notify/templates.js';
import { audited, type CommandActor } from '../audited.js';

/** Adds a new (inactive) version of a notification template; activating it is a separate command. */
export async function createTemplateVersion(
  db: Db,
  orgId: string,
  t: Parameters<typeof templates.createTemplateVersion>[2],
  by: CommandActor,
): Promise<templates.TemplateRow> {
  return (await audited(
    db,
    orgId,
    by,
    (tx) => templates.createTemplateVersion(tx, orgId, t),
    (row) => ({ action: 'template.created', resourceType: 'notification_template', resourceId: row.id }),
  ))!;
}
