/**
 * The function bundles replace two parts of the AWS SDK with our own (lib/constructs/payout-function.ts): the
 * default credential chain with Lambda's environment credentials, and the event-stream support with a module that
 * throws. Bundled the same way, each AWS client the functions use still makes its calls and reads the answers.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LAMBDA_CREDENTIALS,
  NO_EVENT_STREAMS,
  SDK_CREDENTIAL_CHAIN,
  SDK_EVENT_STREAMS,
} from '../../lib/constructs/payout-function.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** AWS as far as one List call of each client goes: JSON for DynamoDB, SQS and Secrets Manager, XML for SNS. */
function fakeAws(): http.Server {
  return http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const json = (body: object) => {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify(body));
      };
      if (target.startsWith('DynamoDB')) return json({ TableNames: ['ledger'] });
      if (target.startsWith('AmazonSQS')) return json({ QueueUrls: ['https://sqs.example/transfer.fifo'] });
      if (target.startsWith('secretsmanager')) return json({ SecretList: [{ Name: 'stripe-api-key' }] });
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        '<ListTopicsResponse><ListTopicsResult><Topics><member><TopicArn>arn:aws:sns:us-east-1:1:on-call</TopicArn>' +
          '</member></Topics></ListTopicsResult></ListTopicsResponse>',
      );
    });
  });
}

describe('the AWS clients, bundled with the functions’ aliases', () => {
  let server: http.Server;
  let directory: string;

  beforeAll(async () => {
    server = fakeAws();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    directory = await mkdtemp(join(tmpdir(), 'bundled-aws-clients-'));
  });

  afterAll(async () => {
    server?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('make their calls without the credential chain or the event-stream support', async () => {
    // Prepare
    const outfile = join(directory, 'index.mjs');
    const result = await build({
      entryPoints: [join(ROOT, 'test/cdk/support/aws-clients-entry.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      mainFields: ['module', 'main'],
      outfile,
      metafile: true,
      logLevel: 'silent',
      alias: {
        [SDK_CREDENTIAL_CHAIN]: join(ROOT, LAMBDA_CREDENTIALS),
        [SDK_EVENT_STREAMS]: join(ROOT, NO_EVENT_STREAMS),
      },
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const environment = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };

    // Act
    const { stdout } = await promisify(execFile)(process.execPath, [outfile, url], { env: environment });

    // Assess
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.includes('submodules/event-streams/'))).toEqual([]);
    expect(inputs.some((input) => input.endsWith('functions/commons/no-event-streams.ts'))).toBe(true);
    expect(JSON.parse(stdout)).toEqual({
      dynamodb: ['ledger'],
      sqs: ['https://sqs.example/transfer.fifo'],
      secretsManager: ['stripe-api-key'],
      sns: ['arn:aws:sns:us-east-1:1:on-call'],
    });
  });
});
