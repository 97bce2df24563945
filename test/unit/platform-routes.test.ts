import { describe, expect, it } from 'vitest';
import { apiRoutes } from '#contracts/api-routes.js';
import { platformRoutes } from '../../functions/platform-api/routes.js';
import { RESYNC_ROUTE } from '../../functions/resync/resync-handler.js';

describe('platform routes', () => {
  it('answers every route the stack sends to platform-api, and no other', () => {
    // Prepare
    const declared = apiRoutes
      .filter((route) => route.functionName === 'platform-api')
      .map((route) => `${route.method} ${route.resource}`);

    // Assess
    expect(Object.keys(platformRoutes).sort()).toEqual(declared.sort());
  });

  it('serves POST /platform/resync from the resync function, as the stack routes it', () => {
    // Prepare
    const resyncRoutes = apiRoutes.filter((route) => route.functionName === 'resync');

    // Assess
    expect(resyncRoutes).toEqual([expect.objectContaining(RESYNC_ROUTE)]);
    expect(resyncRoutes[0]?.authorization).toBe('AWS_IAM');
  });
});
