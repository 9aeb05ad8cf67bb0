import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import {
  DefaultLogger,
  makeTelemetryFilterString,
  NativeConnection,
  Runtime,
  type Worker,
} from '@temporalio/worker';
import { inject } from 'vitest';
import { esignFromConfig, paymentsFromConfig } from '../../activities/bail/providers/index.js';
import { createApp } from '../../api/app.js';
import { EventHub } from '../../api/event-hub.js';
import { createDb, type Db } from '../../db/pool.js';
import { createOrganization } from '../../db/platform/organizations.js';
import { insertUser } from '../../db/platform/users.js';
import { FieldCipher } from '../../lib/field-encryption.js';
import { createLogger } from '../../lib/logger.js';
import type { Tracing } from '../../lib/tracing.js';
import type { Logger } from 'pino';
import { hashPassword } from '../../lib/passwords.js';
import type { Role } from '../../lib/roles.js';
import { tracingClientInterceptors } from '../../temporal/tracing.js';
import { createWorkers } from '../../workers/create-workers.js';
import type { WorkerDeps } from '../../workers/registry.js';

export type ApiResponse<T = any> = { status: number; headers: Headers; body: T };
export type CallOptions = {
  token?: string;
  apiKey?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
};

export const TEST_PASSWORD = 'correct horse battery staple';

let runtimeInstalled = false;
/**
 * Workers log errors only in tests: the activity failures tests provoke on purpose would fill a
 * passing run's log with stack traces. The Runtime takes its logger once per process, before any
 * connection.
 */
export function quietTemporalRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
  });
}

/**
 * The real stack for a test file: the Hono app served over HTTP on a free port, the run's
 * Postgres and Temporal dev server, and optionally a real worker. A task-queue prefix of its
 * own keeps this file's workflows on this file's worker.
 */
export async function startHarness(
  opts: {
    worker?: boolean;
    config?: Record<string, unknown>;
    providers?: WorkerDeps['providers'];
    /** The key ring of this API and worker (default: one fresh key). */
    cipher?: FieldCipher;
    /** Where the worker sends workflow spans (default: nowhere). */
    tracing?: Tracing;
    /** The API's log (default: silent). */
    log?: Logger;
    /** Encrypt Temporal payloads in the client, the worker and the codec endpoint. */
    payloadCodec?: PayloadCodec;
  } = {},
) {
  quietTemporalRuntime();
  const db = await createDb(inject('databaseUrl'), { maximumPoolSize: 5 });
  const temporalAddress = inject('temporalAddress');
  const connection = await Connection.connect({ address: temporalAddress });
  const temporal = new Client({
    connection,
    interceptors: tracingClientInterceptors(),
    ...(opts.payloadCodec && { dataConverter: { payloadCodecs: [opts.payloadCodec] } }),
  });
  const prefix = `t${randomBytes(3).toString('hex')}-`;
  const linkKey = randomBytes(32).toString('hex');
  const config = {
    JWT_SECRET: randomBytes(32).toString('hex'),
    CARD_HASH_KEY: randomBytes(32).toString('hex'),
    LINK_SIGNING_KEY: linkKey,
    JWT_ISSUER: 'sentinel-test',
    ACCESS_TOKEN_TTL_SECONDS: 3600,
    REFRESH_TOKEN_TTL_SECONDS: 7 * 24 * 3600,
    CORS_ORIGINS: ['http://localhost:5173'],
    BODY_LIMIT_BYTES: 1024 * 1024,
    TASK_QUEUE_PREFIX: prefix,
    // Test files make many calls from one address and user; test/api/rate-limits.test.ts sets its own.
    RATE_LIMIT_PER_USER: 1_000_000,
    RATE_LIMIT_PER_IP: 1_000_000,
    RATE_LIMIT_LOGIN_PER_IP: 1_000_000,
    ...opts.config,
  };
  const cipher = opts.cipher ?? FieldCipher.ephemeral();
  const hub = new EventHub(inject('databaseUrl'), db, createLogger({ level: 'silent' }));
  const app = createApp({
    config,
    db,
    cipher,
    temporal,
    hub,
    // TEST_LOG_LEVEL=error shows why a request failed (quiet by default)
    log: opts.log ?? createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    codec: opts.payloadCodec,
    // The built console (npm test builds it first): served at / as in production.
    consoleDir: fileURLToPath(new URL('../../web/dist', import.meta.url)),
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let workers: Worker[] = [];
  let running: Promise<unknown> = Promise.resolve();
  let workerConnection: NativeConnection | undefined;
  if (opts.worker) {
    workerConnection = await NativeConnection.connect({ address: temporalAddress });
    workers = await createWorkers({
      connection: workerConnection,
      namespace: 'default',
      deps: {
        db,
        cipher,
        temporal,
        payments: paymentsFromConfig(
          config as { STRIPE_SECRET_KEY?: string; STRIPE_API_BASE?: string; STRIPE_TIMEOUT_MS?: number },
        ),
        esign: esignFromConfig(
          config as {
            DOCUSIGN_BASE_URL?: string;
            DOCUSIGN_ACCOUNT_ID?: string;
            DOCUSIGN_ACCESS_TOKEN?: string;
          },
        ),
        linkKey,
        publicUrl: baseUrl,
        ...(opts.providers && { providers: opts.providers }),
      },
      taskQueuePrefix: prefix,
      ...(opts.tracing && { tracing: opts.tracing }),
      ...(opts.payloadCodec && { payloadCodecs: [opts.payloadCodec] }),
    });
    running = Promise.all(workers.map((w) => w.run()));
  }

  async function call<T = any>(method: string, path: string, o: CallOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.apiKey) headers['x-api-key'] = o.apiKey;
    let body: string | undefined = o.rawBody;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (docs page); keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  /** A new organisation with one user per requested role, each signed in. */
  async function createOrg(roles: Role[] = ['admin']) {
    const org = await createOrganization(db, `org-${randomBytes(6).toString('hex')}`);
    const passwordHash = await hashPassword(TEST_PASSWORD);
    const users = {} as Record<Role, { id: string; email: string; token: string; refreshToken: string }>;
    for (const role of roles) {
      const email = `${role}-${randomBytes(4).toString('hex')}@${org.name}.test`;
      const user = await insertUser(db, { orgId: org.id, email, name: `${role} user`, role, passwordHash });
      const login = await call('POST', '/api/v1/auth/login', { body: { email, password: TEST_PASSWORD } });
      if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
      users[role] = {
        id: user.id,
        email,
        token: login.body.access_token,
        refreshToken: login.body.refresh_token,
      };
    }
    return { orgId: org.id, name: org.name, users };
  }

  async function close() {
    for (const w of workers) w.shutdown();
    await running;
    await workerConnection?.close();
    (server as import('node:http').Server).closeAllConnections();
    await new Promise((r) => server.close(r));
    await hub.close();
    await connection.close();
    await db.end();
  }

  return { db, cipher, temporal, baseUrl, prefix, config, call, createOrg, close };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/** Polls until `check` returns a value other than undefined, or fails after the deadline. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type { Db };
