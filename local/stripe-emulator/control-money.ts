/**
 * `/_emulator/*` control routes for time and money (JSON in, JSON out), merged into control.ts:
 *   GET  /_emulator/clock                                     -> { now }
 *   POST /_emulator/clock               { advance }           -> { now } after moving emulator time `advance` seconds on
 *   POST /_emulator/account-balance     { account, available, currency? } -> the connected account's balance
 *   POST /_emulator/refund-failures     { refund }            -> the refund, now failed
 *   POST /_emulator/disputes            { charge, amount? }   -> a dispute opened now on that succeeded charge
 *   POST /_emulator/dispute-outcomes    { dispute, status: 'won' | 'lost' } -> the closed dispute
 *   POST /_emulator/dispute-preventions { dispute, case_type: 'resolution' | 'block' } -> the dispute, prevented
 *   POST /_emulator/subscription-details { invoice, subscription, metadata? } -> the invoice with parent.subscription_details
 */
import { StripeApiError } from './errors.js';
import type { StripeEmulator } from './index.js';
import type { ControlResponse } from './server.js';

type Route = (body: Record<string, unknown>) => ControlResponse;

const badRequest = (message: string): ControlResponse => ({
  status: 400,
  body: { error: { type: 'invalid_request_error', message } },
});

const integer = (value: unknown): number | undefined => {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
};

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function guarded(action: () => unknown): ControlResponse {
  try {
    return { status: 200, body: action() };
  } catch (error) {
    if (error instanceof StripeApiError) return { status: error.status, body: error.toJSON('control') };
    throw error;
  }
}

export function moneyControlRoutes(emulator: StripeEmulator): Record<string, Route> {
  return {
    'GET /_emulator/clock': () => ({ status: 200, body: { now: emulator.now() } }),
    'POST /_emulator/clock': (body) => {
      const seconds = integer(body.advance);
      if (seconds === undefined || seconds < 0) return badRequest('advance must be a non-negative integer of seconds');
      return { status: 200, body: { now: emulator.advanceClock(seconds) } };
    },
    'POST /_emulator/account-balance': (body) => {
      const account = text(body.account);
      const available = integer(body.available);
      if (!account || available === undefined) return badRequest('account and available (integer cents) are required');
      emulator.setAccountBalance(account, available, text(body.currency));
      return { status: 200, body: emulator.accountBalance(account) };
    },
    'POST /_emulator/refund-failures': (body) => {
      const refund = text(body.refund);
      if (!refund) return badRequest('refund (a re_ id) is required');
      return guarded(() => emulator.failRefund(refund));
    },
    'POST /_emulator/disputes': (body) => {
      const charge = text(body.charge);
      const amount = body.amount === undefined ? undefined : integer(body.amount);
      if (!charge || (body.amount !== undefined && amount === undefined)) {
        return badRequest('charge (a ch_ id) is required; amount, when given, is integer cents');
      }
      return guarded(() => emulator.openDispute(charge, amount === undefined ? {} : { amount }));
    },
    'POST /_emulator/dispute-outcomes': (body) => {
      const dispute = text(body.dispute);
      if (!dispute || (body.status !== 'won' && body.status !== 'lost')) {
        return badRequest("dispute (an id) and status ('won' or 'lost') are required");
      }
      const status = body.status;
      return guarded(() => emulator.closeDispute(dispute, status));
    },
    'POST /_emulator/dispute-preventions': (body) => {
      const dispute = text(body.dispute);
      const caseType = body.case_type;
      if (!dispute || (caseType !== 'resolution' && caseType !== 'block')) {
        return badRequest("dispute (an id) and case_type ('resolution' or 'block') are required");
      }
      return guarded(() => emulator.preventDispute(dispute, caseType));
    },
    'POST /_emulator/subscription-details': (body) => {
      const invoice = text(body.invoice);
      const subscription = text(body.subscription);
      if (!invoice || !subscription) return badRequest('invoice and subscription are required');
      const metadata = typeof body.metadata === 'object' && body.metadata !== null ? body.metadata : undefined;
      return guarded(() =>
        emulator.setSubscriptionDetails(invoice, {
          subscription,
          ...(metadata ? { metadata: metadata as Record<string, string> } : {}),
        }),
      );
    },
  };
}
