/**
 * Time to import a function's bundle in a fresh node process: the module graph plus the handler module's top level
 * (configuration, clients, middleware), which is what a cold start runs before the first invocation. The process
 * gets the function's environment from the template, with placeholders for resource names and the local (static)
 * form of the Stripe secrets: deployed, @middy/secrets-manager also starts a Secrets Manager fetch at init, a
 * network round trip not counted here.
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { env } from '#contracts/environment.js';
import type { SynthesizedFunction } from './synth.js';

const IMPORT_SCRIPT =
  'const started = performance.now(); await import(process.argv[1]); ' +
  'process.stdout.write(String(performance.now() - started));';
const PLACEHOLDER_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-placeholder';

/** Milliseconds to import `fn`'s bundle once; `nodeOptions` overrides the template's NODE_OPTIONS. */
export function importMilliseconds(fn: SynthesizedFunction, nodeOptions?: string): Promise<number> {
  const functionEnv = initEnvironment(fn.environment);
  if (nodeOptions !== undefined) functionEnv[env.nodeOptions] = nodeOptions;
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(fn.bundlePath).href],
      { env: { PATH: process.env.PATH ?? '', ...functionEnv }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = Number(stdout);
      if (code === 0 && Number.isFinite(ms)) resolve(ms);
      else reject(new Error(`importing the ${fn.name} bundle failed (${code}): ${stderr.trim()}`));
    });
  });
}

function initEnvironment(template: Record<string, unknown>): Record<string, string> {
  const result: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const [name, value] of Object.entries(template)) {
    if (name === env.stripeWebhookSecretsSecretName) result[env.stripeWebhookSecrets] = 'whsec_bench';
    else if (name === env.stripeApiKeySecretName) result[env.stripeApiKey] = 'sk_test_bench';
    else if (typeof value === 'string') result[name] = value;
    else result[name] = name.endsWith('_URL') ? PLACEHOLDER_QUEUE_URL : 'bench-placeholder';
  }
  return result;
}
