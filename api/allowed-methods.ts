/**
 * The methods each declared path answers, so a request with another method is a 405 with
 * `Allow` rather than a 404 (the path is there; the method is not). Middleware (`ALL`, `*`)
 * declares no path.
 */
export function allowedMethods(
  routes: readonly { method: string; path: string }[],
): (path: string) => string[] {
  const table = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const r of routes) {
    if (r.method === 'ALL' || r.path.includes('*')) continue;
    let entry = table.get(r.path);
    if (!entry) {
      const segments = r.path
        .split('/')
        .map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      entry = { pattern: new RegExp(`^${segments.join('/')}$`), methods: new Set() };
      table.set(r.path, entry);
    }
    entry.methods.add(r.method.toUpperCase());
  }
  return (path) => {
    const methods = new Set<string>();
    for (const { pattern, methods: m } of table.values())
      if (pattern.test(path)) m.forEach((x) => methods.add(x));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}
