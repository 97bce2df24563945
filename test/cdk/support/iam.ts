/**
 * Reads what a function's role may do from the synthesized template, as `target:access` strings such as
 * `table:revenueShares:readWrite`, `queue:transfer:send` or `secret:apiKey:read`, so a test can compare a
 * function's whole access with the access it is meant to have.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import type { FunctionName } from '#contracts/api-routes.js';
import type { QueueKey, TableKey } from '#contracts/resources.js';
import type { DistrictPayoutsStack } from '../../../lib/district-payouts-stack.js';
import { logicalIdOf } from './synth.js';

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

export const actionsOf = (statement: Statement): string[] => asArray(statement.Action);
export const resourcesOf = (statement: Statement): unknown[] => asArray(statement.Resource);

export function roleStatements(template: Template, stack: DistrictPayoutsStack, fn: FunctionName): Statement[] {
  const functionResource = template.toJSON().Resources[logicalIdOf(stack, stack.functions.all[fn])];
  const roleLogicalId = functionResource.Properties.Role['Fn::GetAtt'][0] as string;
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/**
 * Every table, queue, secret and function the role may touch, with how; log and X-Ray grants are left out. A table's
 * access is the exact list of DynamoDB actions on it (and its indexes), e.g. `table:revenueShares:GetItem,UpdateItem`.
 */
export function accessOf(template: Template, stack: DistrictPayoutsStack, fn: FunctionName): string[] {
  const targets = targetsOf(stack);
  const access = new Set<string>();
  const tableActions = new Map<string, Set<string>>();
  for (const statement of roleStatements(template, stack, fn)) {
    const actions = actionsOf(statement);
    const service = actions[0]?.split(':')[0];
    if (service === 'logs' || service === 'xray') continue;
    for (const resource of resourcesOf(statement)) {
      const text = JSON.stringify(resource);
      const target = targets.find(({ matches }) => matches(text))?.name ?? `unknown:${text}`;
      if (service === 'dynamodb') {
        const onTarget = tableActions.get(target) ?? new Set<string>();
        for (const action of actions) onTarget.add(action.replace('dynamodb:', ''));
        tableActions.set(target, onTarget);
      } else if (service === 'sqs') {
        access.add(`${target}:${actions.includes('sqs:ReceiveMessage') ? 'consume' : 'send'}`);
      } else if (service === 'secretsmanager') {
        access.add(`${target}:read`);
      } else {
        access.add(`${target}:${actions.join(',')}`);
      }
    }
  }
  for (const [target, actions] of tableActions) access.add(`${target}:${[...actions].sort().join(',')}`);
  return [...access].sort();
}

interface Target {
  name: string;
  matches(resourceJson: string): boolean;
}

function targetsOf(stack: DistrictPayoutsStack): Target[] {
  const byLogicalId = (name: string, logicalId: string): Target => ({
    name,
    matches: (text) => text.includes(`"${logicalId}"`),
  });
  const tableTargets = Object.entries(stack.tables.all).map(([key, table]) =>
    byLogicalId(`table:${key as TableKey}`, logicalIdOf(stack, table.table)),
  );
  const queueTargets = Object.entries(stack.queues.all).flatMap(([key, queue]) => [
    byLogicalId(`queue:${key as QueueKey}`, logicalIdOf(stack, queue.queue)),
    byLogicalId(`dlq:${key as QueueKey}`, logicalIdOf(stack, queue.deadLetterQueue)),
  ]);
  const functionTargets = Object.entries(stack.functions.all).map(([name, fn]) =>
    byLogicalId(`function:${name}`, logicalIdOf(stack, fn)),
  );
  const secretTargets: Target[] = [
    { name: 'secret:apiKey', matches: (text) => text.includes(`:secret:${stack.secrets.apiKeySecretName}-`) },
    {
      name: 'secret:webhookSecrets',
      matches: (text) => text.includes(`:secret:${stack.secrets.webhookSecretName}-`),
    },
  ];
  const pagingTargets = [
    byLogicalId('topic:onCall', logicalIdOf(stack, stack.paging.topic)),
    byLogicalId('key:onCallTopic', logicalIdOf(stack, stack.paging.key)),
  ];
  return [...tableTargets, ...queueTargets, ...functionTargets, ...secretTargets, ...pagingTargets];
}
