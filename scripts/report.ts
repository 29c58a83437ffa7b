/**
 * `npm run report -- [-c config=<file>] [--assembly <dir>] [--out <dir>]`
 *
 * Writes the HIPAA Security Rule report (Markdown and standalone HTML) of a synthesized cloud
 * assembly: run `npm run synth` first. Options and exit codes: lib/report/args.ts; the report itself
 * is built by lib/report/run.ts.
 */
import { runReport } from '../lib/report/run';

const started = Date.now();
const { exitCode } = runReport(process.argv.slice(2), {
  cwd: process.cwd(),
  now: new Date(),
  out: (text) => console.log(text),
  err: (text) => console.error(text),
});
if (exitCode !== 2) console.error(`Report took ${((Date.now() - started) / 1000).toFixed(1)} s.`);
process.exitCode = exitCode;
