/**
 * Output conventions shared by every command: logs on stderr, results on stdout, and with --json the
 * last stdout line is one JSON object summarising the run (so `… --json | tail -n 1` always parses).
 */
import { mkdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function log(line: string): void {
  process.stderr.write(line + '\n');
}

export function printResult(summary: Record<string, unknown>, json: boolean, human?: string): void {
  if (json) {
    if (human) log(human);
    process.stdout.write(JSON.stringify(summary) + '\n');
  } else {
    process.stdout.write((human ?? JSON.stringify(summary, null, 2)) + '\n');
  }
}

/** `--out DIR`, or runs/<prefix>-<timestamp> (made unique if it exists). */
export function makeRunDir(out: string | undefined, prefix: string): string {
  let dir = out;
  if (!dir) {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
    dir = join('runs', `${prefix}-${stamp}`);
    let k = 1;
    while (existsSync(dir)) dir = join('runs', `${prefix}-${stamp}-${k++}`);
  }
  mkdirSync(dir, { recursive: true });
  return resolve(dir);
}
