import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/paths.js';
import { CASE_EVENT_TYPES } from '../../workflows/triage/case-events.js';

/** Every .ts file under the given top-level folders, as [relative path, text]. */
function sources(...dirs: string[]): [string, string][] {
  const out: [string, string][] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts')) out.push([rel, fs.readFileSync(path.join(PROJECT_ROOT, rel), 'utf8')]);
    }
  };
  dirs.forEach(walk);
  return out;
}

describe('the shape of the code (CONVENTIONS.md)', () => {
  it('starts workflows only in temporal/clients/', () => {
    const starts = sources('api', 'activities', 'commands', 'temporal', 'workers', 'db', 'lib')
      .filter(([file]) => !file.startsWith(path.join('temporal', 'clients')))
      .filter(([, text]) => /workflow\.(start|signalWithStart|execute)\b|executeUpdateWithStart/.test(text))
      .map(([file]) => file);
    expect(starts).toEqual([]);
  });

  it('keeps SQL in db/: none in routes, commands or activities', () => {
    const withSql = sources('api', 'activities', 'commands')
      .filter(([, text]) => /\bsql(\.(type|unsafe|fragment))?`/.test(text))
      .map(([file]) => file);
    expect(withSql).toEqual([]);
  });

  it('writes through commands: routes open no transaction and append no audit row themselves', () => {
    const writing = sources(path.join('api', 'routes'))
      .filter(([, text]) =>
        /\.transaction\(|appendAudit\(|\.(insert|update|delete|create|revoke|put|replace)[A-Z]\w*\(db\b/.test(
          text,
        ),
      )
      .map(([file]) => file);
    expect(writing).toEqual([]);
  });

  it("checks case_events.type against CASE_EVENT_TYPES in the database's own CHECK", () => {
    const migration = fs.readFileSync(
      path.join(PROJECT_ROOT, 'db', 'migrations', '20261203000000000_structure.sql'),
      'utf8',
    );
    const check = /case_events_type_check CHECK \(\s*type IN \(([^)]*)\)/.exec(migration)?.[1] ?? '';
    const listed = [...check.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
    expect(listed).toEqual([...CASE_EVENT_TYPES]);
  });
});
