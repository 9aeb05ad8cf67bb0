import { sql } from 'slonik';
import { z } from 'zod';
import type { Queryable } from './pool.js';

/**
 * Why the process must not run on this connection, or null: in production the API and workers
 * connect as a role granted `sentinel_app`, never as a superuser (which could rewrite the audit
 * trail, read every tenant's rows past any grant, or change the schema).
 */
export async function superuserProblem(db: Queryable): Promise<string | null> {
  const who = await db.one(sql.type(z.object({ name: z.string(), superuser: z.boolean() }))`
    SELECT current_user AS name, rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`);
  return who.superuser
    ? `DATABASE_URL connects as ${who.name}, a superuser: in production connect as a role granted sentinel_app (deploy/postgres/init-roles.sh makes sentinel_runtime); only migrations run as the owner`
    : null;
}

/** In production, stops the process before it serves anything when it connects as a superuser. */
export async function refuseSuperuser(nodeEnv: string, db: Queryable): Promise<void> {
  if (nodeEnv !== 'production') return;
  const problem = await superuserProblem(db);
  if (!problem) return;
  process.stderr.write(`Refusing to start in production:\n  - ${problem}\n`);
  process.exit(1);
}
