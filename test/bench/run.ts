/**
 * `npm run bench [-- name]`: runs the benchmarks under test/bench/. Each prints its figures
 * beside a baseline measured in the same run.
 */
import { apiBench } from './api.js';
import { bailBench } from './bail.js';
import { consoleBench } from './console.js';
import { ingestBench } from './ingest.js';
import { insightsBench } from './insights.js';
import { rulesBench } from './rules.js';
import { triageBench } from './triage.js';

const BENCHES: Record<string, () => Promise<void>> = {
  triage: triageBench,
  rules: rulesBench,
  ingest: ingestBench,
  api: apiBench,
  insights: insightsBench,
  bail: bailBench,
  console: consoleBench,
};

const only = process.argv.slice(2);
const names = only.length ? only : Object.keys(BENCHES);
if (!names.length) {
  process.stdout.write('no benchmarks yet\n');
}
for (const name of names) {
  const bench = BENCHES[name];
  if (!bench) {
    process.stderr.write(`unknown benchmark "${name}"; have: ${Object.keys(BENCHES).join(', ') || 'none'}\n`);
    process.exit(2);
  }
  await bench();
}
