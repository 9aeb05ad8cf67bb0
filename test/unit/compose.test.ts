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
  it('publishes no Temporal port (frontend or Web UI) to the host', () => {
    const s = services();
    expect(s.has('temporal')).toBe(true);
    expect(s.has('temporal-ui')).toBe(true);
    for (const name of ['temporal', 'temporal-ui']) expect(s.get(name)).not.toMatch(/^\s+ports:/m);
  });
});
