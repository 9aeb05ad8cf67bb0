import { spawn, type ChildProcess } from 'node:child_process';
import { inject } from 'vitest';
import { PROJECT_ROOT } from '../../temporal/binaries.js';

/**
 * The real worker process (workers/main.ts) on a test file's task queues, for tests that kill it.
 * Callers kill what they start; `killAll` cleans up whatever is left.
 */
export function workerProcesses(prefix: string, env: Record<string, string>) {
  const children: ChildProcess[] = [];
  return {
    start(): ChildProcess {
      const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          DATABASE_URL: inject('databaseUrl'),
          TEMPORAL_ADDRESS: inject('temporalAddress'),
          TASK_QUEUE_PREFIX: prefix,
          // The crashes and retries these tests provoke are expected; a real failure fails an assertion.
          LOG_LEVEL: 'error',
          ...env,
        },
        stdio: 'ignore',
      });
      children.push(child);
      return child;
    },
    /** SIGKILL: no draining, no cleanup — a crash. */
    async crash(child: ChildProcess): Promise<void> {
      child.kill('SIGKILL');
      if (child.exitCode === null && child.signalCode === null)
        await new Promise((r) => child.once('exit', r));
    },
    killAll(): void {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    },
  };
}
