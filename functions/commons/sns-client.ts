/**
 * The on-call topic's client. Only the financial-alert function pages, so only its handler.ts passes this to
 * awsRuntime: the SNS client (and the query protocol it brings, about 38 KB minified) stays out of every other bundle.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { type AwsClientOptions, clientConfig } from './clients.js';

export const createSnsClient = (options: AwsClientOptions = {}): SNSClient => new SNSClient(clientConfig(options));
