import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES } from './search-attributes.js';
import { temporalCliPath } from './binaries.js';

export type DevServer = { address: string; uiUrl: string; process: ChildProcess; stop: () => Promise<void> };

/** Waits until the frontend answers, polling with a deadline. */
export async function waitForTemporal(address: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: '2s' });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal at ${address} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

/**
 * The Temporal CLI dev server with SQLite persistence (state survives restarts), the Web UI, and
 * Sentinel's search attributes registered.
 */
export async function startDevServer(opts: {
  dbFile: string;
  ip?: string;
  port?: number;
  uiPort?: number;
  namespace?: string;
  logFile?: string;
}): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const port = opts.port ?? 7233;
  const uiPort = opts.uiPort ?? 8233;
  fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    opts.dbFile,
    '--ip',
    ip,
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--namespace',
    opts.namespace ?? 'default',
    '--log-level',
    'warn',
    ...ALL_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]),
    // Task priority (priorityKey) and fairness by organisation (fairnessKey) in the matching service.
    '--dynamic-config-value',
    'matching.useNewMatcher=true',
    '--dynamic-config-value',
    'matching.enableFairness=true',
  ];
  const out = opts.logFile ? fs.openSync(opts.logFile, 'a') : 'ignore';
  const child = spawn(temporalCliPath(), args, { stdio: ['ignore', out, out] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = `${ip}:${port}`;
  await Promise.race([
    waitForTemporal(address),
    exited.then(() => {
      throw new Error(
        `temporal server exited early (code ${child.exitCode}); see ${opts.logFile ?? 'its output'}`,
      );
    }),
  ]);
  return {
    address,
    uiUrl: `http://${ip}:${uiPort}`,
    process: child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
