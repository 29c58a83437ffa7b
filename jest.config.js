/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integ/'],
  // swc strips types without type-checking each file (that is `npm run build`'s job): a test file
  // compiles in milliseconds instead of seconds.
  transform: {
    '^.+\\.tsx?$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: 'inline' },
    ],
  },
  // The shared synthesized assemblies of the shipped configs (test/helpers/shipped-assembly.ts): their run
  // directory and, in a whole-suite run, their background synth; the files that read them run last.
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  testSequencer: '<rootDir>/test/helpers/sequencer.cjs',
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
  // Stack synthesis is CPU-bound; two workers match the CI machine's two cores (the background synth of
  // the shared assemblies and the compliance checks' worker threads share them).
  maxWorkers: 2,
  testTimeout: 120000,
};
