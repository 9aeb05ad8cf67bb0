export type SseEvent = { id?: string; event: string; data: any };

/**
 * A minimal SSE client for tests: connects, collects events as they arrive, and closes on demand.
 * `connected` resolves once the server has sent its first event.
 */
export function openSse(url: string, headers: Record<string, string>) {
  const events: SseEvent[] = [];
  const abort = new AbortController();
  let onFirst: () => void;
  const connected = new Promise<void>((r) => (onFirst = r));
  const done = (async () => {
    const res = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
    });
    if (!res.ok || !res.body) throw new Error(`SSE ${res.status}: ${await res.text()}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      buffer += value;
      let split;
      while ((split = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, split);
        buffer = buffer.slice(split + 2);
        const e: SseEvent = { event: 'message', data: null };
        for (const line of frame.split('\n')) {
          const [field, ...rest] = line.split(':');
          const value = rest.join(':').replace(/^ /, '');
          if (field === 'id') e.id = value;
          else if (field === 'event') e.event = value;
          else if (field === 'data') e.data = JSON.parse(value);
        }
        events.push(e);
        onFirst!();
      }
    }
  })().catch((err: unknown) => {
    if ((err as Error).name !== 'AbortError') throw err;
  });
  return {
    events,
    connected,
    /** Resolves when the server ends the stream. */
    ended: done,
    close: async () => {
      abort.abort();
      await done;
    },
  };
}
