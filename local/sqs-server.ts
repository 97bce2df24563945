import { startFauxqs } from 'fauxqs';
import { freePort } from './free-port.js';

export interface SqsServer {
  readonly port: number;
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts the SQS-compatible server (fauxqs) in this process. */
export async function startSqsServer(options: { port?: number } = {}): Promise<SqsServer> {
  const port = options.port ?? (await freePort());
  const server = await startFauxqs({ port, logger: false, host: '127.0.0.1' });
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => server.stop(),
  };
}
