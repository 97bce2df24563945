/** `npm run ops -- <command>`: parses the command line, runs one command, returns the exit code. */
import { parseArgs } from 'node:util';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import {
  type Command,
  type CommandContext,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  type OptionsConfig,
  type OptionValues,
  UsageError,
  usageLine,
} from './command.js';
import { districtsList, districtsPut } from './commands/districts.js';
import { eventsList } from './commands/events.js';
import {
  payoutsApprove,
  payoutsClose,
  payoutsList,
  payoutsMarkPaid,
  payoutsRetry,
  payoutsShow,
} from './commands/payouts.js';
import { reconcile } from './commands/reconcile.js';
import { resync } from './commands/resync.js';
import type { Io } from './output.js';
import {
  HttpPlatformClient,
  PlatformApiError,
  type PlatformClient,
  PlatformUnreachableError,
} from './platform-client.js';
import { type ReconcileStripeSource, stripeApiSource, stripeClientFor } from './reconcile/stripe-source.js';
import { type AwsCredentials, type CredentialsProvider, sigV4Signer } from './sigv4.js';
import { resolveTarget, type Target, TargetError } from './target.js';

export const COMMANDS: readonly Command[] = [
  districtsList,
  districtsPut,
  payoutsList,
  payoutsShow,
  payoutsRetry,
  payoutsMarkPaid,
  payoutsApprove,
  payoutsClose,
  eventsList,
  resync,
  reconcile,
];

const GLOBAL_OPTIONS = {
  api: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionsConfig;

export interface OpsDependencies {
  io: Io;
  env: Record<string, string | undefined>;
  now?: () => Date;
  /** Default: HTTP to the target, SigV4-signed when it is deployed. */
  platformClient?: (target: Target) => PlatformClient;
  /** Default: the Stripe SDK with STRIPE_API_KEY, or the local emulator for a local target. */
  stripeSource?: (target: Target) => ReconcileStripeSource;
}

export async function runOps(argv: readonly string[], deps: OpsDependencies): Promise<number> {
  const { io } = deps;
  const command = findCommand(argv);
  if (!command) {
    if (argv[0] === 'help' || argv.includes('--help') || argv.includes('-h')) {
      io.out(helpText());
      return EXIT_OK;
    }
    if (argv.length === 0) {
      io.err(helpText());
      return EXIT_USAGE;
    }
    io.err(`Error: unknown command: ${looseParse(argv).positionals.join(' ') || argv.join(' ')}`);
    io.err('usage: npm run ops -- <command> [options]   (npm run ops -- --help lists the commands)');
    return EXIT_USAGE;
  }

  try {
    const { values, args } = parseCommandLine(command, argv);
    if (values.help) {
      io.out(`usage: ${usageLine(command)}\n\n${command.summary}\n\n${globalOptionsText()}`);
      return EXIT_OK;
    }
    const target = resolveTarget(typeof values.api === 'string' ? values.api : undefined, deps.env);
    const now = deps.now ?? (() => new Date());
    const context: CommandContext = {
      io,
      json: values.json === true,
      target,
      client: (deps.platformClient ?? ((t: Target) => platformClientFor(t)))(target),
      now,
      stripeSource: () =>
        deps.stripeSource ? deps.stripeSource(target) : stripeApiSource(stripeClientFor(target, deps.env)),
    };
    return await command.run(context, { args, values });
  } catch (error) {
    if (error instanceof UsageError || error instanceof TargetError) {
      io.err(`Error: ${error.message}`);
      io.err(`usage: ${usageLine(command)}`);
      return EXIT_USAGE;
    }
    if (error instanceof PlatformApiError || error instanceof PlatformUnreachableError) {
      io.err(`Error: ${error.message}`);
      return EXIT_FAILURE;
    }
    io.err(`Error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_FAILURE;
  }
}

/** The platform API client for a target: unsigned locally, SigV4 with the default AWS credential chain when deployed. */
export function platformClientFor(
  target: Target,
  options: { credentials?: AwsCredentials | CredentialsProvider; fetch?: typeof fetch } = {},
): PlatformClient {
  const signer =
    target.local || !target.region
      ? undefined
      : sigV4Signer({ region: target.region, credentials: options.credentials ?? defaultProvider() });
  return new HttpPlatformClient({ baseUrl: target.url, signer, fetch: options.fetch });
}

function findCommand(argv: readonly string[]): Command | undefined {
  const words = looseParse(argv).positionals;
  return COMMANDS.find((command) => command.words.every((word, i) => words[i] === word));
}

/** Positionals without knowing the command yet: every option any command takes is declared, nothing is enforced. */
function looseParse(argv: readonly string[]): { positionals: string[] } {
  const options: OptionsConfig = { ...GLOBAL_OPTIONS };
  for (const command of COMMANDS) Object.assign(options, command.options);
  return parseArgs({ args: [...argv], options, strict: false, allowPositionals: true });
}

function parseCommandLine(command: Command, argv: readonly string[]): { values: OptionValues; args: string[] } {
  let parsed: { values: OptionValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...GLOBAL_OPTIONS, ...command.options },
      strict: true,
      allowPositionals: true,
      allowNegative: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const args = parsed.positionals.slice(command.words.length);
  if (!parsed.values.help && args.length !== command.args.length) {
    throw new UsageError(
      args.length < command.args.length
        ? `missing ${command.args.slice(args.length).join(' ')}`
        : `unexpected argument ${args.slice(command.args.length).join(' ')}`,
    );
  }
  return { values: parsed.values, args };
}

function globalOptionsText(): string {
  return [
    'Options for every command:',
    '  --api URL   platform API base URL (env PLATFORM_API_URL; default http://127.0.0.1:3000, the local stack)',
    '  --json      machine-readable JSON on stdout (amounts in integer minor units)',
    '  -h, --help  this text',
  ].join('\n');
}

export function helpText(): string {
  const lines = COMMANDS.map(
    (command) => `  ${usageLine(command).replace('npm run ops -- ', '')}\n      ${command.summary}`,
  );
  return [
    'usage: npm run ops -- <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    globalOptionsText(),
    '',
    'Exit codes: 0 success; 1 API or Stripe error, reconcile mismatches, resync events still failing; 2 bad usage.',
  ].join('\n');
}
