/**
 * The function bundles exactly as the CDK build produces them: runs the project's `npm run synth` into a temporary
 * output folder (so a cdk.out in use is left alone) and reads each Lambda function of the template: its bundled
 * asset folder, memory, architecture and environment. Reading what NodejsFunction built cannot drift from the
 * stack's bundling options, whatever they become.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env } from '#contracts/environment.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** NodejsFunction's file name for a CommonJS bundle (lib/constructs/payout-function.ts). */
const BUNDLE_FILE = 'index.js';

export interface SynthesizedFunction {
  /** The function's name in this project (its POWERTOOLS_SERVICE_NAME). */
  name: string;
  bundlePath: string;
  bundleBytes: number;
  sourceMapBytes: number;
  memoryMb: number;
  architecture: string;
  runtime: string;
  /** The template's environment: strings as set, CloudFormation references as they are (objects). */
  environment: Record<string, unknown>;
}

export interface Synthesis {
  functions: SynthesizedFunction[];
  seconds: number;
  cleanUp(): void;
}

interface TemplateResource {
  Type: string;
  Metadata?: Record<string, unknown>;
  Properties?: {
    MemorySize?: number;
    Architectures?: string[];
    Runtime?: string;
    Environment?: { Variables?: Record<string, unknown> };
  };
}

export async function synthesizeFunctions(): Promise<Synthesis> {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-cdk-out-'));
  const cleanUp = () => rmSync(outdir, { recursive: true, force: true });
  try {
    const started = performance.now();
    await run('npm', ['run', '--silent', 'synth', '--', '-o', outdir]);
    const seconds = (performance.now() - started) / 1000;
    const templates = readdirSync(outdir).filter((file) => file.endsWith('.template.json'));
    const functions: SynthesizedFunction[] = [];
    for (const template of templates) {
      const { Resources = {} } = JSON.parse(readFileSync(join(outdir, template), 'utf8')) as {
        Resources?: Record<string, TemplateResource>;
      };
      for (const resource of Object.values(Resources)) {
        const asset = resource.Metadata?.['aws:asset:path'];
        if (resource.Type !== 'AWS::Lambda::Function' || typeof asset !== 'string') continue;
        const environment = resource.Properties?.Environment?.Variables ?? {};
        const name = environment[env.powertoolsServiceName];
        if (typeof name !== 'string') continue;
        const bundlePath = join(outdir, asset, BUNDLE_FILE);
        functions.push({
          name,
          bundlePath,
          bundleBytes: statSync(bundlePath).size,
          sourceMapBytes: sizeOrZero(`${bundlePath}.map`),
          memoryMb: resource.Properties?.MemorySize ?? 128,
          architecture: resource.Properties?.Architectures?.[0] ?? 'x86_64',
          runtime: resource.Properties?.Runtime ?? 'unknown',
          environment,
        });
      }
    }
    if (functions.length === 0) throw new Error('The synthesized template has no bundled Lambda function');
    return { functions: functions.sort((a, b) => a.name.localeCompare(b.name)), seconds, cleanUp };
  } catch (error) {
    cleanUp();
    throw error;
  }
}

function sizeOrZero(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`npm run synth exited with ${code}: ${stderr.trim()}`)),
    );
  });
}
