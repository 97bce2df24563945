/**
 * A local HTTP server that records every request it gets and answers each from a script: a status, headers and
 * body; or a socket destroyed before any answer; or headers then a destroyed socket; or no answer at all (held
 * until close). The Stripe client comparisons point the SDK and our client at one of these each.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path with query string, as sent. */
  url: string;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export type ScriptedAnswer =
  | { status: number; headers?: Record<string, string>; body: string }
  | { destroy: 'before-headers' | 'after-headers' }
  | { hang: 'before-headers' | 'after-headers' };

export interface ScriptedServer {
  readonly baseUrl: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /**
   * Starts a script, forgetting the requests recorded so far: each request takes the next answer, and the last
   * answer answers every request after it.
   */
  answerWith(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

/** An answer cut short: its headers promise 100 bytes of body, and only the first few are sent. */
export const PARTIAL_ANSWER_HEADERS = {
  'Content-Type': 'application/json',
  'Content-Length': '100',
  'Request-Id': 'req_partial',
};

export async function startScriptedServer(): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  let script: ScriptedAnswer[] = [{ status: 200, body: '{}' }];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', body, headers: request.headers });
      const answer = (script.length > 1 ? script.shift() : script[0]) as ScriptedAnswer;
      if ('destroy' in answer) {
        if (answer.destroy === 'after-headers') {
          response.writeHead(200, PARTIAL_ANSWER_HEADERS);
          response.write('{"id":', () => request.socket.destroy());
        } else request.socket.destroy();
        return;
      }
      if ('hang' in answer) {
        if (answer.hang === 'after-headers') {
          response.writeHead(200, PARTIAL_ANSWER_HEADERS);
          response.write('{"id":');
        }
        return;
      }
      response.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
      response.end(answer.body);
    });
  });
  // Never the server closing an idle keep-alive socket under a client mid-test (that reads as a reset).
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    requests,
    answerWith(...answers) {
      script = answers;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
