import { describe, expect, it } from 'vitest';
import { cachedFor } from '../../api/metrics.js';

describe('gauge readings cached for a while', () => {
  it('reads once per period however many scrapes arrive, and never keeps a failure', async () => {
    let clock = 0;
    let reads = 0;
    let fail = false;
    const read = cachedFor(
      15_000,
      async () => {
        reads += 1;
        if (fail) throw new Error('down');
        return reads;
      },
      () => clock,
    );
    expect(await Promise.all(Array.from({ length: 20 }, () => read()))).toEqual(Array(20).fill(1));
    clock = 14_999;
    expect(await read()).toBe(1);
    clock = 15_000;
    expect(await read()).toBe(2);
    fail = true;
    clock = 30_000;
    await expect(read()).rejects.toThrow('down');
    fail = false;
    expect(await read()).toBe(4); // the failure was not kept: read again at once
    expect(reads).toBe(4);
  });
});
