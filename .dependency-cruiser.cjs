/**
 * The dependency rules of docs/architecture.md, checked by `npm run lint:deps` (the first step of `npm test`);
 * test/dependency-rules.integration-spec.ts shows each rule refusing a violation.
 *
 * Paths are relative to the repository root. Type-only imports count (tsPreCompilationDeps): a type is a
 * dependency too.
 */

/** The arrows between libs: each lib and the libs it may import (through their entries). Acyclic. */
const LIB_ARROWS = {
  errors: [],
  config: [],
  persistence: ['config', 'errors'],
  identity: ['config', 'errors', 'persistence'],
  live: ['config', 'errors', 'persistence'],
  cycles: ['config', 'errors', 'identity', 'persistence'],
  evaluation: ['config', 'errors', 'cycles', 'identity', 'live', 'persistence'],
  notifications: ['config', 'errors', 'cycles', 'evaluation', 'identity', 'live', 'persistence'],
  reporting: ['config', 'errors', 'cycles', 'evaluation', 'identity', 'persistence'],
};

/** Parts that take time and actor as arguments and import no framework: the aggregate, scoring, the import layout, the reminder policy. */
const PURE = ['^libs/evaluation/src/(domain|scoring|import)/', '^libs/cycles/src/(reminder-policy|iso-duration)\\.ts$', '^libs/errors/src/'];
const FRAMEWORK = '(^|/)node_modules/(@nestjs/[^/]+|typeorm|bullmq|ioredis|class-validator|class-transformer|pg|express)/';
/** Test code beside the code it tests (not built). */
const TEST_CODE = '\\.(spec|fixture)\\.ts$';
const ENTRY = '^libs/[^/]+/src/index\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules (and so libs, through their entries) never import each other in a circle.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'apps-through-entries',
      severity: 'error',
      comment: 'An app imports a lib only through its entry: #perf-eval/<lib> (libs/<lib>/src/index.ts).',
      from: { path: '^apps/' },
      to: { path: '^libs/[^/]+/src/', pathNot: ENTRY },
    },
    {
      name: 'libs-through-entries',
      severity: 'error',
      comment: 'A lib imports another lib only through its entry: #perf-eval/<lib>.',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/', pathNot: ['^libs/$1/', ENTRY] },
    },
    {
      name: 'no-own-entry',
      severity: 'error',
      comment: 'Inside a lib, files import each other relatively, never through the lib’s own entry.',
      from: { path: '^libs/([^/]+)/src/', pathNot: ENTRY },
      to: { path: '^libs/$1/src/index\\.ts$' },
    },
    ...Object.entries(LIB_ARROWS).map(([lib, allowed]) => ({
      name: `lib-arrows-${lib}`,
      severity: 'error',
      comment: `libs/${lib} may import ${allowed.length ? allowed.map((a) => `libs/${a}`).join(', ') : 'no other lib'} (docs/architecture.md).`,
      from: { path: `^libs/${lib}/` },
      to: { path: '^libs/', pathNot: [`^libs/${lib}/`, ...allowed.map((a) => `^libs/${a}/`)] },
    })),
    {
      name: 'libs-not-to-apps',
      severity: 'error',
      comment: 'Libs never import an app.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-apart',
      severity: 'error',
      comment: 'An app never imports another app; what they share lives in a lib.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'pure-core-no-framework',
      severity: 'error',
      comment: 'The pure parts import no framework: no Nest, TypeORM, BullMQ, Redis, validation library, pg or Express.',
      from: { path: PURE, pathNot: TEST_CODE },
      to: { path: FRAMEWORK },
    },
    {
      name: 'pure-core-only-pure',
      severity: 'error',
      comment: 'The pure parts import only each other (and libraries): no application, infrastructure, module, entry, other lib or app.',
      from: { path: PURE, pathNot: TEST_CODE },
      to: { path: '^(apps|libs|test)/', pathNot: PURE },
    },
    {
      name: 'not-to-test',
      severity: 'error',
      comment: 'Code that is built (apps, libs) imports nothing from test/.',
      from: { path: '^(apps|libs)/', pathNot: TEST_CODE },
      to: { path: '^test/' },
    },
    {
      name: 'not-to-test-code',
      severity: 'error',
      comment: 'Code that is built never imports a spec or a fixture (the build leaves them out).',
      from: { path: '^(apps|libs)/', pathNot: TEST_CODE },
      to: { path: TEST_CODE },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment: 'Code that is built uses no devDependency at run time (npm prune --omit=dev removes them in the image).',
      from: { path: '^(apps|libs)/', pathNot: TEST_CODE },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves (an entry alias that stopped resolving would otherwise slip past the rules above).',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A module that nothing imports and that imports nothing is dead code.',
      from: { orphan: true, pathNot: ['\\.d\\.ts$'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|apps/web/public)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // The entries resolve as TypeScript resolves them: package.json "imports" under the perf-eval-source condition.
    enhancedResolveOptions: {
      conditionNames: ['perf-eval-source', 'import', 'require', 'node', 'default', 'types'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
