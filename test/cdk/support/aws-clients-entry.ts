/**
 * Bundled by test/cdk/bundled-aws-clients.test.ts with the functions' esbuild aliases: one call of each AWS client
 * the functions use, against the local HTTP server whose URL is argv[2], printing what each answered as JSON.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';

const config = { endpoint: process.argv[2], region: 'us-east-1' };
const answers = {
  dynamodb: (await new DynamoDBClient(config).send(new ListTablesCommand({}))).TableNames,
  sqs: (await new SQSClient(config).send(new ListQueuesCommand({}))).QueueUrls,
  secretsManager: (await new SecretsManagerClient(config).send(new ListSecretsCommand({}))).SecretList?.map(
    (secret) => secret.Name,
  ),
  sns: (await new SNSClient(config).send(new ListTopicsCommand({}))).Topics?.map((topic) => topic.TopicArn),
};
console.log(JSON.stringify(answers));
