import { describe, expect, it } from 'vitest';
import { costPerEvent } from '../../bench/cost/cost-per-event.js';

describe('bench cost section: API Gateway', () => {
  it('prices each webhook delivery as one HTTP API request ($1.00 per million), under the api_gateway key', () => {
    // Act: 1,000 events, 1,200 deliveries (redeliveries included), nothing else counted
    const cost = costPerEvent({ events: 1_000, deliveries: 1_200, tallies: {}, lambda: {}, logBytes: 0 }, {});

    // Assess
    expect(cost.requests_per_event.api_gateway).toBe(1.2);
    expect(cost.usd_per_million_events_by_item.api_gateway).toBe(1.2);
  });
});
