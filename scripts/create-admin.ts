import { parseArgs } from 'node:util';
import { UniqueIntegrityConstraintViolationError } from 'slonik';
import { z } from 'zod';
import { createDatabaseIfMissing } from '../db/ensure-database.js';
import { migrate } from '../db/migrate.js';
import { createOrganization, findOrganizationByName } from '../db/platform/organizations.js';
import { insertUser } from '../db/platform/users.js';
import { createDb } from '../db/pool.js';
import { DEFAULT_DATABASE_URL, loadConfig } from '../lib/config.js';
import { hashPassword } from '../lib/passwords.js';

/** `npm run create-admin -- --org NAME --email E --password P`: the first admin of a fresh install. */
const args = z
  .object({
    org: z.string().trim().min(1, '--org is required'),
    email: z.string().email('--email must be an email address'),
    password: z.string().min(12, '--password must be at least 12 characters'),
    name: z.string().trim().min(1).default('Administrator'),
  })
  .safeParse(
    parseArgs({
      options: {
        org: { type: 'string' },
        email: { type: 'string' },
        password: { type: 'string' },
        name: { type: 'string' },
      },
    }).values,
  );
if (!args.success) {
  process.stderr.write(
    `${args.error.issues.map((i) => i.message).join('\n')}\nusage: npm run create-admin -- --org NAME --email E --password P\n`,
  );
  process.exit(2);
}

const config = loadConfig();
const url = config.DATABASE_URL ?? DEFAULT_DATABASE_URL;
await createDatabaseIfMissing(url);
await migrate(url);
const db = await createDb(url, { maximumPoolSize: 1 });
try {
  const { org, email, password, name } = args.data;
  const user = await db.transaction(async (tx) => {
    const organization = (await findOrganizationByName(tx, org)) ?? (await createOrganization(tx, org));
    return insertUser(tx, {
      orgId: organization.id,
      email,
      name,
      role: 'admin',
      passwordHash: await hashPassword(password),
    });
  });
  process.stdout.write(`admin ${user.email} created in organisation "${org}" (${user.org_id})\n`);
} catch (err) {
  if (err instanceof UniqueIntegrityConstraintViolationError) {
    process.stderr.write('a user with this email already exists\n');
    process.exitCode = 1;
  } else {
    throw err;
  }
} finally {
  await db.end();
}
