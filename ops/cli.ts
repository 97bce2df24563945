/** Entry of `npm run ops -- <command>`; everything else is in run.ts. */
import { processIo } from './output.js';
import { runOps } from './run.js';

process.exitCode = await runOps(process.argv.slice(2), { io: processIo(), env: process.env });
