/** SigV4 for the IAM-authorised platform API (service `execute-api`), hashing with node:crypto. */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

type SourceData = string | ArrayBuffer | ArrayBufferView;

/** The Checksum shape SignatureV4 wants: `new Sha256()` hashes, `new Sha256(secret)` is an HMAC. */
export class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = NodeSha256.create(secret);
  }

  update(data: SourceData): void {
    this.hash.update(toBuffer(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = NodeSha256.create(this.secret);
  }

  private static create(secret: SourceData | undefined): Hash | Hmac {
    return secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type CredentialsProvider = () => Promise<AwsCredentials>;

export interface RequestToSign {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** Returns the headers to send: the given ones plus `authorization`, `x-amz-date` (and the session token). */
export type RequestSigner = (request: RequestToSign) => Promise<Record<string, string>>;

export function sigV4Signer(options: {
  region: string;
  credentials: AwsCredentials | CredentialsProvider;
}): RequestSigner {
  const signer = new SignatureV4({
    service: 'execute-api',
    region: options.region,
    credentials: options.credentials,
    sha256: NodeSha256,
  });
  return async ({ method, url, headers, body }) => {
    const query: Record<string, string | string[]> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key);
      query[key] = values.length === 1 ? (values[0] as string) : values;
    }
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      headers: { ...headers, host: url.host },
      body,
    });
    return signed.headers;
  };
}
