import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/paths.js';

/** The text of each service of docker-compose.yml, by name (two-space indented keys under services:). */
function services(): Map<string, string> {
  const text = fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8');
  const body = text.slice(text.indexOf('\nservices:\n'));
  const out = new Map<string, string>();
  const parts = body.split(/^ {2}([a-z][\w-]*):\s*$/m);
  for (let i = 1; i < parts.length; i += 2) out.set(parts[i]!, parts[i + 1]!.split(/^\S/m)[0]!);
  return out;
}

describe('docker-compose.yml', () => {
  it('runs migrations as the owner and the API and workers as a role granted sentinel_app', () => {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8');
    const s = services();
    const shared = text.slice(0, text.indexOf('\nservices:\n'));
    expect(shared).toMatch(/DATABASE_URL: postgres:\/\/sentinel_runtime:/);
    for (const name of ['api', 'worker']) expect(s.get(name)).toMatch(/environment: \*sentinel-env/);
    expect(s.get('migrate')).toMatch(/DATABASE_URL: postgres:\/\/sentinel:/);
    expect(s.get('postgres')).toContain('./deploy/postgres/init-roles.sh:/docker-entrypoint-initdb.d/');
    const init = fs.readFileSync(path.join(PROJECT_ROOT, 'deploy/postgres/init-roles.sh'), 'utf8');
    expect(init).toMatch(/CREATE ROLE sentinel_runtime LOGIN NOSUPERUSER .* IN ROLE sentinel_app/);
  });

  it('publishes no Temporal port (frontend or Web UI) to the host', () => {
    const s = services();
    expect(s.has('temporal')).toBe(true);
    expect(s.has('temporal-ui')).toBe(true);
    for (const name of ['temporal', 'temporal-ui']) expect(s.get(name)).not.toMatch(/^\s+ports:/m);
  });
});
