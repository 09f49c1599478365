/*
 * eggroll's native backend: an N-API addon with our own deterministic f32 GEMM (AVX-512 or AVX2+FMA,
 * see "Deterministic f32 GEMM" below) and an exact int8 GEMM for CPUs with AVX-512 VNNI. When Debian's
 * OpenBLAS is installed it is linked too, only so that `eggroll bench gemm` can put cblas_sgemm beside
 * our kernel.
 *
 * It takes typed arrays (any backing store, including the wasm backend's SharedArrayBuffer memory,
 * so tensors are shared with the wasm kernels without copies), checks their lengths, and computes
 * synchronously on the calling thread. Row-major, packed (leading dimension = row length), matching
 * src/backend/types.ts. Built by native/install.mjs whenever a C compiler and node-gyp are there.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#ifdef EGGROLL_OPENBLAS
#include <cblas.h>
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define CHECK(call)                                                        \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error(env, NULL, "eggroll_native: N-API call failed: " #call); \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

/* The data of typed array `v` if it has type `want` (named `want_name` in the error) and at least `need`
 * elements; otherwise a JS exception is pending and the result is NULL. */
static void *typed_data(napi_env env, napi_value v, napi_typedarray_type want, const char *want_name, size_t need, const char *what) {
  napi_typedarray_type type;
  size_t length;
  void *data;
  napi_value buf;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, &buf, &offset) != napi_ok || type != want) {
    char msg[96];
    snprintf(msg, sizeof msg, "eggroll_native: %s must be a %s", what, want_name);
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  if (length < need) {
    char msg[128];
    snprintf(msg, sizeof msg, "eggroll_native: %s has %zu elements, needs %zu", what, length, need);
    napi_throw_range_error(env, NULL, msg);
    return NULL;
  }
  /* An empty array may have a NULL data pointer; kernels never touch it then, but keep it non-NULL. */
  static int64_t dummy;
  return data ? data : &dummy;
}

static float *f32_arg(napi_env env, napi_value v, size_t need, const char *what) {
  return (float *)typed_data(env, v, napi_float32_array, "Float32Array", need, what);
}

static int get_i(napi_env env, napi_value v, int64_t *out) {
  return napi_get_value_int64(env, v, out) == napi_ok;
}
static int get_d(napi_env env, napi_value v, double *out) {
  return napi_get_value_double(env, v, out) == napi_ok;
}
static int get_b(napi_env env, napi_value v, bool *out) {
  return napi_get_value_bool(env, v, out) == napi_ok;
}

/* ---- Deterministic f32 GEMM -----------------------------------------------------------------------
 *
 * Why our own kernel and not cblas_sgemm: the row contract (src/backend/types.ts) says a row's bits may
 * not depend on how many rows share the call, where the row sits in it, or how many threads run. OpenBLAS
 * keeps that for some of its kernels and not for others (measured on 0.3.21: with OPENBLAS_CORETYPE=Haswell
 * a row at position 7 of a 128-row call differs from the same row at position 0), so no calling pattern
 * can make it hold by construction. Here every element of C is computed by the same operations whatever
 * the call's shape, the instruction set, or the thread:
 *
 *     acc = +0;  for p = 0 … k−1:  acc = fma(op(A)[i][p], op(B)[p][j], acc)      (f32, one rounding each)
 *     C[i][j] = alpha·acc                    when beta = 0 (old C ignored, even NaN)
 *     C[i][j] = fma(beta, C[i][j], alpha·acc) otherwise
 *
 * SIMD lanes are columns j, registers rows i; edge rows and columns are zero-padded while packing and
 * computed like any other, then not stored. Nothing is reassociated, so AVX-512 and AVX2 give the same
 * bits, and a row gives the same bits in any call.
 *
 * Layout (BLIS-like): op(B) is packed, NR columns a panel, for a group of columns whose panels fit in L2;
 * each MR-row block of op(A) is packed p-major (MR floats per p) and passes over every panel of the group.
 */
#ifndef DIRECT_MAX_N
#define DIRECT_MAX_N 128
#endif
#ifndef GROUP_BYTES
#define GROUP_BYTES (512 * 1024)
#endif
typedef enum { ISA_NONE = 0, ISA_AVX2 = 1, ISA_AVX512 = 2 } gemm_isa;

/* Per-thread packing buffers (the wasm pool's workers call this too), grown on demand, never shrunk. */
static _Thread_local float *pack_a, *pack_b;
static _Thread_local size_t pack_a_cap, pack_b_cap;

static float *grow(float **buf, size_t *cap, size_t n) {
  if (n <= *cap) return *buf;
  free(*buf);
  size_t bytes = ((n * sizeof(float) + 63) / 64) * 64;
  *buf = (float *)aligned_alloc(64, bytes);
  *cap = *buf ? n : 0;
  return *buf;
}

/* op(A) rows [i0, i0+mr) into dst[p·MR + r], rows mr…MR−1 zero. A is m×k (lda = k), or k×m when ta (lda = m). */
static void pack_rows(float *dst, const float *a, int64_t lda, bool ta, int64_t i0, int64_t mr, int64_t k, int MR) {
  for (int64_t p = 0; p < k; p++) {
    float *d = dst + p * MR;
    for (int64_t r = 0; r < MR; r++) d[r] = r < mr ? (ta ? a[p * lda + i0 + r] : a[(i0 + r) * lda + p]) : 0.0f;
  }
}

/* op(B) columns [j0, j0+nc) into panels of NR: dst[panel·k·NR + p·NR + jj], columns past nc zero.
 * B is k×n (ldb = n), or n×k when tb (ldb = k). */
static void pack_cols(float *dst, const float *b, int64_t ldb, bool tb, int64_t j0, int64_t nc, int64_t k, int NR) {
  for (int64_t jp = 0; jp < nc; jp += NR) {
    float *d = dst + (jp / NR) * k * NR;
    const int64_t w = nc - jp < NR ? nc - jp : NR;
    if (tb) {
      /* B is n×k: walk each of the panel's columns (a row of B) contiguously. */
      for (int64_t jj = 0; jj < NR; jj++) {
        const float *src = b + (j0 + jp + jj) * ldb;
        if (jj < w) for (int64_t p = 0; p < k; p++) d[p * NR + jj] = src[p];
        else for (int64_t p = 0; p < k; p++) d[p * NR + jj] = 0.0f;
      }
    } else {
      for (int64_t p = 0; p < k; p++) {
        const float *src = b + p * ldb + j0 + jp;
        for (int64_t jj = 0; jj < NR; jj++) d[p * NR + jj] = jj < w ? src[jj] : 0.0f;
      }
    }
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_GEMM_KERNELS 1
/* AVX-512: MR512 rows × NR512 columns (NV512 vectors of 16), MR512·NV512 accumulators. */
#ifndef MR512
#define MR512 12
#endif
#ifndef NV512
#define NV512 2
#endif
#define NR512 (16 * NV512)
__attribute__((target("avx512f")))
static void tile_avx512(int64_t k, const float *ap, const float *bp, float *c, int64_t ldc, int64_t mr, int64_t nr, float alpha, float beta) {
  __m512 acc[MR512][NV512];
  for (int r = 0; r < MR512; r++)
    for (int q = 0; q < NV512; q++) acc[r][q] = _mm512_setzero_ps();
  for (int64_t p = 0; p < k; p++) {
    __m512 bv[NV512];
    for (int q = 0; q < NV512; q++) bv[q] = _mm512_load_ps(bp + p * NR512 + 16 * q);
    for (int r = 0; r < MR512; r++) {
      const __m512 a = _mm512_set1_ps(ap[p * MR512 + r]);
      for (int q = 0; q < NV512; q++) acc[r][q] = _mm512_fmadd_ps(a, bv[q], acc[r][q]);
    }
  }
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  __mmask16 mask[NV512];
  for (int q = 0; q < NV512; q++) {
    const int64_t left = nr - 16 * q;
    mask[q] = left >= 16 ? 0xFFFF : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
  }
  for (int r = 0; r < mr; r++) {
    float *cr = c + r * ldc;
    for (int q = 0; q < NV512; q++) {
      __m512 v = _mm512_mul_ps(va, acc[r][q]);
      if (beta != 0.0f) v = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask[q], cr + 16 * q), v);
      _mm512_mask_storeu_ps(cr + 16 * q, mask[q], v);
    }
  }
}

/*
 * The same AVX-512 tile, reading op(A) in place instead of from a packed block: element (r, p) of the block
 * is ar[r][p·sp] (rows past mr repeat the block's last row: computed, never stored), and only NV (1 or 2)
 * of the panel's two 16-column vectors are computed. Every stored element is the same FMA chain over the
 * same values as in tile_avx512, so the bits are the same. Why: with a narrow op(B) (an RL policy's 64-wide
 * layers, its 2-action head) packing A cost as much as the product, and one vector suffices for ≤ 16 columns.
 */
__attribute__((target("avx512f"), always_inline))
static inline void tile_avx512_direct(const int NV, int64_t k, const float *const *ar, int64_t sp, const float *bp, float *c,
                                      int64_t ldc, int64_t mr, int64_t nr, float alpha, float beta) {
  __m512 acc[MR512][NV512];
  for (int r = 0; r < MR512; r++)
    for (int q = 0; q < NV; q++) acc[r][q] = _mm512_setzero_ps();
  for (int64_t p = 0; p < k; p++) {
    __m512 bv[NV512];
    for (int q = 0; q < NV; q++) bv[q] = _mm512_load_ps(bp + p * NR512 + 16 * q);
    for (int r = 0; r < MR512; r++) {
      const __m512 a = _mm512_set1_ps(ar[r][p * sp]);
      for (int q = 0; q < NV; q++) acc[r][q] = _mm512_fmadd_ps(a, bv[q], acc[r][q]);
    }
  }
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  __mmask16 mask[NV512];
  for (int q = 0; q < NV; q++) {
    const int64_t left = nr - 16 * q;
    mask[q] = left >= 16 ? 0xFFFF : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
  }
  for (int r = 0; r < mr; r++) {
    float *cr = c + r * ldc;
    for (int q = 0; q < NV; q++) {
      __m512 v = _mm512_mul_ps(va, acc[r][q]);
      if (beta != 0.0f) v = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask[q], cr + 16 * q), v);
      _mm512_mask_storeu_ps(cr + 16 * q, mask[q], v);
    }
  }
}
__attribute__((target("avx512f")))
static void tile_avx512_direct1(int64_t k, const float *const *ar, int64_t sp, const float *bp, float *c, int64_t ldc, int64_t mr, int64_t nr, float alpha, float beta) {
  tile_avx512_direct(1, k, ar, sp, bp, c, ldc, mr, nr, alpha, beta);
}
__attribute__((target("avx512f")))
static void tile_avx512_direct2(int64_t k, const float *const *ar, int64_t sp, const float *bp, float *c, int64_t ldc, int64_t mr, int64_t nr, float alpha, float beta) {
  tile_avx512_direct(2, k, ar, sp, bp, c, ldc, mr, nr, alpha, beta);
}

/* AVX2 + FMA: 6 rows × 16 columns, 12 accumulators. Same operations per element as the AVX-512 tile. */
#define MR256 6
#define NR256 16
__attribute__((target("avx2,fma")))
static void tile_avx2(int64_t k, const float *ap, const float *bp, float *c, int64_t ldc, int64_t mr, int64_t nr, float alpha, float beta) {
  __m256 acc[MR256][2];
  for (int r = 0; r < MR256; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  for (int64_t p = 0; p < k; p++) {
    const __m256 b0 = _mm256_load_ps(bp + p * NR256), b1 = _mm256_load_ps(bp + p * NR256 + 8);
    for (int r = 0; r < MR256; r++) {
      const __m256 a = _mm256_broadcast_ss(ap + p * MR256 + r);
      acc[r][0] = _mm256_fmadd_ps(a, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(a, b1, acc[r][1]);
    }
  }
  const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
  /* Lane masks for the last columns: lane l is on when l < nr (resp. l + 8 < nr). */
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(nr < 8 ? nr : 8)), lane);
  const __m256i m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(nr < 8 ? 0 : nr - 8 < 8 ? nr - 8 : 8)), lane);
  for (int r = 0; r < mr; r++) {
    float *cr = c + r * ldc;
    __m256 v0 = _mm256_mul_ps(va, acc[r][0]), v1 = _mm256_mul_ps(va, acc[r][1]);
    if (beta != 0.0f) {
      v0 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(cr, m0), v0);
      v1 = _mm256_fmadd_ps(vb, _mm256_maskload_ps(cr + 8, m1), v1);
    }
    _mm256_maskstore_ps(cr, m0, v0);
    _mm256_maskstore_ps(cr + 8, m1, v1);
  }
}
#endif

static gemm_isa detect_isa(void) {
#ifdef HAVE_GEMM_KERNELS
  __builtin_cpu_init();
  gemm_isa best = __builtin_cpu_supports("avx512f") ? ISA_AVX512
    : (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? ISA_AVX2 : ISA_NONE;
  /* EGGROLL_GEMM_ISA=avx2 forces the narrower kernel (tests compare the two); it can never widen. */
  const char *want = getenv("EGGROLL_GEMM_ISA");
  if (want && strcmp(want, "avx2") == 0 && best >= ISA_AVX2) best = ISA_AVX2;
  return best;
#else
  return ISA_NONE;
#endif
}
static gemm_isa gemm_kernel = ISA_NONE; /* set once per process (pthread_once in init), before any kernel runs */

/* Columns per group: packed panels of about GROUP_BYTES, so they stay in L2 while the row blocks pass. A
 * multiple of NR, so the panels of one group are a contiguous run of the whole of op(B) packed at once. */
static int64_t group_cols(int64_t k, int NR) {
  int64_t nc = (GROUP_BYTES / 4) / (k > 0 ? k : 1);
  return nc < NR ? NR : nc - nc % NR;
}

/* Floats of op(B) (k×n) packed whole: ⌈n/NR⌉ panels of k·NR (0 without a kernel). */
static int64_t packed_b_len(int64_t n, int64_t k) {
#ifdef HAVE_GEMM_KERNELS
  const int NR = gemm_kernel == ISA_AVX512 ? NR512 : NR256;
  return (n + NR - 1) / NR * NR * k;
#else
  (void)n; (void)k;
  return 0;
#endif
}

/*
 * C (m×n, row stride ldc) per the formula above, with op(B) given already packed as pack_cols lays it out
 * for all n columns (pb), or, when pb is NULL, packed here group by group from b. Either way every tile
 * sees the same panel values in the same order, so a pre-packed B gives exactly the bits of a plain call.
 * Returns false when out of memory.
 */
static bool gemm_f32_pb(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
                        const float *b, const float *pb, float beta, float *c, int64_t ldc) {
#ifdef HAVE_GEMM_KERNELS
  const int MR = gemm_kernel == ISA_AVX512 ? MR512 : MR256, NR = gemm_kernel == ISA_AVX512 ? NR512 : NR256;
  const int64_t ldb = tb ? k : n;
  const int64_t nc = group_cols(k, NR);
  if (!grow(&pack_a, &pack_a_cap, (size_t)(MR * k)) || (!pb && !grow(&pack_b, &pack_b_cap, (size_t)(nc * k)))) return false;
  /* Few columns: A's block is read in place (packing it would cost as much as the product; see
   * tile_avx512_direct). Many columns amortise the packing, and a packed block avoids the cache-set
   * conflicts of 12 rows a power-of-two apart. */
  const bool direct = gemm_kernel == ISA_AVX512 && n <= DIRECT_MAX_N;
  const float *ar[MR512];
  const int64_t sp = ta ? lda : 1;
  for (int64_t j0 = 0; j0 < n; j0 += nc) {
    const int64_t w = n - j0 < nc ? n - j0 : nc;
    const float *panels = pb ? pb + (j0 / NR) * k * NR : pack_b;
    if (!pb) pack_cols(pack_b, b, ldb, tb, j0, w, k, NR);
    for (int64_t i0 = 0; i0 < m; i0 += MR) {
      const int64_t mr = m - i0 < MR ? m - i0 : MR;
      if (direct) {
        for (int r = 0; r < MR512; r++) {
          const int64_t i = i0 + (r < mr ? r : mr - 1);
          ar[r] = ta ? a + i : a + i * lda;
        }
      } else {
        pack_rows(pack_a, a, lda, ta, i0, mr, k, MR);
      }
      for (int64_t jp = 0; jp < w; jp += NR) {
        const int64_t nr = w - jp < NR ? w - jp : NR;
        float *ct = c + i0 * ldc + j0 + jp;
        const float *bp = panels + (jp / NR) * k * NR;
        if (direct) {
          if (nr <= 16) tile_avx512_direct1(k, ar, sp, bp, ct, ldc, mr, nr, alpha, beta);
          else tile_avx512_direct2(k, ar, sp, bp, ct, ldc, mr, nr, alpha, beta);
        } else if (gemm_kernel == ISA_AVX512) {
          tile_avx512(k, pack_a, bp, ct, ldc, mr, nr, alpha, beta);
        } else {
          tile_avx2(k, pack_a, bp, ct, ldc, mr, nr, alpha, beta);
        }
      }
    }
  }
  return true;
#else
  (void)ta; (void)tb; (void)m; (void)n; (void)k; (void)alpha; (void)a; (void)lda; (void)b; (void)pb; (void)beta; (void)c; (void)ldc;
  return false;
#endif
}

static bool gemm_f32(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
                     const float *b, float beta, float *c, int64_t ldc) {
  return gemm_f32_pb(ta, tb, m, n, k, alpha, a, lda, b, NULL, beta, c, ldc);
}

/* ---- Layer epilogue (Backend.biasAct) for identity, tanh and relu -----------------------------------
 * The same function, bit for bit, as the TypeScript reference biasActRef (src/backend/epilogue.ts) and
 * the wasm kernel: per element b = bias[j] (+ coef[i]·noise[pair[i]·m + j], mul then add), z = y + b,
 * then the activation, with the reference's float32 tanh (Cody–Waite expm1 and t/(t+2); only IEEE
 * +, −, ×, ÷, floor, selects and an exact 2^k — no FMA), so 16 lanes give the bits 4 lanes give.
 * Tail columns use masked loads and stores. pqn (a row reduction in a fixed 4-lane order) stays in wasm.
 */
#ifdef HAVE_GEMM_KERNELS
/*
 * tanh of U vectors at once, each statement done for all U before the next: the formula is one long
 * dependency chain (~110 cycles), and written one vector at a time the out-of-order window held only about
 * three of them (≈ 10 ns a vector); interleaved, independent chains overlap. Lane for lane the same
 * operations, so the same bits for any U.
 */
#define TANH_U 4
__attribute__((target("avx512f"), always_inline))
static inline void tanh16xu(const int U, __m512 *x) {
  /* Bit operations on the integer view (AVX512F has no float and/or without DQ). */
  const __m512i sign = _mm512_set1_epi32((int)0x80000000);
  const __m512 cut = _mm512_set1_ps(9.1f), one = _mm512_set1_ps(1.0f);
  __m512 a[TANH_U], y[TANH_U], k[TANH_U], r[TANH_U], q[TANH_U], p[TANH_U], t[TANH_U], v[TANH_U];
  __mmask16 ok[TANH_U];
  for (int u = 0; u < U; u++) a[u] = _mm512_castsi512_ps(_mm512_andnot_si512(sign, _mm512_castps_si512(x[u])));
  for (int u = 0; u < U; u++) ok[u] = _mm512_cmp_ps_mask(a[u], cut, _CMP_LT_OQ); /* false for NaN and |x| ≥ 9.1 */
  for (int u = 0; u < U; u++) { const __m512 ac = _mm512_maskz_mov_ps(ok[u], a[u]); y[u] = _mm512_add_ps(ac, ac); }
  for (int u = 0; u < U; u++)
    k[u] = _mm512_roundscale_ps(_mm512_add_ps(_mm512_mul_ps(y[u], _mm512_set1_ps(1.4426950408889634f)), _mm512_set1_ps(0.5f)),
                                _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  for (int u = 0; u < U; u++)
    r[u] = _mm512_sub_ps(_mm512_sub_ps(y[u], _mm512_mul_ps(k[u], _mm512_set1_ps(0.693145751953125f))), _mm512_mul_ps(k[u], _mm512_set1_ps(1.428606765330187e-6f)));
  for (int u = 0; u < U; u++) q[u] = _mm512_set1_ps((float)(1.0 / 40320.0));
  for (int u = 0; u < U; u++) q[u] = _mm512_add_ps(_mm512_set1_ps((float)(1.0 / 5040.0)), _mm512_mul_ps(r[u], q[u]));
  for (int u = 0; u < U; u++) q[u] = _mm512_add_ps(_mm512_set1_ps((float)(1.0 / 720.0)), _mm512_mul_ps(r[u], q[u]));
  for (int u = 0; u < U; u++) q[u] = _mm512_add_ps(_mm512_set1_ps((float)(1.0 / 120.0)), _mm512_mul_ps(r[u], q[u]));
  for (int u = 0; u < U; u++) q[u] = _mm512_add_ps(_mm512_set1_ps((float)(1.0 / 24.0)), _mm512_mul_ps(r[u], q[u]));
  for (int u = 0; u < U; u++) q[u] = _mm512_add_ps(_mm512_set1_ps((float)(1.0 / 6.0)), _mm512_mul_ps(r[u], q[u]));
  for (int u = 0; u < U; u++) q[u] = _mm512_add_ps(_mm512_set1_ps(0.5f), _mm512_mul_ps(r[u], q[u]));
  for (int u = 0; u < U; u++) p[u] = _mm512_add_ps(r[u], _mm512_mul_ps(_mm512_mul_ps(r[u], r[u]), q[u]));
  for (int u = 0; u < U; u++) {
    const __m512 s = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvttps_epi32(k[u]), _mm512_set1_epi32(127)), 23)); /* 2^k, exact */
    t[u] = _mm512_add_ps(_mm512_mul_ps(s, p[u]), _mm512_sub_ps(s, one));
  }
  for (int u = 0; u < U; u++) v[u] = _mm512_div_ps(t[u], _mm512_add_ps(t[u], _mm512_set1_ps(2.0f)));
  for (int u = 0; u < U; u++) {
    __m512 w = _mm512_mask_mov_ps(v[u], _mm512_cmp_ps_mask(a[u], cut, _CMP_GE_OQ), one);
    w = _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(w), _mm512_and_si512(_mm512_castps_si512(x[u]), sign)));
    x[u] = _mm512_mask_mov_ps(w, _mm512_cmp_ps_mask(x[u], x[u], _CMP_UNORD_Q), x[u]); /* NaN stays NaN */
  }
}

/* act: 0 identity, 1 tanh, 2 relu (ACT_CODE in epilogue.ts). noise/pair/coef may be NULL.
 * Vectors are taken TANH_U at a time across columns and rows (so narrow layers interleave rows too), then
 * activated together and stored; each lane's operations are those of the reference. */
__attribute__((target("avx512f")))
static void bias_act_avx512(int64_t rows, int64_t m, int act, float *y, const float *bias, const int32_t *pair, const float *noise, const float *coef) {
  __m512 z[TANH_U];
  float *dst[TANH_U];
  __mmask16 msk[TANH_U];
  int u = 0;
  for (int64_t i = 0; i < rows; i++) {
    float *yi = y + i * m;
    const float cf = noise && coef ? coef[i] : 0.0f;
    const float *e = cf != 0.0f ? noise + (int64_t)pair[i] * m : NULL;
    const __m512 vc = _mm512_set1_ps(cf);
    int64_t j = 0;
    if (act == 1) {
      /* Whole groups of four full vectors straight from the row (registers, no queue). */
      for (; j + 16 * TANH_U <= m; j += 16 * TANH_U) {
        __m512 zz[TANH_U];
        for (int w = 0; w < TANH_U; w++) {
          __m512 b = _mm512_loadu_ps(bias + j + 16 * w);
          if (e) b = _mm512_add_ps(b, _mm512_mul_ps(vc, _mm512_loadu_ps(e + j + 16 * w)));
          zz[w] = _mm512_add_ps(_mm512_loadu_ps(yi + j + 16 * w), b);
        }
        tanh16xu(TANH_U, zz);
        for (int w = 0; w < TANH_U; w++) _mm512_storeu_ps(yi + j + 16 * w, zz[w]);
      }
    }
    for (; j < m; j += 16) {
      const __mmask16 mk = m - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (m - j)) - 1);
      __m512 b = _mm512_maskz_loadu_ps(mk, bias + j);
      if (e) b = _mm512_add_ps(b, _mm512_mul_ps(vc, _mm512_maskz_loadu_ps(mk, e + j)));
      const __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(mk, yi + j), b);
      if (act != 1) {
        _mm512_mask_storeu_ps(yi + j, mk, act == 2 ? _mm512_mask_mov_ps(v, _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_LT_OQ), _mm512_setzero_ps()) : v);
        continue;
      }
      z[u] = v; dst[u] = yi + j; msk[u] = mk;
      if (++u == TANH_U) {
        tanh16xu(TANH_U, z);
        for (int w = 0; w < TANH_U; w++) _mm512_mask_storeu_ps(dst[w], msk[w], z[w]);
        u = 0;
      }
    }
  }
  if (u > 0) {
    /* The last < TANH_U vectors: the spare slots compute tanh(0), never stored. */
    for (int w = u; w < TANH_U; w++) z[w] = _mm512_setzero_ps();
    tanh16xu(TANH_U, z);
    for (int w = 0; w < u; w++) _mm512_mask_storeu_ps(dst[w], msk[w], z[w]);
  }
}
/* ---- EGGROLL's low-rank term (Backend.lowRankAdd) ---------------------------------------------------
 * Y[i,:] += coef[i]·Σ_ρ (X[i,:]·Bt[p·r+ρ,:])·At[p·r+ρ,:], p = pair[i]; rows with coef 0 untouched. The same
 * bits as the wasm kernel (src/backend/assembly/kernels.ts, lowRankAdd), which defines them: the dot
 * product keeps 8 lane sums (its two f32x4 accumulators are the two halves of one ymm), mul then add,
 * combined as lanes l + l+4, then (l0+l1)+(l2+l3), then the tail in order; t = coef·dot; then each element
 * of Y adds t·A (mul then add) factor after factor. Only the axpy is wider here (16 lanes): per element
 * it is the same operation.
 */
__attribute__((target("avx512f")))
static inline float dot8(const float *x, const float *b, int64_t n) {
  __m256 s = _mm256_setzero_ps();
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) s = _mm256_add_ps(s, _mm256_mul_ps(_mm256_loadu_ps(x + j), _mm256_loadu_ps(b + j)));
  const __m128 h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
  float l[4];
  _mm_storeu_ps(l, h);
  float t = (l[0] + l[1]) + (l[2] + l[3]);
  for (; j < n; j++) t += x[j] * b[j];
  return t;
}

__attribute__((target("avx512f")))
static void low_rank_add_avx512(int64_t rows, int64_t n, int64_t m, int64_t r, const float *x, const float *bt, const float *at,
                                const int32_t *pair, const float *coef, float *y) {
  for (int64_t i = 0; i < rows; i++) {
    const float cf = coef[i];
    if (cf == 0.0f) continue;
    const float *xi = x + i * n;
    float *yi = y + i * m;
    for (int64_t rho = 0; rho < r; rho++) {
      const int64_t f = (int64_t)pair[i] * r + rho;
      const float t = cf * dot8(xi, bt + f * n, n);
      const float *a = at + f * m;
      const __m512 vt = _mm512_set1_ps(t);
      for (int64_t j = 0; j < m; j += 16) {
        const __mmask16 mk = m - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (m - j)) - 1);
        _mm512_mask_storeu_ps(yi + j, mk, _mm512_add_ps(_mm512_maskz_loadu_ps(mk, yi + j), _mm512_mul_ps(vt, _mm512_maskz_loadu_ps(mk, a + j))));
      }
    }
  }
}
#endif

/* Checks a low-rank call's arrays (the factors of every row with coef ≠ 0 inside bt and at); NULL with a
 * pending exception, else the data pointers through the out arguments. */
static bool low_rank_args(napi_env env, napi_value *argv, int64_t rows, int64_t n, int64_t m, int64_t r,
                          const float **x, const float **bt, const float **at, const int32_t **pair, const float **coef) {
  size_t btl, atl;
  napi_typedarray_type ty;
  void *d;
  napi_value buf;
  size_t off;
  if (!(*x = f32_arg(env, argv[0], (size_t)(rows * n), "X"))) return false;
  if (napi_get_typedarray_info(env, argv[1], &ty, &btl, &d, &buf, &off) != napi_ok || ty != napi_float32_array) {
    napi_throw_type_error(env, NULL, "eggroll_native: Bt must be a Float32Array");
    return false;
  }
  *bt = (const float *)d;
  if (napi_get_typedarray_info(env, argv[2], &ty, &atl, &d, &buf, &off) != napi_ok || ty != napi_float32_array) {
    napi_throw_type_error(env, NULL, "eggroll_native: At must be a Float32Array");
    return false;
  }
  *at = (const float *)d;
  if (!(*pair = (const int32_t *)typed_data(env, argv[3], napi_int32_array, "Int32Array", (size_t)rows, "pair"))) return false;
  if (!(*coef = f32_arg(env, argv[4], (size_t)rows, "coef"))) return false;
  for (int64_t i = 0; i < rows; i++) {
    if ((*coef)[i] == 0.0f) continue;
    const int64_t p = (*pair)[i];
    if (p < 0 || (size_t)((p + 1) * r * n) > btl || (size_t)((p + 1) * r * m) > atl) {
      napi_throw_range_error(env, NULL, "eggroll_native.lowRankAdd: a row's pair lies outside the factor arrays");
      return false;
    }
  }
  return true;
}

/* lowRankAdd(rows, n, m, r, x, bt, at, pair, coef, y): Backend.lowRankAdd; AVX-512 only. */
static napi_value low_rank_add(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t rows, n, m, r;
  if (argc < 10 || !get_i(env, argv[0], &rows) || !get_i(env, argv[1], &n) || !get_i(env, argv[2], &m) || !get_i(env, argv[3], &r) ||
      rows < 0 || n < 0 || m < 0 || r < 0 || rows > INT32_MAX || n > INT32_MAX || m > INT32_MAX || r > INT32_MAX) {
    napi_throw_type_error(env, NULL, "eggroll_native.lowRankAdd(rows, n, m, r, x, bt, at, pair, coef, y): bad arguments");
    return NULL;
  }
  if (gemm_kernel != ISA_AVX512) {
    napi_throw_error(env, NULL, "eggroll_native.lowRankAdd: needs AVX-512");
    return NULL;
  }
  if (rows == 0 || m == 0 || r == 0) return NULL;
  const float *x, *bt, *at, *coef;
  const int32_t *pair;
  if (!low_rank_args(env, argv + 4, rows, n, m, r, &x, &bt, &at, &pair, &coef)) return NULL;
  float *y = f32_arg(env, argv[9], (size_t)(rows * m), "Y");
  if (!y) return NULL;
#ifdef HAVE_GEMM_KERNELS
  low_rank_add_avx512(rows, n, m, r, x, bt, at, pair, coef, y);
#endif
  return NULL;
}


/*
 * layer(rows, n, m, x, packedW, r, bt|null, at|null, pair, lrCoef|null, act, bias, noise|null, biasCoef|null, y):
 * one layer of a population batch in one call — exactly sgemmPacked (Y = X·Wᵀ, W m×n packed by
 * packB(true, m, n, W)), then lowRankAdd (when bt is given), then biasAct — in chunks of LAYER_ROWS rows so
 * each chunk's Y is still in L1 for the next two passes. Every row goes through the same three kernels as
 * the separate calls, so the bits are theirs. Why: an RL step multiplies a few hundred rows by 64×64
 * weights, and three N-API crossings per layer were a visible part of it. AVX-512 only.
 */
#define LAYER_ROWS 48
static napi_value layer_fn(napi_env env, napi_callback_info info) {
  size_t argc = 15;
  napi_value argv[15];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t rows, n, m, r, act;
  if (argc < 15 || !get_i(env, argv[0], &rows) || !get_i(env, argv[1], &n) || !get_i(env, argv[2], &m) || !get_i(env, argv[5], &r) ||
      !get_i(env, argv[10], &act) || rows < 0 || n < 0 || m < 0 || r < 0 || act < 0 || act > 2 ||
      rows > INT32_MAX || n > INT32_MAX || m > INT32_MAX || r > INT32_MAX) {
    napi_throw_type_error(env, NULL, "eggroll_native.layer(rows, n, m, x, packedW, r, bt, at, pair, lrCoef, act 0|1|2, bias, noise, biasCoef, y): bad arguments");
    return NULL;
  }
  if (gemm_kernel != ISA_AVX512) {
    napi_throw_error(env, NULL, "eggroll_native.layer: needs AVX-512");
    return NULL;
  }
  if (rows == 0 || m == 0) return NULL;
  const float *x = f32_arg(env, argv[3], (size_t)(rows * n), "X");
  if (!x) return NULL;
  const float *pw = f32_arg(env, argv[4], (size_t)packed_b_len(m, n), "packed W");
  if (!pw) return NULL;
  if (((uintptr_t)pw & 63) != 0) {
    napi_throw_range_error(env, NULL, "eggroll_native.layer: the packed W must be 64-byte aligned");
    return NULL;
  }
  napi_valuetype vt;
  const float *bt = NULL, *at = NULL, *lrc = NULL, *xx = NULL;
  const int32_t *pair = NULL;
  CHECK(napi_typeof(env, argv[6], &vt));
  if (vt != napi_null && vt != napi_undefined && r > 0) {
    napi_value lr[5] = {argv[3], argv[6], argv[7], argv[8], argv[9]};
    if (!low_rank_args(env, lr, rows, n, m, r, &xx, &bt, &at, &pair, &lrc)) return NULL;
  }
  const float *bias = f32_arg(env, argv[11], (size_t)m, "bias");
  if (!bias) return NULL;
  const float *noise = NULL, *bc = NULL;
  CHECK(napi_typeof(env, argv[12], &vt));
  if (vt != napi_null && vt != napi_undefined) {
    size_t nlen;
    napi_typedarray_type ty;
    void *nd;
    napi_value nb;
    size_t no;
    if (napi_get_typedarray_info(env, argv[12], &ty, &nlen, &nd, &nb, &no) != napi_ok || ty != napi_float32_array) {
      napi_throw_type_error(env, NULL, "eggroll_native: noise must be a Float32Array");
      return NULL;
    }
    noise = (const float *)nd;
    if (!pair && !(pair = (const int32_t *)typed_data(env, argv[8], napi_int32_array, "Int32Array", (size_t)rows, "pair"))) return NULL;
    if (!(bc = f32_arg(env, argv[13], (size_t)rows, "biasCoef"))) return NULL;
    for (int64_t i = 0; i < rows; i++) {
      if (bc[i] != 0.0f && (pair[i] < 0 || ((size_t)pair[i] + 1) * (size_t)m > nlen)) {
        napi_throw_range_error(env, NULL, "eggroll_native.layer: a row's pair lies outside the bias noise");
        return NULL;
      }
    }
  }
  float *y = f32_arg(env, argv[14], (size_t)(rows * m), "Y");
  if (!y) return NULL;
#ifdef HAVE_GEMM_KERNELS
  for (int64_t i0 = 0; i0 < rows; i0 += LAYER_ROWS) {
    const int64_t h = rows - i0 < LAYER_ROWS ? rows - i0 : LAYER_ROWS;
    if (!gemm_f32_pb(false, true, h, m, n, 1.0f, x + i0 * n, n > 0 ? n : 1, NULL, pw, 0.0f, y + i0 * m, m)) {
      napi_throw_error(env, NULL, "eggroll_native.layer: out of memory for packing buffers");
      return NULL;
    }
    if (bt) low_rank_add_avx512(h, n, m, r, x + i0 * n, bt, at, pair + i0, lrc + i0, y + i0 * m);
    bias_act_avx512(h, m, (int)act, y + i0 * m, bias, noise ? pair + i0 : NULL, noise, noise ? bc + i0 : NULL);
  }
#endif
  return NULL;
}

/* biasAct(act, rows, m, y, bias, pair|null, noise|null, coef|null): act 0 identity, 1 tanh, 2 relu; AVX-512 only. */
static napi_value bias_act(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t act, rows, m;
  if (argc < 8 || !get_i(env, argv[0], &act) || !get_i(env, argv[1], &rows) || !get_i(env, argv[2], &m) || act < 0 || act > 2 ||
      rows < 0 || m < 0 || rows > INT32_MAX || m > INT32_MAX) {
    napi_throw_type_error(env, NULL, "eggroll_native.biasAct(act 0|1|2, rows, m, y, bias, pair, noise, coef): bad arguments");
    return NULL;
  }
  if (gemm_kernel != ISA_AVX512) {
    napi_throw_error(env, NULL, "eggroll_native.biasAct: needs AVX-512");
    return NULL;
  }
  if (rows == 0 || m == 0) return NULL;
  float *y = f32_arg(env, argv[3], (size_t)rows * (size_t)m, "Y");
  if (!y) return NULL;
  const float *bias = f32_arg(env, argv[4], (size_t)m, "bias");
  if (!bias) return NULL;
  napi_valuetype nt;
  CHECK(napi_typeof(env, argv[6], &nt));
  const int32_t *pair = NULL;
  const float *noise = NULL, *coef = NULL;
  if (nt != napi_null && nt != napi_undefined) {
    pair = (const int32_t *)typed_data(env, argv[5], napi_int32_array, "Int32Array", (size_t)rows, "pair");
    if (!pair) return NULL;
    size_t nlen;
    napi_typedarray_type ty;
    void *nd;
    napi_value nb;
    size_t no;
    if (napi_get_typedarray_info(env, argv[6], &ty, &nlen, &nd, &nb, &no) != napi_ok || ty != napi_float32_array) {
      napi_throw_type_error(env, NULL, "eggroll_native: noise must be a Float32Array");
      return NULL;
    }
    noise = (const float *)nd;
    coef = f32_arg(env, argv[7], (size_t)rows, "coef");
    if (!coef) return NULL;
    for (int64_t i = 0; i < rows; i++) {
      if (coef[i] != 0.0f && (pair[i] < 0 || ((size_t)pair[i] + 1) * (size_t)m > nlen)) {
        napi_throw_range_error(env, NULL, "eggroll_native.biasAct: a row's pair lies outside the noise array");
        return NULL;
      }
    }
  }
#ifdef HAVE_GEMM_KERNELS
  bias_act_avx512(rows, m, (int)act, y, bias, pair, noise, coef);
#endif
  return NULL;
}

/* ---- Standard normals (Philox4x32-10 + Box–Muller), 8 Philox blocks at a time ---------------------------
 * The same function, bit for bit, as fillNormalsRef (src/rng/normal.ts) and build/noise.wasm: Philox in
 * 64-bit lanes holding 32-bit words (vpmuludq gives the whole 64-bit product), then the transform in
 * float64 with the reference's own log, sin and cos polynomials, every operation in the reference's
 * order (no FMA: -ffp-contract=off and explicit mul/add), rounded to float32 at the end. k = ⌊log2(w+1)⌋
 * and (w+1)·2^−k come from getexp/getmant, which are exact.
 */
#ifdef HAVE_GEMM_KERNELS
/* The low 32 bits of each 64-bit lane as a double, exactly (AVX512F only: no vcvtuqq2pd without DQ). */
__attribute__((target("avx512f")))
static inline __m512d u32_to_pd(__m512i v) {
  return _mm512_cvtepu32_pd(_mm512_cvtepi64_epi32(v));
}

__attribute__((target("avx512f")))
static inline __m512d poly_log1(__m512d w) {
  /* ln(w + 1) for integer w in [0, 2^32) (logWordPlusOne). */
  const __m512d x = _mm512_add_pd(w, _mm512_set1_pd(1.0));
  __m512d k = _mm512_getexp_pd(x);
  __m512d f = _mm512_getmant_pd(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src);
  const __mmask8 big = _mm512_cmp_pd_mask(f, _mm512_set1_pd(1.4142135623730951), _CMP_GT_OQ);
  f = _mm512_mask_mul_pd(f, big, f, _mm512_set1_pd(0.5));
  k = _mm512_mask_add_pd(k, big, k, _mm512_set1_pd(1.0));
  const __m512d one = _mm512_set1_pd(1.0);
  const __m512d sv = _mm512_div_pd(_mm512_sub_pd(f, one), _mm512_add_pd(f, one));
  const __m512d s2 = _mm512_mul_pd(sv, sv);
  __m512d t = _mm512_set1_pd(0.06666666666666667);
  t = _mm512_add_pd(_mm512_set1_pd(0.07692307692307693), _mm512_mul_pd(s2, t));
  t = _mm512_add_pd(_mm512_set1_pd(0.09090909090909091), _mm512_mul_pd(s2, t));
  t = _mm512_add_pd(_mm512_set1_pd(0.1111111111111111), _mm512_mul_pd(s2, t));
  t = _mm512_add_pd(_mm512_set1_pd(0.14285714285714285), _mm512_mul_pd(s2, t));
  t = _mm512_add_pd(_mm512_set1_pd(0.2), _mm512_mul_pd(s2, t));
  t = _mm512_add_pd(_mm512_set1_pd(0.3333333333333333), _mm512_mul_pd(s2, t));
  const __m512d pp = _mm512_add_pd(one, _mm512_mul_pd(s2, t));
  return _mm512_add_pd(_mm512_mul_pd(k, _mm512_set1_pd(0.6931471805599453)), _mm512_mul_pd(_mm512_mul_pd(_mm512_set1_pd(2.0), sv), pp));
}

__attribute__((target("avx512f")))
static inline __m512d poly_sin(__m512d a) {
  const __m512d a2 = _mm512_mul_pd(a, a);
  __m512d u = _mm512_set1_pd(7.647163731819816e-13);
  u = _mm512_sub_pd(_mm512_set1_pd(1.6059043836821613e-10), _mm512_mul_pd(a2, u));
  u = _mm512_sub_pd(_mm512_set1_pd(2.505210838544172e-8), _mm512_mul_pd(a2, u));
  u = _mm512_sub_pd(_mm512_set1_pd(2.7557319223985893e-6), _mm512_mul_pd(a2, u));
  u = _mm512_sub_pd(_mm512_set1_pd(0.0001984126984126984), _mm512_mul_pd(a2, u));
  u = _mm512_sub_pd(_mm512_set1_pd(0.008333333333333333), _mm512_mul_pd(a2, u));
  u = _mm512_sub_pd(_mm512_set1_pd(0.16666666666666666), _mm512_mul_pd(a2, u));
  return _mm512_mul_pd(a, _mm512_sub_pd(_mm512_set1_pd(1.0), _mm512_mul_pd(a2, u)));
}

__attribute__((target("avx512f")))
static inline __m512d poly_cos(__m512d a) {
  const __m512d a2 = _mm512_mul_pd(a, a);
  __m512d u = _mm512_set1_pd(1.1470745597729725e-11);
  u = _mm512_sub_pd(_mm512_set1_pd(2.08767569878681e-9), _mm512_mul_pd(a2, u));
  u = _mm512_sub_pd(_mm512_set1_pd(2.755731922398589e-7), _mm512_mul_pd(a2, u));
  u = _mm512_sub_pd(_mm512_set1_pd(2.48015873015873e-5), _mm512_mul_pd(a2, u));
  u = _mm512_sub_pd(_mm512_set1_pd(0.001388888888888889), _mm512_mul_pd(a2, u));
  u = _mm512_sub_pd(_mm512_set1_pd(0.041666666666666664), _mm512_mul_pd(a2, u));
  u = _mm512_sub_pd(_mm512_set1_pd(0.5), _mm512_mul_pd(a2, u));
  return _mm512_sub_pd(_mm512_set1_pd(1.0), _mm512_mul_pd(a2, u));
}

/* One normal pair (r·cos, r·sin) from words (wr, wa) held in the low 32 bits of 64-bit lanes. */
__attribute__((target("avx512f")))
static inline void box_muller8(__m512i wr, __m512i wa, __m512d *zc, __m512d *zs) {
  const __m512d L = poly_log1(u32_to_pd(wr));
  const __m512d r = _mm512_sqrt_pd(_mm512_mul_pd(_mm512_set1_pd(-2.0), _mm512_sub_pd(L, _mm512_set1_pd(32 * 0.6931471805599453))));
  const __m512i q = _mm512_srli_epi64(wa, 30);
  const __m512i t = _mm512_and_si512(wa, _mm512_set1_epi64(0x3fffffff));
  const __mmask8 low = _mm512_cmp_epu64_mask(t, _mm512_set1_epi64(0x20000000), _MM_CMPINT_LT);
  const __m512i targ = _mm512_mask_mov_epi64(_mm512_sub_epi64(_mm512_set1_epi64(0x40000000), t), low, t);
  const __m512d a = _mm512_mul_pd(u32_to_pd(targ), _mm512_set1_pd(1.4629180792671596e-9));
  const __m512d pc = poly_cos(a), ps = poly_sin(a);
  const __m512d c = _mm512_mask_mov_pd(ps, low, pc), s = _mm512_mask_mov_pd(pc, low, ps);
  /* Quadrants: 0 (c, s), 1 (−s, c), 2 (−c, −s), 3 (s, −c). */
  /* −0 − x is −x for every x, ±0 included (0 − x would turn −(+0) into +0, unlike the reference's negation). */
  const __m512d zero = _mm512_set1_pd(-0.0);
  const __mmask8 q1 = _mm512_cmp_epu64_mask(q, _mm512_set1_epi64(1), _MM_CMPINT_EQ);
  const __mmask8 q2 = _mm512_cmp_epu64_mask(q, _mm512_set1_epi64(2), _MM_CMPINT_EQ);
  const __mmask8 q3 = _mm512_cmp_epu64_mask(q, _mm512_set1_epi64(3), _MM_CMPINT_EQ);
  __m512d oc = c, os = s;
  oc = _mm512_mask_sub_pd(oc, q1, zero, s); os = _mm512_mask_mov_pd(os, q1, c);
  oc = _mm512_mask_sub_pd(oc, q2, zero, c); os = _mm512_mask_sub_pd(os, q2, zero, s);
  oc = _mm512_mask_mov_pd(oc, q3, s); os = _mm512_mask_sub_pd(os, q3, zero, c);
  *zc = _mm512_mul_pd(r, oc);
  *zs = _mm512_mul_pd(r, os);
}

/* normals for Philox blocks b0 … b0+blocks−1 of stream (key, c1, c2, c3) into out[0 … 4·blocks). */
__attribute__((target("avx512f")))
static void normals_avx512(uint32_t key0, uint32_t key1, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t b0, int64_t blocks, float *out, int64_t count) {
  const __m512i lo32 = _mm512_set1_epi64(0xffffffffLL);
  const __m512i M0 = _mm512_set1_epi64(0xd2511f53LL), M1 = _mm512_set1_epi64(0xcd9e8d57LL);
  for (int64_t b = 0; b < blocks; b += 8) {
    __m512i x0 = _mm512_and_si512(_mm512_add_epi64(_mm512_set1_epi64((int64_t)b0 + b), _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7)), lo32);
    __m512i x1 = _mm512_set1_epi64(c1), x2 = _mm512_set1_epi64(c2), x3 = _mm512_set1_epi64(c3);
    uint32_t k0 = key0, k1 = key1;
    for (int round = 0; round < 10; round++) {
      const __m512i p0 = _mm512_mul_epu32(x0, M0), p1 = _mm512_mul_epu32(x2, M1);
      const __m512i n0 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p1, 32), x1), _mm512_set1_epi64(k0));
      const __m512i n2 = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p0, 32), x3), _mm512_set1_epi64(k1));
      x1 = _mm512_and_si512(p1, lo32);
      x3 = _mm512_and_si512(p0, lo32);
      x0 = n0; x2 = n2;
      k0 += 0x9e3779b9u; k1 += 0xbb67ae85u;
    }
    __m512d za, zb, zc, zd;
    box_muller8(x0, x1, &za, &zb);
    box_muller8(x2, x3, &zc, &zd);
    /* Block j's normals are (za[j], zb[j], zc[j], zd[j]): interleave to out[4·(b+j) …]. */
    double buf[4][8];
    _mm512_storeu_pd(buf[0], za); _mm512_storeu_pd(buf[1], zb); _mm512_storeu_pd(buf[2], zc); _mm512_storeu_pd(buf[3], zd);
    for (int j = 0; j < 8 && b + j < blocks; j++)
      for (int h = 0; h < 4; h++) {
        const int64_t o = 4 * (b + j) + h;
        if (o < count) out[o] = (float)buf[h][j];
      }
  }
}
#endif

#ifdef HAVE_GEMM_KERNELS
__attribute__((target("avx512f")))
static void box_muller_words(const uint32_t *w, size_t pairs, double *o) {
  for (size_t p = 0; p < pairs; p += 8) {
    int64_t wr[8] = {0}, wa[8] = {0};
    for (size_t j = 0; j < 8 && p + j < pairs; j++) { wr[j] = w[2 * (p + j)]; wa[j] = w[2 * (p + j) + 1]; }
    __m512d zc, zs;
    box_muller8(_mm512_loadu_si512(wr), _mm512_loadu_si512(wa), &zc, &zs);
    double c[8], sn[8];
    _mm512_storeu_pd(c, zc);
    _mm512_storeu_pd(sn, zs);
    for (size_t j = 0; j < 8 && p + j < pairs; j++) { o[2 * (p + j)] = c[j]; o[2 * (p + j) + 1] = sn[j]; }
  }
}
#endif

/* boxMuller(words: Uint32Array of 2n (radius word, angle word) pairs, out: Float64Array of 2n): the transform
 * alone, before the float32 rounding, for tests of edge words (0, 2^32 − 1, the quadrant boundaries). */
static napi_value box_muller(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_typedarray_type ty;
  size_t len, olen;
  void *wd, *od;
  napi_value buf;
  size_t off;
  if (argc < 2 || napi_get_typedarray_info(env, argv[0], &ty, &len, &wd, &buf, &off) != napi_ok || ty != napi_uint32_array || len % 2 != 0) {
    napi_throw_type_error(env, NULL, "eggroll_native.boxMuller(words: Uint32Array of even length, out: Float64Array)");
    return NULL;
  }
  if (napi_get_typedarray_info(env, argv[1], &ty, &olen, &od, &buf, &off) != napi_ok || ty != napi_float64_array || olen < len) {
    napi_throw_type_error(env, NULL, "eggroll_native.boxMuller: out must be a Float64Array as long as words");
    return NULL;
  }
  if (gemm_kernel != ISA_AVX512) {
    napi_throw_error(env, NULL, "eggroll_native.boxMuller: needs AVX-512");
    return NULL;
  }
#ifdef HAVE_GEMM_KERNELS
  box_muller_words((const uint32_t *)wd, len / 2, (double *)od);
#endif
  return NULL;
}

/* normals(key0, key1, c1, c2, c3, b0, out: Float32Array, offset, count): out[offset … +count) from block b0. */
static napi_value normals(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t w[6], off, count;
  bool ok = argc >= 9;
  for (int i = 0; ok && i < 6; i++) ok = get_i(env, argv[i], &w[i]) && w[i] >= 0 && w[i] <= 0xffffffffLL;
  if (!ok || !get_i(env, argv[7], &off) || !get_i(env, argv[8], &count) || off < 0 || count < 0) {
    napi_throw_type_error(env, NULL, "eggroll_native.normals(key0, key1, c1, c2, c3, b0, out, offset, count): bad arguments");
    return NULL;
  }
  if (gemm_kernel != ISA_AVX512) {
    napi_throw_error(env, NULL, "eggroll_native.normals: needs AVX-512");
    return NULL;
  }
  float *out = f32_arg(env, argv[6], (size_t)(off + count), "out");
  if (!out || count == 0) return NULL;
#ifdef HAVE_GEMM_KERNELS
  normals_avx512((uint32_t)w[0], (uint32_t)w[1], (uint32_t)w[2], (uint32_t)w[3], (uint32_t)w[4], (uint32_t)w[5], (count + 3) / 4, out + off, count);
#endif
  return NULL;
}

/* Reads sgemm's 13 arguments; returns false with a pending JS exception, or with *skip set for a no-op. */
typedef struct {
  bool ta, tb;
  int64_t m, n, k, lda;
  double alpha, beta;
  float *a, *b, *c;
} gemm_args;

static bool read_gemm_args(napi_env env, napi_callback_info info, const char *name, bool packed, gemm_args *g, bool *skip) {
  size_t argc = 13;
  napi_value argv[13];
  *skip = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return false;
  int64_t aoff, coff;
  if (argc < 13 || !get_b(env, argv[0], &g->ta) || !get_b(env, argv[1], &g->tb) || !get_i(env, argv[2], &g->m) ||
      !get_i(env, argv[3], &g->n) || !get_i(env, argv[4], &g->k) || !get_d(env, argv[5], &g->alpha) || !get_i(env, argv[7], &aoff) ||
      !get_i(env, argv[8], &g->lda) || !get_d(env, argv[10], &g->beta) || !get_i(env, argv[12], &coff)) {
    char msg[160];
    snprintf(msg, sizeof msg, "eggroll_native.%s(transA, transB, m, n, k, alpha, a, aOff, lda, b, beta, c, cOff): bad arguments", name);
    napi_throw_type_error(env, NULL, msg);
    return false;
  }
  if (g->k < 0 || g->m > INT32_MAX || g->n > INT32_MAX || g->k > INT32_MAX) {
    char msg[128];
    snprintf(msg, sizeof msg, "eggroll_native.%s: m, n and k must be in [0, 2^31)", name);
    napi_throw_range_error(env, NULL, msg);
    return false;
  }
  if (g->m <= 0 || g->n <= 0) {
    *skip = true;
    return true;
  }
  /* Offsets bounded by 2^40 elements, so no size sum below can overflow. */
  if (aoff < 0 || coff < 0 || aoff > (1LL << 40) || coff > (1LL << 40) || g->lda < (g->ta ? g->m : g->k) || g->lda < 1 || g->lda > INT32_MAX) {
    char msg[128];
    snprintf(msg, sizeof msg, "eggroll_native.%s: bad offset or leading dimension", name);
    napi_throw_range_error(env, NULL, msg);
    return false;
  }
  /* Elements of a that op(A) touches: the last row (or column) starts at (rows-1)·lda. */
  size_t aneed = g->k == 0 ? 0 : (size_t)(aoff + ((g->ta ? g->k : g->m) - 1) * g->lda + (g->ta ? g->m : g->k));
  if (!(g->a = f32_arg(env, argv[6], aneed, "A"))) return false;
  if (!(g->b = f32_arg(env, argv[9], (size_t)(packed ? packed_b_len(g->n, g->k) : g->k * g->n), packed ? "packed B" : "B"))) return false;
  if (packed && ((uintptr_t)g->b & 63) != 0) {
    napi_throw_range_error(env, NULL, "eggroll_native.sgemmPacked: the packed B must be 64-byte aligned");
    return false;
  }
  if (!(g->c = f32_arg(env, argv[11], (size_t)(coff + g->m * g->n), "C"))) return false;
  g->a += aoff;
  g->c += coff;
  if (g->k == 0) {
    /* Some BLAS return early for k = 0 without scaling C; the contract scales it (beta 0 clears it). */
    for (int64_t i = 0; i < g->m * g->n; i++) g->c[i] = g->beta == 0 ? 0.0f : (float)(g->beta * g->c[i]);
    *skip = true;
  }
  return true;
}

/*
 * sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, beta, c, cOff) — our deterministic kernel.
 * C[cOff..] (m×n, row stride n) ← alpha·op(A)·op(B) + beta·C, where op(A) starts at element aOff of a
 * with leading dimension lda (so a caller can pass a block of rows of op(A), also when transA).
 */
static napi_value sgemm(napi_env env, napi_callback_info info) {
  gemm_args g;
  bool skip;
  if (!read_gemm_args(env, info, "sgemm", false, &g, &skip) || skip) return NULL;
  if (gemm_kernel == ISA_NONE) {
    napi_throw_error(env, NULL, "eggroll_native.sgemm: this CPU has neither AVX-512 nor AVX2+FMA");
    return NULL;
  }
  if (!gemm_f32(g.ta, g.tb, g.m, g.n, g.k, (float)g.alpha, g.a, g.lda, g.b, (float)g.beta, g.c, g.n))
    napi_throw_error(env, NULL, "eggroll_native.sgemm: out of memory for packing buffers");
  return NULL;
}

/*
 * Packed weights: op(B) packed once (packB) and reused by many sgemmPacked calls — an RL rollout multiplies
 * the same small W by a few live rows at every environment step, and packing it again each time cost more
 * than the product. The pack is a snapshot in this process's kernel layout (its length: packedBLength).
 */

/* packedBLength(n, k): floats a pack of a k×n op(B) needs (0 when the CPU has no f32 kernel). */
static napi_value packed_b_length(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t n, k;
  if (argc < 2 || !get_i(env, argv[0], &n) || !get_i(env, argv[1], &k) || n < 0 || k < 0 || n > INT32_MAX || k > INT32_MAX) {
    napi_throw_type_error(env, NULL, "eggroll_native.packedBLength(n, k): bad arguments");
    return NULL;
  }
  napi_value out;
  CHECK(napi_create_double(env, (double)packed_b_len(n, k), &out));
  return out;
}

/* packB(transB, n, k, b, packed): op(B) (B stored k×n, or n×k when transB) into packed, as gemm_f32 packs it. */
static napi_value pack_b_fn(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bool tb;
  int64_t n, k;
  if (argc < 5 || !get_b(env, argv[0], &tb) || !get_i(env, argv[1], &n) || !get_i(env, argv[2], &k) || n < 0 || k < 0 ||
      n > INT32_MAX || k > INT32_MAX) {
    napi_throw_type_error(env, NULL, "eggroll_native.packB(transB, n, k, b, packed): bad arguments");
    return NULL;
  }
  if (gemm_kernel == ISA_NONE) {
    napi_throw_error(env, NULL, "eggroll_native.packB: this CPU has neither AVX-512 nor AVX2+FMA");
    return NULL;
  }
  const float *b = f32_arg(env, argv[3], (size_t)(n * k), "B");
  if (!b) return NULL;
  float *pb = f32_arg(env, argv[4], (size_t)packed_b_len(n, k), "packed B");
  if (!pb) return NULL;
  if (((uintptr_t)pb & 63) != 0) {
    napi_throw_range_error(env, NULL, "eggroll_native.packB: the packed B must be 64-byte aligned");
    return NULL;
  }
#ifdef HAVE_GEMM_KERNELS
  if (n > 0) pack_cols(pb, b, tb ? k : n, tb, 0, n, k, gemm_kernel == ISA_AVX512 ? NR512 : NR256);
#endif
  return NULL;
}

/*
 * sgemmPacked(transA, transB, m, n, k, alpha, a, aOff, lda, packed, beta, c, cOff): sgemm with op(B) from
 * packB(transB, n, k, …) — the same bits as sgemm on the B it was packed from (transB is the pack's).
 */
static napi_value sgemm_packed(napi_env env, napi_callback_info info) {
  gemm_args g;
  bool skip;
  if (!read_gemm_args(env, info, "sgemmPacked", true, &g, &skip) || skip) return NULL;
  if (gemm_kernel == ISA_NONE) {
    napi_throw_error(env, NULL, "eggroll_native.sgemmPacked: this CPU has neither AVX-512 nor AVX2+FMA");
    return NULL;
  }
  if (!gemm_f32_pb(g.ta, g.tb, g.m, g.n, g.k, (float)g.alpha, g.a, g.lda, NULL, g.b, (float)g.beta, g.c, g.n))
    napi_throw_error(env, NULL, "eggroll_native.sgemmPacked: out of memory for packing buffers");
  return NULL;
}

#ifdef EGGROLL_OPENBLAS
/* blasSgemm(…same arguments…) — OpenBLAS's cblas_sgemm, for `bench gemm`'s comparison only: its rows are
 * not invariant (see above), so no computing path of the backend uses it. */
static napi_value blas_sgemm(napi_env env, napi_callback_info info) {
  gemm_args g;
  bool skip;
  if (!read_gemm_args(env, info, "blasSgemm", false, &g, &skip) || skip) return NULL;
  cblas_sgemm(CblasRowMajor, g.ta ? CblasTrans : CblasNoTrans, g.tb ? CblasTrans : CblasNoTrans, (int)g.m, (int)g.n, (int)g.k,
              (float)g.alpha, g.a, (int)g.lda, g.b, g.tb ? (int)g.k : (int)g.n, (float)g.beta, g.c, (int)g.n);
  return NULL;
}
#endif

/*
 * Exact int8 GEMM with AVX-512 VNNI: C(m×n, i32) = A(m×k, i8) · B(n×k, i8)ᵀ.
 * vpdpbusd multiplies unsigned by signed bytes and adds groups of four into i32 lanes without
 * saturation, so A is offset to unsigned (a ^ 0x80 = a + 128) and the offset is taken back exactly:
 * Σ (a+128)·b = Σ a·b + 128·Σ b. Integer arithmetic, so the result is exact and the same for any row
 * split. Tails of k are loaded with byte masks (zeros in B make A's tail irrelevant). Blocks of 4 rows of
 * A × 3 rows of B keep 12 accumulators in registers. Compiled for that target only; used only when the
 * CPU reports the features (igemmSupported()).
 */
#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_VNNI_KERNEL 1
__attribute__((target("avx512f,avx512bw,avx512vnni")))
static bool igemm_vnni(int64_t m, int64_t n, int64_t k, const int8_t *a, const int8_t *b, int32_t *c) {
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  /* 128·Σ_p B[j][p], the offset correction per column. */
  int32_t *bsum = (int32_t *)malloc(sizeof(int32_t) * (size_t)(n > 0 ? n : 1));
  if (!bsum) return false;
  for (int64_t j = 0; j < n; j++) {
    int64_t s = 0; /* |Σ b| ≤ 128·k: int64 keeps 128·Σ exact for any k (the caller bounds k so C fits int32) */
    for (int64_t p = 0; p < k; p++) s += b[j * k + p];
    bsum[j] = (int32_t)(128 * s);
  }
  /* Columns of B in blocks of about 192 KiB, so a block stays in L2 while every row of A passes by. */
  int64_t jb = (192 * 1024) / (k > 0 ? k : 1);
  jb = jb < 3 ? 3 : jb - jb % 3;
  for (int64_t jblk = 0; jblk < n; jblk += jb) {
  int64_t jend = jblk + jb < n ? jblk + jb : n;
  for (int64_t i0 = 0; i0 < m; i0 += 4) {
    int64_t hi = m - i0 < 4 ? m - i0 : 4;
    for (int64_t j0 = jblk; j0 < jend; j0 += 3) {
      int64_t wj = jend - j0 < 3 ? jend - j0 : 3;
      __m512i acc[4][3];
      for (int r = 0; r < 4; r++)
        for (int q = 0; q < 3; q++) acc[r][q] = _mm512_setzero_si512();
      for (int64_t p = 0; p < k; p += 64) {
        __mmask64 mask = k - p >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (k - p)) - 1);
        __m512i bv[3];
        for (int q = 0; q < 3; q++)
          bv[q] = q < wj ? _mm512_maskz_loadu_epi8(mask, b + (j0 + q) * k + p) : _mm512_setzero_si512();
        for (int r = 0; r < 4; r++) {
          if (r >= hi) break;
          __m512i av = _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, a + (i0 + r) * k + p), flip);
          for (int q = 0; q < 3; q++) acc[r][q] = _mm512_dpbusd_epi32(acc[r][q], av, bv[q]);
        }
      }
      for (int r = 0; r < hi; r++)
        for (int q = 0; q < wj; q++) c[(i0 + r) * n + j0 + q] = _mm512_reduce_add_epi32(acc[r][q]) - bsum[j0 + q];
    }
  }
  }
  free(bsum);
  return true;
}
#endif

static bool vnni_supported(void) {
#ifdef HAVE_VNNI_KERNEL
  /* Asked once per process, at load (igemm checks it on every call); the answer never changes. */
  static int known = -1;
  if (known < 0) {
    __builtin_cpu_init();
    known = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni");
  }
  return known;
#else
  return false;
#endif
}

/* igemm(m, n, k, a: Int8Array, b: Int8Array, c: Int32Array); only when igemmSupported(). */
static napi_value igemm(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t m, n, k;
  if (argc < 6 || !get_i(env, argv[0], &m) || !get_i(env, argv[1], &n) || !get_i(env, argv[2], &k) || m < 0 || n < 0 || k < 0) {
    napi_throw_type_error(env, NULL, "eggroll_native.igemm(m, n, k, a, b, c): bad arguments");
    return NULL;
  }
  if (!vnni_supported()) {
    napi_throw_error(env, NULL, "eggroll_native.igemm: this CPU has no AVX-512 VNNI");
    return NULL;
  }
  if (m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) {
    napi_throw_range_error(env, NULL, "eggroll_native.igemm: m, n and k must be below 2^31");
    return NULL;
  }
  const int8_t *a = typed_data(env, argv[3], napi_int8_array, "Int8Array", (size_t)m * (size_t)k, "A");
  if (!a) return NULL;
  const int8_t *b = typed_data(env, argv[4], napi_int8_array, "Int8Array", (size_t)n * (size_t)k, "B");
  if (!b) return NULL;
  int32_t *c = (int32_t *)typed_data(env, argv[5], napi_int32_array, "Int32Array", (size_t)m * (size_t)n, "C");
  if (!c) return NULL;
  if (m == 0 || n == 0) return NULL;
#ifdef HAVE_VNNI_KERNEL
  if (!igemm_vnni(m, n, k, a, b, c)) napi_throw_error(env, NULL, "eggroll_native.igemm: out of memory");
#endif
  return NULL;
}

static napi_value igemm_supported(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  CHECK(napi_get_boolean(env, vnni_supported(), &r));
  return r;
}

/* setBlasThreads(n): OpenBLAS's own thread count (bench's direct line; a no-op without OpenBLAS). */
static napi_value set_blas_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t n;
  if (argc < 1 || !get_i(env, argv[0], &n) || n < 1) {
    napi_throw_range_error(env, NULL, "eggroll_native.setBlasThreads(n): n must be an integer >= 1");
    return NULL;
  }
#ifdef EGGROLL_OPENBLAS
  openblas_set_num_threads((int)n);
#endif
  return NULL;
}

/* gemmKernel(): 'avx512' | 'avx2' | 'none' — which f32 GEMM kernel this CPU runs. */
static napi_value gemm_kernel_name(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  CHECK(napi_create_string_utf8(env, gemm_kernel == ISA_AVX512 ? "avx512" : gemm_kernel == ISA_AVX2 ? "avx2" : "none", NAPI_AUTO_LENGTH, &r));
  return r;
}

/* blasConfig(): OpenBLAS's build and core when linked, else "". */
static napi_value blas_config(napi_env env, napi_callback_info info) {
  (void)info;
  char buf[256] = "";
#ifdef EGGROLL_OPENBLAS
  snprintf(buf, sizeof buf, "%s (core %s)", openblas_get_config(), openblas_get_corename());
#endif
  napi_value r;
  CHECK(napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &r));
  return r;
}

static void detect_once(void) {
  (void)vnni_supported();
  gemm_kernel = detect_isa();
}

/* At a thread's environment teardown (a worker thread ending): give its packing buffers back. */
static void free_thread_buffers(void *unused) {
  (void)unused;
  free(pack_a);
  free(pack_b);
  pack_a = pack_b = NULL;
  pack_a_cap = pack_b_cap = 0;
}

static napi_value init(napi_env env, napi_value exports) {
  /* Every thread that loads the addon runs init; the CPU checks run once per process, so a later load
   * (a worker thread with another environment) can never change the kernel under a running call. */
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, detect_once);
  napi_add_env_cleanup_hook(env, free_thread_buffers, NULL);
  napi_property_descriptor props[] = {
    {"sgemm", NULL, sgemm, NULL, NULL, NULL, napi_default, NULL},
    {"packedBLength", NULL, packed_b_length, NULL, NULL, NULL, napi_default, NULL},
    {"packB", NULL, pack_b_fn, NULL, NULL, NULL, napi_default, NULL},
    {"sgemmPacked", NULL, sgemm_packed, NULL, NULL, NULL, napi_default, NULL},
    {"gemmKernel", NULL, gemm_kernel_name, NULL, NULL, NULL, napi_default, NULL},
#ifdef EGGROLL_OPENBLAS
    {"blasSgemm", NULL, blas_sgemm, NULL, NULL, NULL, napi_default, NULL},
#endif
    {"setBlasThreads", NULL, set_blas_threads, NULL, NULL, NULL, napi_default, NULL},
    {"blasConfig", NULL, blas_config, NULL, NULL, NULL, napi_default, NULL},
    {"igemm", NULL, igemm, NULL, NULL, NULL, napi_default, NULL},
    {"layer", NULL, layer_fn, NULL, NULL, NULL, napi_default, NULL},
    {"lowRankAdd", NULL, low_rank_add, NULL, NULL, NULL, napi_default, NULL},
    {"biasAct", NULL, bias_act, NULL, NULL, NULL, napi_default, NULL},
    {"normals", NULL, normals, NULL, NULL, NULL, napi_default, NULL},
    {"boxMuller", NULL, box_muller, NULL, NULL, NULL, napi_default, NULL},
    {"igemmSupported", NULL, igemm_supported, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
