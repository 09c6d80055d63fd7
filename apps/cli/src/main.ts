import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { Directory } from '../../../libs/identity/src/directory.js';
import { ROLES, type Role } from '../../../libs/identity/src/roles.js';
import { seedDemo } from '../../../libs/identity/src/demo-seed.js';
import { CliModule } from './cli.module.js';

const USAGE = `用法 / usage: npm run cli -- <command> [options]
  setup                                  create the database, migrate, seed the demo data when empty (SEED_DEMO=false: no demo)
  create-unit --name 单位名称 --department 主管部门
  create-user --username u --password p --display-name 姓名 --roles drafter,reviewer --units <unit id or name>,...
  list-units
  list-users`;

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      department: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      'display-name': { type: 'string' },
      roles: { type: 'string' },
      units: { type: 'string' },
      email: { type: 'string' },
    },
  });
  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error', 'warn'] });
  try {
    const directory = app.get(Directory);
    switch (command) {
      case 'setup': {
        const seeded = process.env.SEED_DEMO !== 'false' && (await seedDemo(directory));
        console.log(seeded ? '已初始化演示数据 (demo unit and users seeded)' : '数据库已就绪 (database ready)');
        return 0;
      }
      case 'create-unit':
        console.log(JSON.stringify(await directory.createUnit(required(values.name, '--name'), required(values.department, '--department'))));
        return 0;
      case 'create-user': {
        const roles = required(values.roles, '--roles').split(',').map((r) => r.trim());
        const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
        if (bad.length) throw new Error(`未知角色 unknown roles: ${bad.join(', ')} (roles: ${ROLES.join(', ')})`);
        const units = await directory.listUnits();
        const unitIds = (values.units ?? '')
          .split(',')
          .map((u) => u.trim())
          .filter(Boolean)
          .map((ref) => units.find((u) => u.id === ref || u.name === ref)?.id ?? ref);
        const user = await directory.createUser({
          username: required(values.username, '--username'),
          password: required(values.password, '--password'),
          displayName: values['display-name'] ?? required(values.username, '--username'),
          roles: roles as Role[],
          unitIds,
          email: values.email ?? null,
        });
        console.log(JSON.stringify(user));
        return 0;
      }
      case 'list-units':
        console.table(await directory.listUnits());
        return 0;
      case 'list-users':
        console.table((await directory.listUsers()).map(({ id, username, displayName, roles, unitIds }) => ({ id, username, displayName, roles: roles.join(','), unitIds: unitIds.join(',') })));
        return 0;
      default:
        console.error(`未知命令 unknown command: ${command}\n${USAGE}`);
        return 1;
    }
  } finally {
    await app.close();
  }
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
