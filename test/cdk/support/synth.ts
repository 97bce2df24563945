/**
 * Builds the app the way bin/app.ts does (same context validation, stack and cdk-nag plugin), from the
 * example context of cdk.json, and synthesizes it. Bundling is skipped unless asked for: esbuild runs
 * once per function and the assertions on the template do not need the code. So is CDK's own template
 * validation, which test/cdk/app.test.ts runs.
 */
import { readFileSync } from 'node:fs';
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { addDistrictPayouts } from '../../../lib/app.js';
import type { DistrictPayoutsStack } from '../../../lib/district-payouts-stack.js';

/** The documented example context (cdk.json), which `npm run synth` uses too. */
export function exampleContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return { ...cdkJson.context };
}

export interface SynthOptions {
  /** Replaces the example context entirely when given. */
  readonly context?: Record<string, unknown>;
  readonly bundle?: boolean;
  /** CDK's own CloudFormation template checks (several seconds); cdk-nag runs either way. */
  readonly builtinValidation?: boolean;
}

export function buildApp(options: SynthOptions = {}): { app: App; stack: DistrictPayoutsStack } {
  const app = new App({
    context: { ...(options.context ?? exampleContext()), 'aws:cdk:bundling-stacks': options.bundle ? ['**'] : [] },
    builtinCloudFormationValidation: options.builtinValidation ?? false,
  });
  return { app, stack: addDistrictPayouts(app) };
}

export function synthesize(options: SynthOptions = {}): { app: App; stack: DistrictPayoutsStack; template: Template } {
  const { app, stack } = buildApp(options);
  return { app, stack, template: Template.fromStack(stack) };
}

export function logicalIdOf(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}
