/**
 * `node -r ./bin/register.cjs bin/app.ts` (cdk.json's "app"): loads the app's TypeScript files compiled
 * by swc, as jest does (jest.config.js): types are stripped, not checked (`npm run build` checks them).
 * In-process and about a millisecond per file, where a separate TypeScript runner costs a second or two.
 */
/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS require hook, loaded by `node -r` */
'use strict';
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    swcrc: false,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    // With node's --enable-source-maps, stack traces (and the validation report's) point at the TypeScript.
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
