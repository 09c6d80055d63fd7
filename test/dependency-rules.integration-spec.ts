import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The rules of .dependency-cruiser.cjs, run by dependency-cruiser as `npm run lint:deps` runs them, on a small
 * tree laid out like this repository (its package.json "imports", tsconfig and node_modules): clean, it passes;
 * with one violation of each rule added, each is reported for the file that commits it.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** A run of dependency-cruiser takes a few seconds (TypeScript parses every file); on a busy machine, more. */
const CRUISE_MS = 120_000;

const CLEAN: Record<string, string> = {
  'libs/persistence/src/index.ts': `export { connect } from './database.js';\n`,
  'libs/persistence/src/database.ts': `import { DataSource } from 'typeorm';\nexport const connect = () => new DataSource({ type: 'postgres' });\n`,
  'libs/evaluation/src/index.ts': `export { Evaluation } from './domain/evaluation.js';\nexport { EvaluationRepository } from './infrastructure/evaluation.repository.js';\n`,
  'libs/evaluation/src/domain/evaluation.ts': `import { Decimal } from 'decimal.js';\nexport class Evaluation {\n  total = new Decimal(0);\n}\n`,
  'libs/evaluation/src/infrastructure/evaluation.repository.ts': [
    `import { Injectable } from '@nestjs/common';`,
    `import { connect } from '#perf-eval/persistence';`,
    `import { Evaluation } from '../domain/evaluation.js';`,
    `@Injectable()`,
    `export class EvaluationRepository {`,
    `  load() {`,
    `    connect();`,
    `    return new Evaluation();`,
    `  }`,
    `}`,
    ``,
  ].join('\n'),
  'libs/reporting/src/index.ts': `export { summary } from './summary.js';\n`,
  'libs/reporting/src/summary.ts': `import { Evaluation } from '#perf-eval/evaluation';\nexport const summary = () => new Evaluation();\n`,
  'apps/api/src/main.ts': `import { EvaluationRepository } from '#perf-eval/evaluation';\nimport { summary } from '#perf-eval/reporting';\nnew EvaluationRepository().load();\nsummary();\n`,
  'apps/worker/src/main.ts': `import { Evaluation } from '#perf-eval/evaluation';\nexport const worker = new Evaluation();\n`,
  'test/support/helper.ts': `export const helper = 1;\n`,
  'test/app.e2e-spec.ts': `import { helper } from './support/helper.js';\nimport { Evaluation } from '../libs/evaluation/src/domain/evaluation.js';\nexport const used = [helper, new Evaluation()];\n`,
  'libs/reporting/src/forms.fixture.ts': `export const FORMS = [];\n`,
  'libs/reporting/src/summary.spec.ts': `import { FORMS } from './forms.fixture.js';\nimport { helper } from '../../../test/support/helper.js';\nexport const checked = [FORMS, helper];\n`,
};

/** Each violation: the file that commits it, what it says, the rule that must name it (and a file it needs). */
const VIOLATIONS: { file: string; source: string; rule: string; companion?: Record<string, string> }[] = [
  { rule: 'apps-through-entries', file: 'apps/api/src/deep.ts', source: `import { Evaluation } from '../../../libs/evaluation/src/domain/evaluation.js';\nexport const deep = new Evaluation();\n` },
  { rule: 'libs-through-entries', file: 'libs/reporting/src/deep.ts', source: `import { EvaluationRepository } from '../../evaluation/src/infrastructure/evaluation.repository.js';\nexport const deep = new EvaluationRepository();\n` },
  // The three forms the old regex purity test missed: double quotes, a side-effect import, a dynamic import.
  { rule: 'pure-core-no-framework', file: 'libs/evaluation/src/domain/double-quoted.ts', source: `import { Injectable } from "@nestjs/common";\nexport const decorate = Injectable;\n` },
  { rule: 'pure-core-no-framework', file: 'libs/evaluation/src/scoring/side-effect.ts', source: `import 'typeorm';\nexport const scored = true;\n` },
  { rule: 'pure-core-no-framework', file: 'libs/evaluation/src/import/dynamic.ts', source: `export const queue = () => import('bullmq');\n` },
  { rule: 'pure-core-no-framework', file: 'libs/evaluation/src/domain/typed.ts', source: `import type { EntityManager } from 'typeorm';\nexport type Manager = EntityManager;\n` },
  { rule: 'pure-core-only-pure', file: 'libs/evaluation/src/domain/layered.ts', source: `import { EvaluationRepository } from '../infrastructure/evaluation.repository.js';\nexport const layered = EvaluationRepository;\n` },
  { rule: 'no-own-entry', file: 'libs/evaluation/src/infrastructure/own-entry.ts', source: `import { Evaluation } from '../index.js';\nexport const own = new Evaluation();\n` },
  { rule: 'lib-arrows-persistence', file: 'libs/persistence/src/upward.ts', source: `import { Evaluation } from '#perf-eval/evaluation';\nexport const upward = new Evaluation();\n` },
  {
    rule: 'no-circular',
    file: 'libs/reporting/src/ping.ts',
    source: `import { pong } from './pong.js';\nexport const ping = () => pong();\n`,
    companion: { 'libs/reporting/src/pong.ts': `import { ping } from './ping.js';\nexport const pong = () => ping();\n` },
  },
  { rule: 'libs-not-to-apps', file: 'libs/reporting/src/to-app.ts', source: `import '../../../apps/api/src/main.js';\nexport const app = true;\n` },
  { rule: 'apps-apart', file: 'apps/worker/src/to-api.ts', source: `import '../../api/src/main.js';\nexport const api = true;\n` },
  { rule: 'not-to-test', file: 'libs/reporting/src/to-test.ts', source: `import { helper } from '../../../test/support/helper.js';\nexport const tested = helper;\n` },
  { rule: 'not-to-test-code', file: 'libs/reporting/src/to-fixture.ts', source: `import { FORMS } from './forms.fixture.js';\nexport const forms = FORMS;\n` },
  { rule: 'not-to-dev-dep', file: 'apps/api/src/dev-dep.ts', source: `import request from 'supertest';\nexport const client = request;\n` },
  { rule: 'not-to-unresolvable', file: 'apps/api/src/nowhere.ts', source: `import { nothing } from '#perf-eval/nowhere';\nexport const here = nothing;\n` },
  { rule: 'no-orphans', file: 'libs/reporting/src/orphan.ts', source: `export const nobody = 1;\n` },
];

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

const PACKAGE = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const TSCONFIG = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
const dirs: string[] = [];

/** A tree with these files, the repository's package.json "imports", tsconfig and node_modules. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dependency-rules-'));
  dirs.push(dir);
  const layout: Record<string, string> = {
    ...files,
    'package.json': JSON.stringify({ name: 'rules-fixture', type: 'module', imports: PACKAGE.imports, dependencies: PACKAGE.dependencies, devDependencies: PACKAGE.devDependencies }),
    'tsconfig.json': JSON.stringify({ compilerOptions: TSCONFIG.compilerOptions, include: ['apps/**/*.ts', 'libs/**/*.ts', 'test/**/*.ts'] }),
  };
  for (const [file, text] of Object.entries(layout)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** `npm run lint:deps` as package.json writes it (`depcruise --config .dependency-cruiser.cjs …`), in `dir`, with the repository's rules. */
function lintDeps(dir: string, ...extra: string[]) {
  const [command, ...args] = PACKAGE.scripts['lint:deps'].split(/\s+/);
  expect(command).toBe('depcruise');
  const absolute = args.map((a: string) => (a === '.dependency-cruiser.cjs' ? path.join(ROOT, a) : a));
  return spawnSync(process.execPath, [path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), ...absolute, ...extra], { cwd: dir, encoding: 'utf8' });
}

function violations(dir: string): Violation[] {
  const run = lintDeps(dir, '--output-type', 'json');
  return (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the dependency rules', () => {
  let clean: string;
  let broken: string;
  let found: Violation[];
  beforeAll(() => {
    clean = tree(CLEAN);
    broken = tree({ ...CLEAN, ...Object.fromEntries(VIOLATIONS.flatMap((v) => [[v.file, v.source], ...Object.entries(v.companion ?? {})])) });
    found = violations(broken);
  }, CRUISE_MS);

  it('pass a tree that keeps them (entries, a pure domain, specs using test support and fixtures)', () => {
    expect(violations(clean)).toEqual([]);
    expect(lintDeps(clean).status).toBe(0);
  }, 2 * CRUISE_MS);

  it('fail the lint step when one is broken', () => {
    const run = lintDeps(broken);
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('error apps-through-entries');
  }, CRUISE_MS);

  it.each(VIOLATIONS.map((v) => [v.rule, v.file]))('report %s for %s', (rule, file) => {
    expect(found.filter((v) => v.from === file).map((v) => v.rule.name)).toContain(rule);
  });

  it('report nothing for the files that keep them', () => {
    const offenders = new Set(VIOLATIONS.flatMap((v) => [v.file, ...Object.keys(v.companion ?? {})]));
    expect(found.filter((v) => !offenders.has(v.from)).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
  });
});
