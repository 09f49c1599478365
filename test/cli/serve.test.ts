/**
 * `eggroll serve` and its static server: loopback only, COOP/COEP on every response, nothing outside
 * the folder reachable, bad flags → one line and exit 2. (The playground itself is tested in a browser:
 * test/browser/playground.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { startStaticServer } from '../../src/cli/static-server.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

/** A raw GET (fetch would normalise `..` away before it reaches the server). */
function get(url: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  return new Promise((ok, fail) => {
    const req = request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('the static server: files with their types and the isolation headers; nothing outside the folder', async () => {
  const parent = tempDir('eggroll-serve-');
  const root = join(parent, 'site');
  mkdirSync(join(root, 'sub'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<p>hi</p>');
  writeFileSync(join(root, 'sub', 'a.js'), 'export {}');
  writeFileSync(join(parent, 'secret.txt'), 'secret');
  const s = await startStaticServer(root, 0);
  try {
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const address = s.server.address();
    assert.ok(typeof address === 'object' && address && address.address === '127.0.0.1', 'bound to loopback only');
    const index = await get(s.url, '/');
    assert.equal(index.status, 200);
    assert.equal(index.body, '<p>hi</p>');
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(index.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(index.headers['cross-origin-embedder-policy'], 'require-corp');
    const js = await get(s.url, '/sub/a.js');
    assert.equal(js.status, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/sub/..%2f..%2fsecret.txt', '/missing.js', '/sub', '/%zz']) {
      const r = await get(s.url, path);
      assert.ok(r.status === 404 || r.status === 400, `${path}: ${r.status}`);
      assert.doesNotMatch(r.body, /secret/);
      assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp');
    }
  } finally {
    await s.close();
    rmSync(parent, { recursive: true, force: true });
  }
});

test('eggroll serve: --help with an example; bad or busy ports are one line and exit 2; serves the playground', async () => {
  const help = await runCli(['serve', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout + help.stderr, /eggroll serve --port 8080/);
  assert.match(help.stdout + help.stderr, /--port/);
  const bad = await runCli(['serve', '--port', '70000']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.match(bad.stderr, /--port/);
  const busy = await startStaticServer(tmpdir(), 0);
  try {
    const port = new URL(busy.url).port;
    const r = await runCli(['serve', '--port', port, '--max-seconds', '1']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`--port ${port}: already in use`));
  } finally {
    await busy.close();
  }
  // The built playground (npm run build puts it in dist/playground).
  const run = runCli(['serve', '--port', '0', '--max-seconds', '1']);
  const r = await run;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^http:\/\/127\.0\.0\.1:\d+\/\n$/);
  assert.match(r.stderr, /serving the playground/);
});
