/** Which platform API the CLI talks to: the local stack (unsigned) or a deployed one (SigV4). */

export const DEFAULT_LOCAL_API_URL = 'http://127.0.0.1:3000';

export interface Target {
  /** Base URL, no trailing slash; a deployed one includes the stage (`.../prod`). */
  url: string;
  /** 127.0.0.1 / localhost / ::1: the local stack, which takes unsigned requests. */
  local: boolean;
  /** Signing region; set for a deployed target. */
  region?: string;
}

export class TargetError extends Error {
  override name = 'TargetError';
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

/** `--api`, else PLATFORM_API_URL, else the local stack's default address. */
export function resolveTarget(apiOption: string | undefined, env: Record<string, string | undefined>): Target {
  const raw = apiOption ?? (env.PLATFORM_API_URL || DEFAULT_LOCAL_API_URL);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetError(`not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetError(`not an http(s) URL: ${raw}`);
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  if (LOCAL_HOSTS.has(url.hostname)) return { url: base, local: true };

  // The API's own region wins: a signature for any other region is refused.
  const region = EXECUTE_API_HOST.exec(url.hostname)?.[1] ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION);
  if (!region) throw new TargetError(`cannot tell the region of ${url.host}: set AWS_REGION`);
  return { url: base, local: false, region };
}
