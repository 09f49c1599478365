#!/usr/bin/env node
// Builds the optional native addon (native/build/Release/eggroll_native.node) at install time: our own
// deterministic AVX-512 / AVX2+FMA f32 GEMM and the AVX-512 VNNI int8 GEMM, plus OpenBLAS's sgemm for
// `bench gemm`'s comparison when Debian's libopenblas-dev is installed (never needed).
//
// It must never fail `npm ci`: when node-gyp, Node's headers or a C compiler are missing, or the build
// fails, it prints ONE line and exits 0, and the `auto` backend uses wasm. Runs before `prepare` in a
// fresh clone, so it needs nothing from the TypeScript build.
//
//   node native/install.mjs           build if possible (what `npm install` runs)
//   EGGROLL_NATIVE=0 npm ci            skip the native build
//   EGGROLL_NATIVE=1 ...               make a failed build an error (for CI that requires native)
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const here = dirname(fileURLToPath(import.meta.url));
const required = process.env.EGGROLL_NATIVE === '1';
function done(line, ok) {
  console.error(`eggroll: ${line}`);
  process.exit(ok || !required ? 0 : 1);
}

if (process.env.EGGROLL_NATIVE === '0') done('native backend skipped (EGGROLL_NATIVE=0); using the wasm backend', true);

// 1. OpenBLAS headers and library, where Debian (and most distributions) put them: optional.
const arch = process.arch === 'x64' ? 'x86_64-linux-gnu' : process.arch === 'arm64' ? 'aarch64-linux-gnu' : '';
const incDirs = ['/usr/include', `/usr/include/${arch}`, '/usr/include/openblas', '/usr/local/include'];
const libDirs = [`/usr/lib/${arch}`, '/usr/lib', '/usr/lib64', '/usr/local/lib'];
const openblas = incDirs.some((d) => existsSync(join(d, 'cblas.h'))) && libDirs.some((d) => existsSync(join(d, 'libopenblas.so')));
if (process.arch !== 'x64') done(`native backend not built (its kernels are x86-64 only; this is ${process.arch}); using the wasm backend`);

// 2. node-gyp: npm sets npm_config_node_gyp to the copy it bundles; otherwise look beside npm.
const npmBundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const gyp = [process.env.npm_config_node_gyp, npmBundled].find((p) => p && existsSync(p));
if (!gyp) done('native backend not built (node-gyp not found; it ships with npm); using the wasm backend');

// 3. Node's headers from the local install, so node-gyp never tries to download them.
const prefix = join(dirname(process.execPath), '..');
const nodedir = existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? ['--nodedir', prefix] : [];

const r = spawnSync(process.execPath, [gyp, 'rebuild', ...nodedir, '--', `-Dopenblas=${openblas ? 1 : 0}`], { cwd: here, encoding: 'utf8', timeout: 300_000 });
const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
mkdirSync(join(here, 'build'), { recursive: true });
writeFileSync(join(here, 'build', 'install.log'), out);
if (r.status !== 0 || !existsSync(join(here, 'build', 'Release', 'eggroll_native.node'))) {
  const why = out.split('\n').find((l) => /error/i.test(l))?.trim().slice(0, 160) ?? `node-gyp exited with ${r.status}`;
  done(`native backend not built (${why}; log: native/build/install.log); using the wasm backend`);
}
console.error(`eggroll: native backend built (native/build/Release/eggroll_native.node${openblas ? ', OpenBLAS linked for bench gemm' : ''})`);
