import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../temporal/binaries.js';

/** Where scripts/bootstrap.sh installs schemathesis (PyPI) for the suite and `npm run fuzz`. */
export const SCHEMATHESIS_DIR = path.join(PROJECT_ROOT, '.tools', 'schemathesis');

/**
 * Runs schemathesis against a live API's published document with an admin's token: the checks
 * that no input is a server error and every answer matches the document. Resolves with the exit
 * code and what it printed (the failures, reproducible with the curl lines it gives).
 */
export function runSchemathesis(o: {
  baseUrl: string;
  token: string;
  maxTimeSeconds: number;
  maxExamples?: number;
  seed?: number;
}): Promise<{ code: number | null; output: string }> {
  const bin = path.join(SCHEMATHESIS_DIR, 'bin', 'schemathesis');
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: npm run bootstrap installs it (PyPI)`);
  const args = [
    bin,
    '--config-file',
    path.join(PROJECT_ROOT, 'test', 'schemathesis.toml'),
    'run',
    `${o.baseUrl}/api/v1/openapi.json`,
    '--header',
    `Authorization: Bearer ${o.token}`,
    '--checks',
    // Schema-valid input is accepted (2xx, or 4xx that no schema can say: 404, 409, 422), and an
    // undeclared method is a 405.
    'not_a_server_error,response_schema_conformance,positive_data_acceptance,unsupported_method',
    '--phases',
    'examples,coverage,fuzzing',
    '--max-time',
    String(o.maxTimeSeconds),
    '--request-timeout',
    '10',
    '--workers',
    '2',
    '--max-failures',
    '50',
    '--no-color',
    ...(o.maxExamples ? ['--max-examples', String(o.maxExamples)] : []),
    ...(o.seed !== undefined ? ['--seed', String(o.seed)] : []),
    // Live streams answer forever, and revoking the caller's own access ends the run's token:
    // both are checked by their own tests.
    '--exclude-path-regex',
    '/stream/|/revoke-access$',
    // FUZZ_ARGS: more options for a run by hand (e.g. `--include-path-regex customers`).
    ...(process.env.FUZZ_ARGS?.split(' ').filter(Boolean) ?? []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('python3', args, {
      env: { ...process.env, PYTHONPATH: SCHEMATHESIS_DIR, SCHEMATHESIS_HOOKS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
