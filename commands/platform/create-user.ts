import { UniqueIntegrityConstraintViolationError } from 'slonik';
import type { Db } from '../../db/pool.js';
import * as users from '../../db/platform/users.js';
import { ConflictError } from '../../lib/domain-errors.js';
import { hashPassword } from '../../lib/passwords.js';
import type { Role } from '../../lib/roles.js';
import { audited, type CommandActor } from '../audited.js';

/** Adds a colleague to the organisation; an email is one user across the organisation. */
export async function createUser(
  db: Db,
  orgId: string,
  u: { email: string; name: string; role: Role; password: string },
  by: CommandActor,
): Promise<users.UserRow> {
  const passwordHash = await hashPassword(u.password);
  try {
    return (await audited(
      db,
      orgId,
      by,
      (t) => users.insertUser(t, { orgId, email: u.email, name: u.name, role: u.role, passwordHash }),
      (row) => ({
        action: 'user.created',
        resourceType: 'user',
        resourceId: row.id,
        after: { role: row.role },
      }),
    ))!;
  } catch (err) {
    if (err instanceof UniqueIntegrityConstraintViolationError)
      // The same words whether the email is a colleague's or someone's in another organisation.
      throw new ConflictError('This email cannot be used for a new user');
    throw err;
  }
}
