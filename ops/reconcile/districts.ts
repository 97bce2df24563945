/**
 * The CLI's districts for reconcile: the platform API's listing behind the ReconcileDistricts port, read once per run
 * (the API reads no single district), for the dispute policy of each refunded or disputed row's district.
 */
import type { District } from '../../domain/model.js';
import type { ReconcileDistricts } from '../../domain/reconcile/sources.js';
import type { PlatformClient } from '../platform-client.js';

export function platformApiDistricts(client: Pick<PlatformClient, 'listDistricts'>): ReconcileDistricts {
  let listing: Promise<Map<string, District>> | undefined;
  return {
    async get(districtId) {
      listing ??= client.listDistricts().then((all) => new Map(all.map((d) => [d.districtId, d])));
      return (await listing).get(districtId);
    },
  };
}
