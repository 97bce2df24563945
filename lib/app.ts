import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readStackConfig } from './config.js';
import { DistrictPayoutsStack } from './district-payouts-stack.js';

/**
 * Puts the stack into `app` from the validated context and registers cdk-nag's AWS Solutions checks,
 * which fail the synth on any finding not acknowledged next to its resource. bin/app.ts and the CDK
 * tests both build the app through here, so the tests check what is deployed.
 */
export function addDistrictPayouts(app: App): DistrictPayoutsStack {
  const config = readStackConfig(app.node);
  const stack = new DistrictPayoutsStack(app, `DistrictPayouts-${config.stage}`, {
    config,
    description: `District revenue-share payouts from Stripe webhooks (${config.stage})`,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
