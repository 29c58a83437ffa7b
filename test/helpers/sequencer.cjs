/**
 * jest's test order (failed first, then slowest first), except that the test files that read the shared
 * synthesized assembly (`shippedAssembly(...)`) run last: in a whole-suite run the global setup is
 * synthesizing it in the background meanwhile, and those files then find it ready instead of holding a
 * worker while they wait.
 */
/* global require, module */
/* eslint-disable @typescript-eslint/no-require-imports -- jest loads its test sequencer untransformed */
'use strict';
const fs = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;

// shippedAssembly(...) directly, or through a helper that reads it (shippedResources, shippedStacks).
const SHARED_ASSEMBLY_READERS = /\bshipped(Assembly|Resources|Stacks)\(/;
const readsSharedAssembly = (test) => SHARED_ASSEMBLY_READERS.test(fs.readFileSync(test.path, 'utf8'));

class SharedAssemblyLast extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted.filter((t) => !readsSharedAssembly(t)), ...sorted.filter(readsSharedAssembly)];
  }
}

module.exports = SharedAssemblyLast;
