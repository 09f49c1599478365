#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's built-in runner through tsx.
// Node 20's `node --test` does not expand globs, so the file list is built here.
// Usage: node scripts/run-tests.mjs [filter-substring ...]
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const filters = process.argv.slice(2);
const files = walk('test').filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
// Everything the tests and their child processes (redis-server, chromium, the CLI) put in the temp dir lands in one
// folder of this run's, removed at the end: the suite leaves nothing behind even where a test is killed mid-way.
const sandbox = mkdtempSync(join(tmpdir(), 'eggroll-tests-'));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit', env: { ...process.env, TMPDIR: sandbox } });
rmSync(sandbox, { recursive: true, force: true });
process.exit(r.status ?? 1);
