import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, apiTypes } from '../../scripts/gen-web-api.js';

describe("the console's API types", () => {
  it('are generated from the OpenAPI document as the API serves it now (npm run gen:web-api)', async () => {
    expect(
      fs.readFileSync(API_TYPES_FILE, 'utf8') === (await apiTypes()),
      'web/src/lib/api-schema.d.ts is stale: run npm run gen:web-api',
    ).toBe(true);
  });
});
