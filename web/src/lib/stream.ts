import { useEffect, useRef, useState } from 'react';
import { createParser } from 'eventsource-parser';
import { API_BASE, accessToken, refresh } from './api';

export type StreamState = 'connecting' | 'live' | 'offline';
export type StreamEvent = { type: string; id: string | undefined; data: Record<string, unknown> };

/**
 * Follows one of the API's server-sent event streams. fetch rather than EventSource: the access
 * token goes in the Authorization header, never in a URL. Reconnects with backoff and resumes from
 * the last event id, so nothing is missed across a drop (a `reset` event means reload the view).
 */
export function follow(
  path: string,
  onEvent: (e: StreamEvent) => void,
  onState: (s: StreamState) => void,
): () => void {
  const abort = new AbortController();
  let lastId: string | undefined;
  let attempt = 0;
  const run = async () => {
    while (!abort.signal.aborted) {
      onState('connecting');
      try {
        if (!accessToken()) await refresh();
        const token = accessToken();
        if (!token) {
          onState('offline'); // signed out: nothing to follow
          return;
        }
        const headers: Record<string, string> = {
          Accept: 'text/event-stream',
          Authorization: `Bearer ${token}`,
        };
        if (lastId) headers['Last-Event-ID'] = lastId;
        const res = await fetch(`${API_BASE}${path}`, { headers, signal: abort.signal });
        if (res.status === 401) await refresh();
        if (res.ok && res.body) {
          const parser = createParser({
            onEvent(m) {
              if (m.id) lastId = m.id;
              if (m.event === 'connected') {
                attempt = 0;
                onState('live');
              }
              let data: Record<string, unknown> = {};
              try {
                data = JSON.parse(m.data) as Record<string, unknown>;
              } catch {
                /* not JSON: pass the type alone */
              }
              onEvent({ type: m.event ?? 'message', id: m.id, data });
            },
          });
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            parser.feed(value);
          }
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      onState('offline');
      attempt += 1;
      // 1 s, 2 s, 4 s … up to 30 s between attempts.
      await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 5))));
    }
  };
  void run();
  return () => abort.abort();
}

/** A stream for as long as the component shows, and its connection state. */
export function useStream(path: string | null, onEvent: (e: StreamEvent) => void): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (!path) return;
    return follow(path, (e) => handler.current(e), setState);
  }, [path]);
  return state;
}
