/**
 * Output conventions shared by every command: logs on stderr, results on stdout, and with --json the
 * last stdout line is one JSON object summarising the run (so `… --json | tail -n 1` always parses).
 */

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
