/**
 * The process side shared by `npm run drill` and `npm run teardown`: the first Ctrl-C aborts the run's
 * signal so it stops at its next safe point; a second quits at once, after saying what is still going
 * on in AWS. An unexpected error is one line (never a stack) plus the same account of what is left.
 */
import { describeError } from './start';

export interface MainOptions {
  /** Printed on the first Ctrl-C. */
  readonly interrupted: string;
  /** Prefix of the one line printed for an unexpected error. */
  readonly stoppedOnError: string;
  /** Prints what is still going on in AWS, on a second Ctrl-C or an unexpected error. */
  readonly printLeftovers: () => void;
}

/** Runs `run` as the process: its result is the exit code; an unexpected error exits 1. */
export function runAsMain(options: MainOptions, run: (signal: AbortSignal) => Promise<number>): void {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (!controller.signal.aborted) {
      console.error(`\n${options.interrupted}`);
      controller.abort();
      return;
    }
    options.printLeftovers();
    process.exit(1);
  });

  run(controller.signal).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`${options.stoppedOnError}: ${describeError(e)}`);
      options.printLeftovers();
      process.exitCode = 1;
    },
  );
}
