import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../temporal/binaries.js';
import { quietTemporalRuntime } from '../helpers/harness.js';

const HISTORIES = path.join(PROJECT_ROOT, 'test', 'histories');
const WORKFLOWS = path.join(PROJECT_ROOT, 'workflows', 'index.ts');

/**
 * Every recorded history must replay against today's workflow code: a change that would break
 * running executions fails here (wrap it in patched() instead).
 */
describe('replay recorded histories', () => {
  const files = fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));

  it('has at least one recorded history', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it('replays every history without nondeterminism', async () => {
    quietTemporalRuntime();
    const histories = files.map((f) => ({
      workflowId: f,
      history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES, f), 'utf8'))),
    }));
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS }, histories)) {
      results.push(result);
    }
    expect(results.map((r) => ({ id: r.workflowId, error: r.error?.message }))).toEqual(
      files.map((f) => ({ id: f, error: undefined })),
    );
  });
});
