import { parseArgs } from 'node:util';
import { z } from 'zod';
import { audit } from '../commands/audited.js';
import { createDatabaseIfMissing } from '../db/ensure-database.js';
import { migrate } from '../db/migrate.js';
import { assignSmsNumber, findOrganizationByName } from '../db/platform/organizations.js';
import { createDb } from '../db/pool.js';
import { DEFAULT_DATABASE_URL, loadConfig } from '../lib/config.js';
import { toE164 } from '../lib/phone.js';

/**
 * `npm run assign-sms-number -- --org NAME --number +14155550100`: a platform operator gives an
 * organisation a sending number it owns at the provider; its admin may then set it
 * (PATCH /api/v1/organization). A number another organisation holds is refused.
 */
const args = z
  .object({
    org: z.string().trim().min(1, '--org is required'),
    number: z.string().transform((n, ctx) => {
      const e164 = toE164(n);
      if (!e164) ctx.addIssue({ code: 'custom', message: '--number must be a phone number' });
      return e164 ?? '';
    }),
  })
  .safeParse(parseArgs({ options: { org: { type: 'string' }, number: { type: 'string' } } }).values);
if (!args.success) {
  process.stderr.write(
    `${args.error.issues.map((i) => i.message).join('\n')}\nusage: npm run assign-sms-number -- --org NAME --number +14155550100\n`,
  );
  process.exit(2);
}

const config = loadConfig();
const url = config.DATABASE_URL ?? DEFAULT_DATABASE_URL;
await createDatabaseIfMissing(url);
await migrate(url);
const db = await createDb(url, { maximumPoolSize: 1 });
try {
  const { org, number } = args.data;
  const organization = await findOrganizationByName(db, org);
  if (!organization) {
    process.stderr.write(`no organisation named "${org}"\n`);
    process.exitCode = 1;
  } else if (config.TWILIO_FROM && toE164(config.TWILIO_FROM) === number) {
    process.stderr.write(`${number} is the deployment's shared sending number (TWILIO_FROM)\n`);
    process.exitCode = 1;
  } else {
    const assigned = await db.transaction(async (t) => {
      const ok = await assignSmsNumber(t, organization.id, number, 'platform-operator');
      if (ok)
        await audit(
          t,
          organization.id,
          { type: 'system', id: 'platform-operator' },
          {
            action: 'organization.sms_number_assigned',
            resourceType: 'organization',
            resourceId: organization.id,
            after: { number },
          },
        );
      return ok;
    });
    if (assigned) process.stdout.write(`${number} assigned to "${org}"; its admin may now set it\n`);
    else {
      process.stderr.write(`${number} belongs to another organisation\n`);
      process.exitCode = 1;
    }
  }
} finally {
  await db.end();
}
