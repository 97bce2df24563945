/**
 * `npm run stripe -- trigger invoice.paid|charge.refunded|charge.dispute.created [--district ID] [--amount N]` and
 * `npm run stripe -- events [--limit N] [--failed] [--json]`, against the Stripe emulator of a running `npm start`
 * (STRIPE_EMULATOR_PORT, default 12111). Exit 0 done, 1 failed, 2 bad arguments.
 */
import { parseArgs, USAGE, UsageError } from './args.js';
import { emulatorConnection, explainConnectionError } from './emulator.js';
import { formatEvents, recentEvents } from './events.js';
import { trigger } from './trigger.js';

async function main(argv: readonly string[]): Promise<number> {
  let command: ReturnType<typeof parseArgs>;
  try {
    command = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (command.command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const emulator = emulatorConnection();
  try {
    if (command.command === 'events') {
      const events = await recentEvents(emulator, { limit: command.limit, failedOnly: command.failedOnly });
      console.log(command.json ? JSON.stringify(events, null, 2) : formatEvents(events));
      return 0;
    }
    const { event, districtId, amount } = command;
    console.log(`Triggering ${event} for district ${districtId} (${(amount / 100).toFixed(2)} USD)...`);
    const result = await trigger(emulator, { event, districtId, amount });
    for (const object of result.objects) console.log(`  ${object.kind.padEnd(8)} ${object.id}`);
    console.log(`Trigger succeeded. Events since it began, and their delivery:\n${formatEvents(result.events)}`);
    return 0;
  } catch (error) {
    console.error(explainConnectionError(error, emulator).message);
    return 1;
  }
}

process.exit(await main(process.argv.slice(2)));
