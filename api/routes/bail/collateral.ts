import { z } from '@hono/zod-openapi';
import { addCollateral } from '../../../commands/bail/add-collateral.js';
import { collateralRow } from '../../../db/bail/collateral.js';
import type { Db } from '../../../db/pool.js';
import { commandActor } from '../../audit.js';
import {
  conflictResponses,
  errorResponses,
  IdParams,
  json,
  jsonBody,
  newRouter,
  securedRoute,
} from '../../router.js';
import { NonNegativeMoney, Text } from '../../schemas.js';

export const CollateralSchema = collateralRow.openapi('Collateral');

const routes = {
  add: securedRoute('bail:write', {
    method: 'post',
    path: '/bail/bonds/{id}/collateral',
    tags: ['bail'],
    summary: 'Record collateral held against the bond (returned on exoneration, forfeited with the bond)',
    request: {
      params: IdParams,
      body: jsonBody(
        z
          .object({
            type: z.enum(['real_estate', 'vehicle', 'cash', 'jewelry', 'other']),
            description: Text(1000),
            estimated_value: NonNegativeMoney,
            details: z.record(z.unknown()).optional(),
          })
          .strict(),
      ),
    },
    responses: { 201: json(CollateralSchema, 'Held'), ...conflictResponses, ...errorResponses },
  }),
};

export function collateralRoutes(deps: { db: Db }) {
  return newRouter().openapi(routes.add, async (c) => {
    const p = c.get('principal');
    const row = await addCollateral(
      deps.db,
      p.orgId,
      c.req.valid('param').id,
      c.req.valid('json'),
      commandActor(c),
    );
    return c.json(row, 201);
  });
}
