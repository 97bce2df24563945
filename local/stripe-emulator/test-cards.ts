/**
 * Stripe's test payment methods (docs.stripe.com/testing), as the emulator plays them:
 * pm_card_visa leaves the funds pending until `available_on`, pm_card_bypassPending makes them available at once,
 * pm_card_createDispute succeeds and is disputed right after, pm_card_chargeDeclined is declined (card_declined).
 */
import { DAY } from './clock.js';

export interface TestCard {
  brand: string;
  last4: string;
  country: string;
  /** Seconds from the charge until its funds are available (0: at once). */
  pendingFor: number;
  declined?: boolean;
  disputed?: boolean;
}

/** Card funds become available this long after the charge (Stripe test mode: days; here two). */
export const PENDING_SECONDS = 2 * DAY;

export const TEST_CARDS: Readonly<Record<string, TestCard>> = {
  pm_card_visa: { brand: 'visa', last4: '4242', country: 'US', pendingFor: PENDING_SECONDS },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', country: 'US', pendingFor: PENDING_SECONDS },
  pm_card_bypassPending: { brand: 'visa', last4: '0077', country: 'US', pendingFor: 0 },
  pm_card_createDispute: { brand: 'visa', last4: '0259', country: 'US', pendingFor: PENDING_SECONDS, disputed: true },
  pm_card_chargeDeclined: { brand: 'visa', last4: '0002', country: 'US', pendingFor: 0, declined: true },
};
