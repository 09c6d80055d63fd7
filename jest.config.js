/**
 * ESM jest: NestJS 12 is ESM-only (see shared STACK.md). The libs' entries (`#perf-eval/<lib>`, package.json
 * "imports") are mapped to their sources: Node's own resolution would load the compiled ones from dist/.
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^#perf-eval/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts', '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: ['TS151001'] } }] },
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.integration-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.browser-spec.ts'],
  testTimeout: 120000,
  // A suite that leaked a child process or a socket must not keep an in-band run alive after its report is written
  // (CI waited 75 minutes on one): suites still end theirs (endBrowserSuite, ApiProcess.stop); this is the backstop.
  forceExit: true,
};
