import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { isIP } from 'node:net';

/**
 * The client's address: the peer's, unless the peer is one of our own proxies (TRUSTED_PROXIES),
 * in which case the nearest address in X-Forwarded-For that is not ours. A client can write any
 * X-Forwarded-For it likes, so only what our proxies appended is believed: read from the right,
 * stopping at the first address that is not a trusted proxy.
 */
export function clientAddress(c: Context, trusted: ReadonlySet<string>): string {
  let peer: string;
  try {
    peer = getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // not served by @hono/node-server (app.request() in tests)
  }
  if (!trusted.has(peer)) return peer;
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIP(hop)) return peer; // a forged or garbled list: believe only the proxy itself
    if (!trusted.has(hop)) return hop;
  }
  return peer;
}

/** TRUSTED_PROXIES ("10.0.0.2,10.0.0.3") as a set; IPv4 peers may also appear IPv4-mapped. */
export function trustedProxies(list: string | undefined): ReadonlySet<string> {
  const ips = (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return new Set(ips.flatMap((ip) => (isIP(ip) === 4 ? [ip, `::ffff:${ip}`] : [ip])));
}
