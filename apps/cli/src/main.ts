import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { processConfigOrExit, type AppConfig } from '#perf-eval/config';
import { Directory, ROLES, type ReviewStep, type Role, seedDemo } from '#perf-eval/identity';
import { CliModule } from './cli.module.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ImportSelfEvaluationsCommand, isZip, openDocument, ProjectionRebuild } from '#perf-eval/evaluation';
import { isUuid } from '#perf-eval/persistence';

const USAGE = `用法 / usage: npm run cli -- <command> [options]
  setup                                  create the database, migrate; on an empty database seed the demo unit, users and the
                                         sample forms of samples/ (SEED_DEMO=false: none of that)
  import <file> --as-user manager [--fiscal-year 2021] [--published]
                                         import a unit's forms: its Word file (.docx), a workbook laid out as form.xlsx,
                                         or a text dump (all-or-nothing, idempotent by content)
  rebuild-projections                    rebuild every read model from the event history
  create-unit --name 单位名称 --department 主管部门     (linked to the 主管部门 of that name, created when missing)
  update-unit --unit <unit id or name> [--review-chain unit|unit,department] [--department <department id or name>|none]
  create-department --name 主管部门
  create-user --username u --password p --display-name 姓名 --roles drafter,reviewer --units <unit id or name>,...
              [--departments <department id or name>,...]   (a reviewer of those 主管部门: step 主管部门审核)
  update-user --username u [--roles …] [--units …] [--departments …] [--password p] [--display-name 姓名] [--email e] [--active true|false]
                                         a new password or --active false revokes the user's tokens at once in every API process
  passwords: at least 10 characters (a passphrase is welcome), not the username, not a common password (WEAK_PASSWORD)
  list-units
  list-departments
  list-users`;

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  const config = processConfigOrExit();
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      department: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      'display-name': { type: 'string' },
      roles: { type: 'string' },
      units: { type: 'string' },
      unit: { type: 'string' },
      departments: { type: 'string' },
      'review-chain': { type: 'string' },
      email: { type: 'string' },
      'as-user': { type: 'string' },
      active: { type: 'string' },
      'fiscal-year': { type: 'string' },
      published: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error', 'warn'] });
  try {
    const directory = app.get(Directory);
    switch (command) {
      case 'setup': {
        const seeded = config.seedDemo && (await seedDemo(directory, config.demoPassword));
        if (seeded) {
          const result = await importFile(app, config, SAMPLE_FILE, 'manager', { asPublished: true });
          console.log(`已初始化演示数据：演示用户与 ${result.evaluations.length} 张 2021 年度自评表 (demo users and sample forms seeded)`);
        } else {
          console.log('数据库已就绪 (database ready)');
        }
        return 0;
      }
      case 'import': {
        const file = positionals[0];
        if (!file) throw new Error('缺少文件 missing <file>');
        const result = await importFile(app, config, file, required(values['as-user'], '--as-user'), {
          asPublished: values.published ?? false,
          fiscalYear: values['fiscal-year'] ? Number(values['fiscal-year']) : undefined,
        });
        console.log(JSON.stringify({ batchId: result.batchId, duplicate: result.duplicate, evaluations: result.evaluations.map((e) => ({ id: e.id, projectName: e.projectName, total: e.scores.total, findings: e.findings.length })) }, null, 2));
        return 0;
      }
      case 'rebuild-projections': {
        const { evaluations, events } = await app.get(ProjectionRebuild).run();
        console.log(`已重建读模型：${evaluations} 张评价表，${events} 个事件 (read models rebuilt)`);
        return 0;
      }
      case 'create-unit':
        console.log(JSON.stringify(await directory.createUnit(required(values.name, '--name'), required(values.department, '--department'))));
        return 0;
      case 'update-unit': {
        const ref = required(values.unit, '--unit');
        const unit = (await directory.listUnits()).find((u) => u.id === ref || u.name === ref);
        if (!unit) throw new Error(`单位不存在 unknown unit: ${ref}`);
        const department = values.department;
        const updated = await directory.updateUnit(unit.id, {
          reviewChain: values['review-chain'] ? (values['review-chain'].split(',').map((s) => s.trim()) as ReviewStep[]) : undefined,
          departmentId: department === undefined ? undefined : department === 'none' ? null : refs(department, await directory.listDepartments())[0],
        });
        console.log(JSON.stringify(updated));
        return 0;
      }
      case 'create-department':
        console.log(JSON.stringify(await directory.createDepartment(required(values.name, '--name'))));
        return 0;
      case 'list-departments':
        console.table((await directory.listDepartments()).map(({ id, name, unitIds }) => ({ id, name, units: unitIds.length })));
        return 0;
      case 'create-user': {
        const roles = parseRoles(required(values.roles, '--roles'));
        const unitIds = refs(values.units ?? '', await directory.listUnits());
        const user = await directory.createUser({
          username: required(values.username, '--username'),
          password: required(values.password, '--password'),
          displayName: values['display-name'] ?? required(values.username, '--username'),
          roles: roles as Role[],
          unitIds,
          departmentIds: refs(values.departments ?? '', await directory.listDepartments()),
          email: values.email ?? null,
        });
        console.log(JSON.stringify(user));
        return 0;
      }
      case 'update-user': {
        const username = required(values.username, '--username');
        const user = (await directory.listUsers()).find((u) => u.username === username);
        if (!user) throw new Error(`用户不存在 unknown user: ${username}`);
        const units = await directory.listUnits();
        const updated = await directory.updateUser(user.id, {
          roles: values.roles ? (parseRoles(values.roles) as Role[]) : undefined,
          unitIds: values.units ? refs(values.units, units) : undefined,
          departmentIds: values.departments !== undefined ? refs(values.departments, await directory.listDepartments()) : undefined,
          password: values.password,
          displayName: values['display-name'],
          email: values.email,
          active: values.active === undefined ? undefined : parseActive(values.active),
        });
        console.log(JSON.stringify(updated));
        return 0;
      }
      case 'list-units':
        console.table(await directory.listUnits());
        return 0;
      case 'list-users':
        console.table(
          (await directory.listUsers()).map(({ id, username, displayName, roles, unitIds, departmentIds }) => ({
            id,
            username,
            displayName,
            roles: roles.join(','),
            unitIds: unitIds.join(','),
            departmentIds: departmentIds.join(','),
          })),
        );
        return 0;
      default:
        console.error(`未知命令 unknown command: ${command}\n${USAGE}`);
        return 1;
    }
  } finally {
    await app.close();
  }
}

const SAMPLE_FILE = path.resolve(import.meta.dirname, '../../../../samples/beijing-gwc-2021-self-evaluations.txt');

async function importFile(app: INestApplicationContext, config: AppConfig, file: string, username: string, options: { asPublished: boolean; fiscalYear?: number }) {
  const users = await app.get(Directory).listUsers();
  const user = users.find((u) => u.username === username);
  if (!user) throw new Error(`用户不存在 unknown user: ${username}`);
  // A Word or Excel file by its bytes (as the API decides), else the text dump.
  const bytes = await readFile(file);
  const source = isZip(bytes) ? await openDocument(bytes, config.importMaxUnpackedBytes) : bytes.toString('utf8');
  return app.get(CommandBus).execute(new ImportSelfEvaluationsCommand(user, source, path.basename(file), options));
}

function parseRoles(text: string): string[] {
  const roles = text.split(',').map((r) => r.trim());
  const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (bad.length) throw new Error(`未知角色 unknown roles: ${bad.join(', ')} (roles: ${ROLES.join(', ')})`);
  return roles;
}

/**
 * Units or departments named by id or by name. An unknown id is passed on, for the directory to refuse it with
 * its code (UNKNOWN_UNIT, UNKNOWN_DEPARTMENT); an unknown name is refused here.
 */
function refs(text: string, known: { id: string; name: string }[]): string[] {
  return text
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean)
    .map((ref) => {
      const id = known.find((u) => u.id === ref || u.name === ref)?.id ?? (isUuid(ref) ? ref : null);
      if (!id) throw new Error(`未找到 not found: ${ref}`);
      return id;
    });
}

function parseActive(text: string): boolean {
  if (text !== 'true' && text !== 'false') throw new Error(`--active 只能是 true 或 false (--active must be true or false): ${text}`);
  return text === 'true';
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new Error(`缺少参数 missing ${flag}`);
  return value;
}

main().then(
  (code) => process.exit(code),
  (error: Error & { code?: string }) => {
    console.error(`错误 error${error.code ? ` [${error.code}]` : ''}: ${error.message}`);
    process.exit(1);
  },
);
