import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDatabase, type DatabaseHandle } from '../../db/ensure-database.js';
import { migrate } from '../../db/migrate.js';
import { createLogger } from '../../lib/logger.js';

const log = createLogger({ level: 'silent' });
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sentinel-embedded-'));
// Postgres runs as an unprivileged user when we are root; it must reach its data folder.
fs.chmodSync(dataDir, 0o755);
let handle: DatabaseHandle | undefined;

afterAll(async () => {
  await handle?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('finding Postgres', () => {
  it('starts an embedded Postgres when nothing answers and DATABASE_URL is unset', async () => {
    handle = await ensureDatabase({
      dataDir,
      log,
      defaultUrl: 'postgres://postgres@127.0.0.1:1/sentinel_embedded',
      embeddedPort: 54000 + Math.floor(Math.random() * 900),
    });
    expect(handle.embedded).toBe(true);
    const applied = await migrate(handle.url);
    expect(applied[0]).toMatch(/_platform$/);
    expect(applied).toEqual([...applied].sort());
    // Migrations run under a lock and only once.
    expect(await migrate(handle.url)).toEqual([]);
    const client = new pg.Client(handle.url);
    await client.connect();
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM organizations');
    await client.end();
    expect(rows[0]?.n).toBe(0);
  });

  it.runIf(process.getuid?.() === 0)(
    'as root, says what to do when the postgres user cannot reach the data folder',
    async () => {
      const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'sentinel-closed-')); // 0700, like /root
      try {
        await expect(
          ensureDatabase({
            dataDir: path.join(closed, 'checkout', '.data'),
            log,
            defaultUrl: 'postgres://postgres@127.0.0.1:1/sentinel_embedded',
          }),
        ).rejects.toThrow(new RegExp(`cannot enter ${closed} \\(mode 700\\).*DATABASE_URL.*chmod o\\+x`));
      } finally {
        fs.rmSync(closed, { recursive: true, force: true });
      }
    },
  );

  it('never swaps in an embedded server for an explicit DATABASE_URL that does not answer', async () => {
    await expect(
      ensureDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/nowhere', dataDir, log }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
