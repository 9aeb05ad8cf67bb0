/**
 * Builds the console (web/) into web/dist, which the API serves at /, and writes gzip and brotli
 * copies of its assets beside them (the API sends those to browsers that accept them).
 * `--if-stale`: only when web/dist is missing or older than a source file (npm run dev, npm test).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { build } from 'vite';

const WEB = fileURLToPath(new URL('../web', import.meta.url));
const DIST = path.join(WEB, 'dist');
const STAMP = path.join(DIST, '.built');
const SOURCES = [
  path.join(WEB, 'src'),
  path.join(WEB, 'public'),
  path.join(WEB, 'index.html'),
  path.join(WEB, 'vite.config.ts'),
  fileURLToPath(new URL('../package-lock.json', import.meta.url)),
];

function newest(p: string): number {
  const s = fs.statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))));
}

export function consoleIsStale(): boolean {
  if (!fs.existsSync(STAMP)) return true;
  const built = fs.statSync(STAMP).mtimeMs;
  return SOURCES.some((s) => fs.existsSync(s) && newest(s) > built);
}

export async function buildConsole(): Promise<void> {
  await build({ configFile: path.join(WEB, 'vite.config.ts'), logLevel: 'warn' });
  const assets = path.join(DIST, 'assets');
  for (const name of fs.readdirSync(assets)) {
    if (!/\.(js|css|svg|json)$/.test(name)) continue;
    const file = path.join(assets, name);
    const body = fs.readFileSync(file);
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body, { level: 9 }));
    fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(body));
  }
  fs.writeFileSync(STAMP, new Date().toISOString());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes('--if-stale') || consoleIsStale()) {
    process.stderr.write('building the console (web/dist)\n');
    await buildConsole();
  }
}
