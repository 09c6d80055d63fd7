#!/usr/bin/env node
// `npm start`: install and build when needed, prepare the database (migrations, demo data), then run API and worker.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else if (entry.name.endsWith('.ts')) latest = Math.max(latest, statSync(full).mtimeMs);
  }
  return latest;
}

if (!existsSync(path.join(root, 'node_modules'))) run('npm', ['ci', '--no-audit', '--no-fund']);
const entry = path.join(root, 'dist/apps/api/src/main.js');
if (!existsSync(entry) || statSync(entry).mtimeMs < Math.max(newest(path.join(root, 'apps')), newest(path.join(root, 'libs')))) {
  run('npm', ['run', 'build']);
}
run('node', ['dist/apps/cli/src/main.js', 'setup']);

// The API's heap is bounded (API_HEAP_MB, default 384): V8 otherwise sizes it from the machine's memory and lets a
// live set of ~70 MB sit in 300+ MB between full collections (docs/operations.md, "Memory").
const nodeArgs = { api: [`--max-old-space-size=${process.env.API_HEAP_MB || 384}`], worker: [] };
const children = ['api', ...(existsSync(path.join(root, 'dist/apps/worker/src/main.js')) ? ['worker'] : [])].map((app) =>
  spawn('node', [...nodeArgs[app], `dist/apps/${app}/src/main.js`], { cwd: root, stdio: 'inherit', env: process.env }),
);
let stopping = false;
const stop = (signal) => {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill(signal);
};
process.on('SIGINT', () => stop('SIGTERM'));
process.on('SIGTERM', () => stop('SIGTERM'));
for (const child of children) {
  child.on('exit', (code) => {
    if (!stopping) stop('SIGTERM');
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(stopping ? 0 : (code ?? 1));
  });
}
