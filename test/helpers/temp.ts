/**
 * The tests' one temp-dir helper: `tempDir(prefix)` makes a fresh folder under the OS temp dir and removes it when
 * the test file's tests are done (or when the given test ends: `tempDir(prefix, t)`), so the suite leaves nothing
 * behind. scripts/run-tests.mjs also points TMPDIR at a folder of its own and removes it, for what child processes
 * (redis-server, chromium, the CLI) make themselves.
 */
import { after, type TestContext } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
after(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = 'eggroll-test-', t?: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (t) t.after(() => rmSync(dir, { recursive: true, force: true }));
  else made.push(dir);
  return dir;
}
