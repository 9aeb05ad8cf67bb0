import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createDb } from '../../db/pool.js';
import { createLogger } from '../../lib/logger.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const config = {
  JWT_SECRET: 'x'.repeat(32),
  CARD_HASH_KEY: 'y'.repeat(32),
  JWT_ISSUER: 'sentinel-test',
  ACCESS_TOKEN_TTL_SECONDS: 3600,
  REFRESH_TOKEN_TTL_SECONDS: 3600,
  CORS_ORIGINS: [],
  BODY_LIMIT_BYTES: 1024 * 1024,
  TASK_QUEUE_PREFIX: '',
};

describe('health', () => {
  it('is live, and ready when Postgres and Temporal answer', async () => {
    expect((await h.call('GET', '/health/live')).body).toEqual({ status: 'ok' });
    const ready = await h.call('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { postgres: 'up', temporal: 'up' } });
  });

  it('answers 503 naming what is down', async () => {
    // A pool that has been ended fails every query, as an unreachable Postgres does;
    // nothing listens on port 1 for Temporal.
    const deadDb = await createDb(inject('databaseUrl'), { maximumPoolSize: 1 });
    await deadDb.end();
    const deadTemporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const log = createLogger({ level: 'silent' });

    const noDb = createApp({ config, db: deadDb, cipher: h.cipher, temporal: h.temporal, log });
    const r1 = await noDb.request('/health/ready');
    expect(r1.status).toBe(503);
    expect(await r1.json()).toMatchObject({
      error: {
        code: 'not_ready',
        message: 'postgres is down',
        details: { checks: { postgres: 'down', temporal: 'up' } },
      },
    });

    const neither = createApp({ config, db: deadDb, cipher: h.cipher, temporal: deadTemporal, log });
    const r2 = await neither.request('/health/ready');
    expect(r2.status).toBe(503);
    expect(((await r2.json()) as { error: { message: string } }).error.message).toBe(
      'postgres and temporal are down',
    );
  });
});
