import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';

/** /docs in a real headless browser with every request off this server refused: it must render. */
const CHROMIUM = '/usr/bin/chromium';
let h: Harness;
let browser: Browser;
beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: npm run bootstrap installs it (Debian)`);
  h = await startHarness();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('the API reference page', () => {
  it('renders every operation offline, from assets this server serves', async () => {
    const page = await browser.newPage();
    const foreign: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(h.baseUrl)) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    await page.goto(`${h.baseUrl}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
    const doc = (await (await fetch(`${h.baseUrl}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    // Swagger UI virtualises a long operations list (150+ rows): only what is near the viewport
    // is in the DOM, so scroll to the end and collect every operation block seen on the way.
    const seen = new Set<string>();
    // Strings, not functions: this project's TypeScript has no DOM library. Two animation frames
    // after a scroll the list has rendered (and measured) the rows it brought into view.
    const rendered = () =>
      page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    for (let last = -1, still = 0; still < 3;) {
      await rendered();
      for (const id of await page.locator('.opblock').evaluateAll((els) => els.map((e) => e.id)))
        seen.add(id);
      const y = await page.evaluate<number>('window.scrollBy(0, window.innerHeight / 3), window.scrollY');
      still = y === last ? still + 1 : 0;
      last = y;
    }
    const operations = seen.size;
    expect(operations).toBe(documented);
    expect(await page.locator('.info .title').innerText()).toContain('Sentinel');
    expect(foreign).toEqual([]);
  });
});
