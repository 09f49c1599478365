/**
 * The native backend's determinism by construction (issue: OpenBLAS's row invariance depended on which
 * of its kernels ran). Checked here, where the suite in conformance.test.ts cannot reach:
 *  - that suite again in child processes under every OPENBLAS_CORETYPE that OpenBLAS accepts here
 *    (the variable must change nothing now that no computing path calls OpenBLAS);
 *  - the AVX2 kernel gives the AVX-512 kernel's bits (EGGROLL_GEMM_ISA=avx2 in a child);
 *  - the load-time row-contract check catches a kernel whose rows depend on their position — a fake
 *    one, and OpenBLAS's own sgemm under OPENBLAS_CORETYPE=Haswell where OpenBLAS is linked — and then
 *    loading fails unless non-determinism is allowed explicitly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { checkRowContract, createNativeBackend, loadNativeAddon, type NativeAddon } from '../../src/backend/native.js';

let addon: NativeAddon | undefined;
let skip: string | false = false;
try {
  addon = loadNativeAddon();
  if (addon.gemmKernel() === 'none') skip = 'this CPU has no AVX2+FMA';
} catch (e) {
  skip = `native addon not built: ${(e as Error).message}`;
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const nativeTs = fileURLToPath(new URL('../../src/backend/native.ts', import.meta.url));

function child(args: string[], env: Record<string, string | undefined>, timeout = 120_000) {
  const e = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete e[k];
  return spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env: e, encoding: 'utf8', timeout });
}

/** The core OpenBLAS reports under OPENBLAS_CORETYPE=ct (undefined = unset), or '' without OpenBLAS. */
function coreUnder(ct: string | undefined): string {
  const script = `import { loadNativeAddon } from ${JSON.stringify(nativeTs)}; console.log(loadNativeAddon().blasConfig());`;
  const r = child(['--input-type=module', '-e', script], { OPENBLAS_CORETYPE: ct });
  return /\(core (\w+)\)/.exec(r.stdout)?.[1] ?? '';
}

test('the conformance suite passes under every OPENBLAS_CORETYPE OpenBLAS accepts here', { skip }, () => {
  const blasLinked = addon!.blasConfig() !== '';
  for (const ct of [undefined, 'Haswell', 'SkylakeX', 'Sandybridge', 'Prescott']) {
    // OpenBLAS ignores a core this CPU cannot run (it then reports another); only accepted ones count.
    if (blasLinked && ct && coreUnder(ct).toLowerCase() !== ct.toLowerCase()) continue;
    // NODE_TEST_CONTEXT unset, or the child would report to this runner instead of printing TAP.
    const r = child(['--test', '--test-reporter=tap', 'test/backend/conformance.test.ts'], { OPENBLAS_CORETYPE: ct, NODE_TEST_CONTEXT: undefined });
    const summary = r.stdout.split('\n').filter((l) => /^# (pass|fail)/.test(l)).join(', ');
    assert.equal(r.status, 0, `OPENBLAS_CORETYPE=${ct ?? '(unset)'}: ${summary}\n${r.stdout.split('\n').filter((l) => /error:|not ok/.test(l)).slice(0, 8).join('\n')}`);
    assert.match(summary, /# fail 0/);
  }
});

test('the AVX2 kernel gives the same bits as the AVX-512 kernel', { skip }, () => {
  // A hash of several products (every transpose, tails in m and n, alpha and beta) from each kernel.
  const script = `
    import { loadNativeAddon } from ${JSON.stringify(nativeTs)};
    import { createHash } from 'node:crypto';
    const a = loadNativeAddon(), h = createHash('sha256');
    let s = 7;
    const rand = (n) => Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31 - 1));
    for (const [m, n, k] of [[37, 53, 29], [64, 100, 300], [5, 7, 1000], [130, 33, 17]])
      for (const ta of [false, true]) for (const tb of [false, true]) {
        const A = rand(m * k), B = rand(k * n), C = rand(m * n);
        a.sgemm(ta, tb, m, n, k, 0.5, A, 0, ta ? m : k, B, 1.25, C, 0);
        h.update(new Uint8Array(C.buffer));
      }
    console.log(a.gemmKernel(), h.digest('hex'));`;
  const wide = child(['--input-type=module', '-e', script], {});
  const narrow = child(['--input-type=module', '-e', script], { EGGROLL_GEMM_ISA: 'avx2' });
  assert.equal(wide.status, 0, wide.stderr);
  assert.equal(narrow.status, 0, narrow.stderr);
  const [wk, wh] = wide.stdout.trim().split(' ');
  const [nk, nh] = narrow.stdout.trim().split(' ');
  assert.equal(nk, 'avx2');
  assert.equal(wk, addon!.gemmKernel());
  assert.equal(nh, wh, `avx2 and ${wk} kernels differ`);
});

test('the row-contract check passes our kernel and catches one whose rows depend on their position', { skip }, () => {
  assert.equal(checkRowContract(addon!.sgemm), undefined);
  // Our kernel, but the row at position 7 of any call of 8+ rows is off by one unit in the last place.
  const positional: NativeAddon['sgemm'] = (ta, tb, m, n, k, alpha, a, aOff, lda, b, beta, c, cOff) => {
    addon!.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, beta, c, cOff);
    if (m > 7) c[cOff + 7 * n] = Math.fround(c[cOff + 7 * n] * (1 + 2 ** -23));
  };
  assert.match(checkRowContract(positional) ?? '', /split at row|one row per call/);
  // The addon's methods are neither enumerable nor writable: inherit them and shadow sgemm.
  const broken = Object.create(addon!, { sgemm: { value: positional } }) as NativeAddon;
  assert.throws(() => createNativeBackend({ threads: 1, addon: broken }), /failed the load-time row-contract check/);
  const allowed = createNativeBackend({ threads: 1, addon: broken, allowNondeterministic: true });
  assert.match(allowed.nondeterministic ?? '', /sgemm/);
  assert.equal(createNativeBackend({ threads: 1 }).nondeterministic, undefined);
});

test('the check catches OpenBLAS itself under OPENBLAS_CORETYPE=Haswell (why native no longer uses it)', { skip }, () => {
  if (!addon!.blasSgemm) return; // OpenBLAS not linked: nothing to show
  if (coreUnder('Haswell') !== 'Haswell') return;
  const script = `
    import { loadNativeAddon, checkRowContract } from ${JSON.stringify(nativeTs)};
    const a = loadNativeAddon();
    a.setBlasThreads(1);
    console.log(JSON.stringify({ ours: checkRowContract(a.sgemm) ?? null, blas: checkRowContract(a.blasSgemm) ?? null }));`;
  const r = child(['--input-type=module', '-e', script], { OPENBLAS_CORETYPE: 'Haswell' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(out.ours, null);
  assert.match(out.blas, /element \d+ is/);
});
