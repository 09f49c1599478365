/*
 * eggroll's native backend: a thin N-API binding to OpenBLAS's cblas_sgemm / cblas_sgemv, plus an
 * exact int8 GEMM of our own for CPUs with AVX-512 VNNI (BLAS has none).
 *
 * It takes typed arrays (any backing store, including the wasm backend's SharedArrayBuffer memory,
 * so tensors are shared with the wasm kernels without copies), checks their lengths, and calls BLAS
 * synchronously on the calling thread. Row-major, packed (leading dimension = row length), matching
 * src/backend/types.ts. Built by native/install.mjs when Debian's libopenblas-dev is present.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <cblas.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define CHECK(call)                                                        \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error(env, NULL, "eggroll_blas: N-API call failed: " #call); \
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
    snprintf(msg, sizeof msg, "eggroll_blas: %s must be a %s", what, want_name);
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  if (length < need) {
    char msg[128];
    snprintf(msg, sizeof msg, "eggroll_blas: %s has %zu elements, needs %zu", what, length, need);
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

/*
 * sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, beta, c, cOff)
 * C[cOff..] (m×n, row stride n) ← alpha·op(A)·op(B) + beta·C, where op(A) starts at element aOff of a
 * with leading dimension lda (so a caller can pass a block of rows of op(A), also when transA).
 */
static napi_value sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value argv[13];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bool ta, tb;
  int64_t m, n, k, aoff, lda, coff;
  double alpha, beta;
  if (argc < 13 || !get_b(env, argv[0], &ta) || !get_b(env, argv[1], &tb) || !get_i(env, argv[2], &m) ||
      !get_i(env, argv[3], &n) || !get_i(env, argv[4], &k) || !get_d(env, argv[5], &alpha) || !get_i(env, argv[7], &aoff) ||
      !get_i(env, argv[8], &lda) || !get_d(env, argv[10], &beta) || !get_i(env, argv[12], &coff)) {
    napi_throw_type_error(env, NULL, "eggroll_blas.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, beta, c, cOff): bad arguments");
    return NULL;
  }
  if (m <= 0 || n <= 0 || k < 0 || m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) return NULL;
  if (aoff < 0 || coff < 0 || lda < (ta ? m : k) || lda < 1 || lda > INT32_MAX) {
    napi_throw_range_error(env, NULL, "eggroll_blas.sgemm: bad offset or leading dimension");
    return NULL;
  }
  /* Elements of a that op(A) touches: the last row (or column) starts at (rows-1)·lda. */
  size_t aneed = k == 0 ? 0 : (size_t)(aoff + ((ta ? k : m) - 1) * lda + (ta ? m : k));
  float *a = f32_arg(env, argv[6], aneed, "A");
  if (!a) return NULL;
  float *b = f32_arg(env, argv[9], (size_t)(k * n), "B");
  if (!b) return NULL;
  float *c = f32_arg(env, argv[11], (size_t)(coff + m * n), "C");
  if (!c) return NULL;
  c += coff;
  if (k == 0) {
    /* BLAS returns early for k = 0 without scaling C on some versions; do it here. */
    for (int64_t i = 0; i < m * n; i++) c[i] = beta == 0 ? 0.0f : (float)(beta * c[i]);
    return NULL;
  }
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k,
              (float)alpha, a + aoff, (int)lda, b, tb ? (int)k : (int)n, (float)beta, c, (int)n);
  return NULL;
}

/* sgemv(trans, m, n, alpha, a, x, beta, y) */
static napi_value sgemv(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  bool t;
  int64_t m, n;
  double alpha, beta;
  if (argc < 8 || !get_b(env, argv[0], &t) || !get_i(env, argv[1], &m) || !get_i(env, argv[2], &n) ||
      !get_d(env, argv[3], &alpha) || !get_d(env, argv[6], &beta)) {
    napi_throw_type_error(env, NULL, "eggroll_blas.sgemv(trans, m, n, alpha, a, x, beta, y): bad arguments");
    return NULL;
  }
  if (m < 0 || n < 0 || m > INT32_MAX || n > INT32_MAX) return NULL;
  int64_t in = t ? m : n, out = t ? n : m;
  if (out == 0) return NULL;
  float *a = f32_arg(env, argv[4], (size_t)(m * n), "A");
  if (!a) return NULL;
  float *x = f32_arg(env, argv[5], (size_t)in, "x");
  if (!x) return NULL;
  float *y = f32_arg(env, argv[7], (size_t)out, "y");
  if (!y) return NULL;
  if (in == 0) {
    for (int64_t i = 0; i < out; i++) y[i] = beta == 0 ? 0.0f : (float)(beta * y[i]);
    return NULL;
  }
  if (beta == 0) {
    /* BLAS may compute 0·y, turning a NaN in y into NaN; the contract says beta 0 ignores y. */
    for (int64_t i = 0; i < out; i++) y[i] = 0.0f;
  }
  cblas_sgemv(CblasRowMajor, t ? CblasTrans : CblasNoTrans, (int)m, (int)n, (float)alpha, a, (int)n, x, 1, (float)beta, y, 1);
  return NULL;
}

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
    int32_t s = 0;
    for (int64_t p = 0; p < k; p++) s += b[j * k + p];
    bsum[j] = 128 * s;
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
    napi_throw_type_error(env, NULL, "eggroll_blas.igemm(m, n, k, a, b, c): bad arguments");
    return NULL;
  }
  if (!vnni_supported()) {
    napi_throw_error(env, NULL, "eggroll_blas.igemm: this CPU has no AVX-512 VNNI");
    return NULL;
  }
  const int8_t *a = typed_data(env, argv[3], napi_int8_array, "Int8Array", (size_t)(m * k), "A");
  if (!a) return NULL;
  const int8_t *b = typed_data(env, argv[4], napi_int8_array, "Int8Array", (size_t)(n * k), "B");
  if (!b) return NULL;
  int32_t *c = (int32_t *)typed_data(env, argv[5], napi_int32_array, "Int32Array", (size_t)(m * n), "C");
  if (!c) return NULL;
  if (m == 0 || n == 0) return NULL;
#ifdef HAVE_VNNI_KERNEL
  if (!igemm_vnni(m, n, k, a, b, c)) napi_throw_error(env, NULL, "eggroll_blas.igemm: out of memory");
#endif
  return NULL;
}

static napi_value igemm_supported(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  CHECK(napi_get_boolean(env, vnni_supported(), &r));
  return r;
}

static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t n;
  if (argc < 1 || !get_i(env, argv[0], &n) || n < 1) {
    napi_throw_range_error(env, NULL, "eggroll_blas.setThreads(n): n must be an integer >= 1");
    return NULL;
  }
  openblas_set_num_threads((int)n);
  return NULL;
}

static napi_value get_threads(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  CHECK(napi_create_int32(env, openblas_get_num_threads(), &r));
  return r;
}

static napi_value config(napi_env env, napi_callback_info info) {
  (void)info;
  char buf[256];
  snprintf(buf, sizeof buf, "%s (core %s)", openblas_get_config(), openblas_get_corename());
  napi_value r;
  CHECK(napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &r));
  return r;
}

static napi_value init(napi_env env, napi_value exports) {
  /* The main thread loads the addon first, so the CPU check is cached before any worker thread uses it. */
  (void)vnni_supported();
  napi_property_descriptor props[] = {
    {"sgemm", NULL, sgemm, NULL, NULL, NULL, napi_default, NULL},
    {"sgemv", NULL, sgemv, NULL, NULL, NULL, napi_default, NULL},
    {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
    {"getThreads", NULL, get_threads, NULL, NULL, NULL, napi_default, NULL},
    {"config", NULL, config, NULL, NULL, NULL, napi_default, NULL},
    {"igemm", NULL, igemm, NULL, NULL, NULL, napi_default, NULL},
    {"igemmSupported", NULL, igemm_supported, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
