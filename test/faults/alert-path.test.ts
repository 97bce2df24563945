import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createObservability } from '../../functions/commons/observability.js';
import { type StripeEmulator, startStripeEmulator } from '../../local/stripe-emulator/index.js';
import { FaultStack, waitFor } from './support/fault-stack.js';
import { expectNothingLostNothingPaidTwice, moneyReport } from './support/money-invariants.js';
import { seededRandom } from './support/random.js';
import { deliverLikeStripe } from './support/stripe-deliveries.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

interface PrintedLine {
  message?: string;
  level?: string;
  financialAlert?: { kind?: string; stripeEventId?: string };
  kind?: string;
  FinancialAlerts?: number;
  _aws?: { CloudWatchMetrics: Array<{ Dimensions: string[][]; Metrics: Array<{ Name: string }> }> };
}

/**
 * The alert path must not depend on DynamoDB: while DynamoDB is unreachable (every connection to it refused, as
 * in an outage), the webhook's AUDIT_LOG_WRITE_FAILED alert still reaches the alerts queue and the financial-alert
 * function logs it and counts it in the FinancialAlerts metric that pages on-call.
 */
describe('the alert path while DynamoDB is down', () => {
  let proxy: TcpProxy;
  let emulator: StripeEmulator;
  let stack: FaultStack;
  const printed: PrintedLine[] = [];

  beforeAll(async () => {
    // EMF lines are printed only with metrics enabled (POWERTOOLS_DEV, set for tests, disables them).
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    for (const method of ['log', 'info', 'warn', 'error'] as const) {
      vi.spyOn(console, method).mockImplementation((line: unknown) => {
        if (typeof line === 'string' && line.startsWith('{')) printed.push(JSON.parse(line) as PrintedLine);
      });
    }
    const dynamodbServer = inject('dynamodbEndpoint');
    [proxy, emulator] = await Promise.all([
      startTcpProxy({ targetPort: Number(new URL(dynamodbServer).port) }),
      startStripeEmulator(),
    ]);
    emulator.setBalance(1_000_000_000);
    stack = await FaultStack.start({
      label: 'alert-path',
      dynamodbEndpoint: proxy.endpoint,
      dynamodbServerEndpoint: dynamodbServer,
      sqsEndpoint: inject('sqsEndpoint'),
      emulator,
      alertObservability: createObservability('financial-alert', { logLevel: 'INFO' }),
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await proxy?.close();
    await emulator?.stop();
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('logs and counts AUDIT_LOG_WRITE_FAILED from the webhook while DynamoDB is still down', async () => {
    // Prepare
    const district = await stack.addDistrict();
    const events = [1, 2, 3].map((i) => stack.invoicePaid(district, i * 1_000));
    stack.startWorkers();
    await proxy.goDown();

    // Act: Stripe delivers; the audit log cannot be written
    const answers = await Promise.all(events.map((event) => stack.deliver(event)));
    await waitFor(
      'the financial-alert function to log three alerts',
      () => alertLines().length >= events.length,
      15_000,
    );

    // Assess: refused (Stripe will retry), and paged for, with DynamoDB still unreachable
    expect(answers.map((answer) => answer.statusCode)).toEqual([503, 503, 503]);
    const logged = alertLines();
    expect(logged.map((line) => line.financialAlert?.stripeEventId).sort()).toEqual(events.map((e) => e.id).sort());
    for (const line of logged) {
      expect(line).toMatchObject({ level: 'ERROR', financialAlert: { kind: 'AUDIT_LOG_WRITE_FAILED' } });
    }
    const counted = printed.filter(
      (line) => line.FinancialAlerts === 1 && line.kind === 'AUDIT_LOG_WRITE_FAILED' && line._aws !== undefined,
    );
    expect(counted.length).toBeGreaterThanOrEqual(events.length);
    expect(counted[0]?._aws?.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'kind']]);

    // Act: DynamoDB is back; Stripe's retries go through
    await proxy.comeBack();
    await deliverLikeStripe(events, {
      deliver: (event) => stack.deliver(event),
      concurrency: 3,
      random: seededRandom('alert-path'),
      timeoutMs: 15_000,
    });
    await stack.drained(30_000);

    // Assess: nothing was lost to the outage
    expectNothingLostNothingPaidTwice(
      await moneyReport(
        stack,
        emulator,
        events.map((event) => event.id),
      ),
    );
  });

  function alertLines(): PrintedLine[] {
    return printed.filter(
      (line) => line.message === 'Financial alert' && line.financialAlert?.kind === 'AUDIT_LOG_WRITE_FAILED',
    );
  }
});
