// Two projects: fast unit tests (no terraform, no moto) and slow end-to-end tests
// (files named *.e2e.test.ts), which start moto and terraform themselves.
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
module.exports = {
  // Global (jest has no per-project timeout): generous for the unit tests that synthesize in
  // process while other workers compete for two cores. setup-e2e.ts raises it for the e2e project.
  testTimeout: 30_000,
  testSequencer: '<rootDir>/test/support/sequencer.js',
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.e2e\\.test\\.ts$', '/node_modules/'],
      setupFiles: ['<rootDir>/test/support/setup-sdk.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/setup-cdktf.ts'],
      transform,
    },
    {
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup-e2e.ts',
      setupFiles: ['<rootDir>/test/support/setup-sdk.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/setup-cdktf.ts', '<rootDir>/test/support/setup-e2e.ts'],
      transform,
    },
  ],
};
