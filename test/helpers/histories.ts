import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { PROJECT_ROOT, temporalCliPath } from '../../temporal/binaries.js';

/**
 * With RECORD_HISTORIES=1, saves a run's history to test/histories/<name>.json for the replay
 * suite; with RECORD_HISTORIES=<name>[,<name>…], only those (a new version beside the old ones,
 * which must stay as they were recorded). `runId` picks one run of a chain that continued as new.
 * The CLI writes the same JSON the Web UI downloads.
 */
export function recordHistory(workflowId: string, name: string, runId?: string): void {
  const wanted = process.env.RECORD_HISTORIES;
  if (!wanted || (wanted !== '1' && !wanted.split(',').includes(name))) return;
  const json = execFileSync(temporalCliPath(), [
    'workflow',
    'show',
    '--workflow-id',
    workflowId,
    ...(runId ? ['--run-id', runId] : []),
    '--address',
    inject('temporalAddress'),
    '--output',
    'json',
  ]);
  fs.writeFileSync(path.join(PROJECT_ROOT, 'test', 'histories', `${name}.json`), json);
}
