/**
 * `npm run lint:cfn`: synthesizes every config in config/ and runs cfn-lint over every template
 * (scripts/lint-cfn/index.ts). Needs cfn-lint on PATH; exit codes: EXIT in that file.
 */
import { lintCfn } from './lint-cfn/index';

lintCfn({}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`lint:cfn stopped: ${(e as Error).message}`);
    process.exitCode = 1;
  },
);
