/** The signing secret `npm start` accepts when STRIPE_WEBHOOK_SECRET is unset (local use only). */
export const DEFAULT_WEBHOOK_SECRET = 'whsec_local_development';
