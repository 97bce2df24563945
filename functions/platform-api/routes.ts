/**
 * Which use case answers which route. Keys are `METHOD resource`, exactly as lib/api-routes.ts declares the
 * platform-api routes (API Gateway puts the resource template in `event.resource`).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { queues, visibilityTimeoutSeconds } from '#contracts/resources.js';
import type { MarkPaidMessage, TransferMessage } from '../../domain/model.js';
import { putDistrict } from '../../domain/platform/put-district.js';
import { getRevenueShare, listDistricts, listRevenueShares, listWebhookEvents } from '../../domain/platform/queries.js';
import { requestMarkPaid } from '../../domain/platform/request-mark-paid.js';
import { retryPayout } from '../../domain/platform/retry-payout.js';
import { parseRetryRequest } from '../../domain/platform/retry-request.js';
import { parseRevenueShareIdBody } from '../../domain/platform/revenue-share-request.js';
import { approvePayout, closePayout, parseReviewRequest } from '../../domain/platform/review-payout.js';
import type { AuditLog, Clock, DebtLedger, DistrictStore, LedgerStore, MessageQueue } from '../../domain/ports.js';
import { pathParameter, queryParameters, readJsonBody } from './http.js';

export interface PlatformDeps {
  ledger: LedgerStore;
  /** The district's rows that owe: GET /platform/districts shows each district's owedCents. */
  debts: DebtLedger;
  districts: DistrictStore;
  auditLog: AuditLog;
  transferQueue: MessageQueue<TransferMessage>;
  markPaidQueue: MessageQueue<MarkPaidMessage>;
  clock: Clock;
  /** Default: TRANSFER_ATTEMPT_IN_FLIGHT_SECONDS. */
  attemptInFlightSeconds?: number;
}

/** After this long a queued transfer attempt has been handled or dead-lettered: every receive has timed out. */
export const TRANSFER_ATTEMPT_IN_FLIGHT_SECONDS =
  visibilityTimeoutSeconds(queues.transfer) * queues.transfer.maxReceiveCount;

export interface RouteResult {
  statusCode: number;
  body: unknown;
}

type Route = (event: APIGatewayProxyEvent, deps: PlatformDeps) => Promise<RouteResult>;

const withInFlight = (deps: PlatformDeps): PlatformDeps & { attemptInFlightSeconds: number } => ({
  ...deps,
  attemptInFlightSeconds: deps.attemptInFlightSeconds ?? TRANSFER_ATTEMPT_IN_FLIGHT_SECONDS,
});

const ok = (body: unknown): RouteResult => ({ statusCode: 200, body });
const accepted = (body: unknown): RouteResult => ({ statusCode: 202, body });

export const platformRoutes: Readonly<Record<string, Route>> = {
  'POST /platform/payout/retry': async (event, deps) => {
    const { revenueShareId, ...move } = parseRetryRequest(readJsonBody(event));
    return accepted(await retryPayout(revenueShareId, withInFlight(deps), move, callerArnOf(event)));
  },
  'POST /platform/payout/mark-paid': async (event, deps) =>
    accepted(await requestMarkPaid(parseRevenueShareIdBody(readJsonBody(event)), deps)),
  'POST /platform/payout/approve': async (event, deps) =>
    accepted(await approvePayout(parseReviewRequest(readJsonBody(event)), withInFlight(deps), callerArnOf(event))),
  'POST /platform/payout/close': async (event, deps) =>
    ok(await closePayout(parseReviewRequest(readJsonBody(event)), deps, callerArnOf(event))),
  'GET /platform/revenue-shares': async (event, deps) => ok(await listRevenueShares(queryParameters(event), deps)),
  'GET /platform/revenue-shares/{revenueShareId}': async (event, deps) =>
    ok(await getRevenueShare(pathParameter(event, 'revenueShareId'), deps)),
  'GET /platform/webhook-events': async (event, deps) => ok(await listWebhookEvents(queryParameters(event), deps)),
  'GET /platform/districts': async (_event, deps) => ok(await listDistricts(deps)),
  'PUT /platform/districts/{districtId}': async (event, deps) =>
    ok(await putDistrict(pathParameter(event, 'districtId'), readJsonBody(event), deps)),
};

/** The SigV4-authenticated caller (IAM user or role ARN) API Gateway puts on the request; unset locally. */
const callerArnOf = (event: APIGatewayProxyEvent): string | undefined =>
  event.requestContext?.identity?.userArn ?? undefined;

export const routeKey = (event: Pick<APIGatewayProxyEvent, 'httpMethod' | 'resource'>): string =>
  `${(event.httpMethod ?? '').toUpperCase()} ${event.resource ?? ''}`;
