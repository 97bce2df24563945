import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { platformClientFor, runOps } from '../../ops/run.js';
import { NodeSha256 } from '../../ops/sigv4.js';
import { resolveTarget } from '../../ops/target.js';

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
};
const DEPLOYED = 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/';

interface Sent {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** A fetch that records the request and answers 200 with `answer`. */
function recordingFetch(answer: unknown = { items: [] }) {
  const sent: Sent[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({
      url: new URL(String(input)),
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>)),
      body: typeof init?.body === 'string' ? init.body : undefined,
    });
    return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetchFn, sent };
}

const hex = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** Recomputes the SigV4 signature from what was put on the wire, as API Gateway does, and compares. */
function signatureIsValid(request: Sent, region: string, secretAccessKey: string): boolean {
  const authorization = request.headers.authorization ?? '';
  const [, scope = '', signedHeaderList = '', signature = ''] =
    /^AWS4-HMAC-SHA256 Credential=[^/]+\/(\S+), SignedHeaders=(\S+), Signature=([0-9a-f]+)$/.exec(authorization) ?? [];
  const onTheWire: Record<string, string> = { ...request.headers, host: request.url.host };
  const signedHeaders = signedHeaderList.split(';');
  const canonicalQuery = [...request.url.searchParams.entries()]
    .map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)])
    .sort(([a = ''], [b = '']) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalPath = request.url.pathname
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  const canonicalRequest = [
    request.method,
    canonicalPath,
    canonicalQuery,
    ...signedHeaders.map((name) => `${name}:${(onTheWire[name] ?? '').trim()}`),
    '',
    signedHeaderList,
    hex(request.body ?? ''),
  ].join('\n');
  const amzDate = request.headers['x-amz-date'] ?? '';
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, hex(canonicalRequest)].join('\n');
  const key = ['', region, 'execute-api', 'aws4_request'].reduce<Buffer>(
    (k, part, i) => hmac(k, i === 0 ? amzDate.slice(0, 8) : part),
    Buffer.from(`AWS4${secretAccessKey}`),
  );
  return createHmac('sha256', key).update(stringToSign).digest('hex') === signature;
}

describe('SigV4 signing of platform API requests', () => {
  it('signs a request to an execute-api URL for the region in its host', async () => {
    // Prepare
    const { fetchFn, sent } = recordingFetch();
    const client = platformClientFor(resolveTarget(DEPLOYED, {}), { credentials: CREDENTIALS, fetch: fetchFn });

    // Act
    await client.listRevenueShares({ districtId: 'shahdol', status: 'PAID' });

    // Assess
    const [request] = sent;
    expect(request?.url.href).toBe(
      'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/platform/revenue-shares?districtId=shahdol&status=PAID',
    );
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=\S*host\S*, Signature=[0-9a-f]{64}$/,
    );
    expect(request?.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(request?.headers['x-amz-security-token']).toBe('session-token-example');
    expect(signatureIsValid(request as Sent, 'eu-west-1', CREDENTIALS.secretAccessKey)).toBe(true);
  });

  it('signs the body of a PUT, so a changed body fails verification', async () => {
    // Prepare
    const { fetchFn, sent } = recordingFetch({ districtId: 'rewa' });
    const client = platformClientFor(resolveTarget(DEPLOYED, {}), { credentials: CREDENTIALS, fetch: fetchFn });

    // Act
    await client.putDistrict('rewa', {
      stripeAccountId: 'acct_1',
      shareBps: 1500,
      currency: 'usd',
      autoTransfer: true,
      stripeCustomerIds: [],
    });

    // Assess
    const request = sent[0] as Sent;
    expect(signatureIsValid(request, 'eu-west-1', CREDENTIALS.secretAccessKey)).toBe(true);
    expect(
      signatureIsValid(
        { ...request, body: request.body?.replace('1500', '9999') },
        'eu-west-1',
        CREDENTIALS.secretAccessKey,
      ),
    ).toBe(false);
  });

  it('sends a request to the local stack unsigned', async () => {
    // Prepare
    const { fetchFn, sent } = recordingFetch();
    const client = platformClientFor(resolveTarget('http://127.0.0.1:3000', {}), {
      credentials: CREDENTIALS,
      fetch: fetchFn,
    });

    // Act
    await client.listDistricts();

    // Assess
    expect(sent[0]?.url.href).toBe('http://127.0.0.1:3000/platform/districts');
    expect(Object.keys(sent[0]?.headers ?? {}).filter((name) => /^(authorization|x-amz-)/.test(name))).toEqual([]);
  });
});

describe('target', () => {
  it('defaults to the local stack, then PLATFORM_API_URL, then --api', () => {
    expect(resolveTarget(undefined, {})).toEqual({ url: 'http://127.0.0.1:3000', local: true });
    expect(resolveTarget(undefined, { PLATFORM_API_URL: 'http://localhost:4000/' })).toEqual({
      url: 'http://localhost:4000',
      local: true,
    });
    expect(resolveTarget(DEPLOYED, { PLATFORM_API_URL: 'http://localhost:4000', AWS_REGION: 'us-east-1' })).toEqual({
      url: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod',
      local: false,
      region: 'eu-west-1',
    });
  });

  it('takes the region from AWS_REGION for a custom domain, and refuses to guess without it', () => {
    expect(resolveTarget('https://payouts.example.org', { AWS_REGION: 'ap-south-1' }).region).toBe('ap-south-1');
    expect(() => resolveTarget('https://payouts.example.org', {})).toThrow('set AWS_REGION');
  });

  it('exits 2 when --api is not a URL', async () => {
    // Prepare
    const err: string[] = [];
    const io = { out: () => undefined, err: (t: string) => err.push(t), errRaw: () => undefined, errIsTty: false };

    // Act
    const code = await runOps(['districts', 'list', '--api', 'not a url'], { io, env: {} });

    // Assess
    expect(code).toBe(2);
    expect(err[0]).toBe('Error: not a URL: not a url');
  });
});

describe('NodeSha256', () => {
  it('hashes and HMACs like node:crypto, across updates and after reset', async () => {
    // Prepare
    const hash = new NodeSha256();
    const mac = new NodeSha256('key');

    // Act
    hash.update('abc');
    hash.update(new Uint8Array([100, 101]));
    const first = Buffer.from(await hash.digest()).toString('hex');
    hash.reset();
    hash.update('');
    const empty = Buffer.from(await hash.digest()).toString('hex');
    mac.update('message');
    const signed = Buffer.from(await mac.digest()).toString('hex');

    // Assess
    expect(first).toBe(hex('abcde'));
    expect(empty).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(signed).toBe(createHmac('sha256', 'key').update('message').digest('hex'));
  });
});
