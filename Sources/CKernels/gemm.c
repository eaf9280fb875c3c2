// Packed single-precision matrix multiply (after Goto & van de Geijn, "Anatomy of
// high-performance matrix multiplication", 2008, and the BLIS micro-kernel design).
//
// Shape legend: C is M×N, op(A) is M×K, op(B) is K×N.
//   jc loop: columns of C in blocks of NC   (a packed KC×NC block of B lives in L3)
//   pc loop: k in blocks of KC              (each C element gets one add per block)
//   ic loop: rows of C in blocks of MC      (a packed MC×KC block of A lives in L2)
//   jr, ir:  MR×NR tiles, one micro-kernel call each (MR×NR accumulators in registers)
#include "CKernels.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#if defined(CK_X86)
#include <immintrin.h>
#endif

enum { MR = 6, NR = 16, KC = 256, MC = 96, NC = 2048 };

const char *ck_sgemm_kernel_name(void) {
    return ck_cpu_has_avx2_fma() ? "avx2+fma 6x16" : "portable 6x16";
}

static int round_up(int x, int m) { return (x + m - 1) / m * m; }
static int min_int(int a, int b) { return a < b ? a : b; }

/// The micro-kernel: one MR×NR tile of C, acc = Σ_p a[p]·b[p] over a packed A and B
/// micro-panel, then C = acc (accumulate == 0) or C = C + acc (accumulate == 1).
static void kernel_portable(int kc, const float *a, const float *b, float *c, ptrdiff_t ldc, int accumulate) {
    float acc[MR][NR] = {{0}};
    for (int p = 0; p < kc; p++, a += MR, b += NR)
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j++) acc[i][j] += a[i] * b[j];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) c[i * ldc + j] = accumulate ? c[i * ldc + j] + acc[i][j] : acc[i][j];
}

#if defined(CK_X86)
CK_AVX2
static void kernel_avx2(int kc, const float *a, const float *b, float *c, ptrdiff_t ldc, int accumulate) {
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    for (int p = 0; p < kc; p++, a += MR, b += NR) {
        __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8), ai;
        ai = _mm256_broadcast_ss(a + 0); c00 = _mm256_fmadd_ps(ai, b0, c00); c01 = _mm256_fmadd_ps(ai, b1, c01);
        ai = _mm256_broadcast_ss(a + 1); c10 = _mm256_fmadd_ps(ai, b0, c10); c11 = _mm256_fmadd_ps(ai, b1, c11);
        ai = _mm256_broadcast_ss(a + 2); c20 = _mm256_fmadd_ps(ai, b0, c20); c21 = _mm256_fmadd_ps(ai, b1, c21);
        ai = _mm256_broadcast_ss(a + 3); c30 = _mm256_fmadd_ps(ai, b0, c30); c31 = _mm256_fmadd_ps(ai, b1, c31);
        ai = _mm256_broadcast_ss(a + 4); c40 = _mm256_fmadd_ps(ai, b0, c40); c41 = _mm256_fmadd_ps(ai, b1, c41);
        ai = _mm256_broadcast_ss(a + 5); c50 = _mm256_fmadd_ps(ai, b0, c50); c51 = _mm256_fmadd_ps(ai, b1, c51);
    }
#define CK_STORE_ROW(i, lo, hi)                                                          \
    if (accumulate) {                                                                    \
        lo = _mm256_add_ps(_mm256_loadu_ps(c + (i) * ldc), lo);                          \
        hi = _mm256_add_ps(_mm256_loadu_ps(c + (i) * ldc + 8), hi);                      \
    }                                                                                    \
    _mm256_storeu_ps(c + (i) * ldc, lo);                                                 \
    _mm256_storeu_ps(c + (i) * ldc + 8, hi);
    CK_STORE_ROW(0, c00, c01) CK_STORE_ROW(1, c10, c11) CK_STORE_ROW(2, c20, c21)
    CK_STORE_ROW(3, c30, c31) CK_STORE_ROW(4, c40, c41) CK_STORE_ROW(5, c50, c51)
#undef CK_STORE_ROW
}
#endif

/// Packs rows [i0, i0+mc) × k [p0, p0+kc) of op(A) into MR-row micro-panels, zero-padded.
/// Full panels take a loop that walks memory contiguously for either layout of A.
static void pack_a(int mc, int kc, const float *A, ptrdiff_t rsA, ptrdiff_t csA,
                   int i0, int p0, int iEnd, float *dst) {
    for (int ir = 0; ir < mc; ir += MR, dst += MR * kc) {
        int rows = min_int(MR, iEnd - (i0 + ir));
        const float *src = A + (i0 + ir) * rsA + p0 * csA;
        if (rows == MR && csA == 1) {
            for (int i = 0; i < MR; i++)
                for (int p = 0; p < kc; p++) dst[p * MR + i] = src[i * rsA + p];
        } else if (rows == MR && rsA == 1) {
            for (int p = 0; p < kc; p++) memcpy(dst + p * MR, src + p * csA, sizeof(float) * MR);
        } else {
            for (int p = 0; p < kc; p++)
                for (int i = 0; i < MR; i++) dst[p * MR + i] = i < rows ? src[i * rsA + p * csA] : 0.0f;
        }
    }
}

/// Packs k [p0, p0+kc) × columns [j0, j0+nc) of op(B) into NR-column micro-panels.
static void pack_b(int kc, int nc, const float *B, ptrdiff_t rsB, ptrdiff_t csB,
                   int p0, int j0, int jEnd, float *dst) {
    for (int jr = 0; jr < nc; jr += NR, dst += NR * kc) {
        int cols = min_int(NR, jEnd - (j0 + jr));
        const float *src = B + p0 * rsB + (j0 + jr) * csB;
        if (cols == NR && csB == 1) {
            for (int p = 0; p < kc; p++) memcpy(dst + p * NR, src + p * rsB, sizeof(float) * NR);
        } else if (cols == NR && rsB == 1) {
            for (int j = 0; j < NR; j++)
                for (int p = 0; p < kc; p++) dst[p * NR + j] = src[j * csB + p];
        } else {
            for (int p = 0; p < kc; p++)
                for (int j = 0; j < NR; j++) dst[p * NR + j] = j < cols ? src[p * rsB + j * csB] : 0.0f;
        }
    }
}

void ck_sgemm_block(int M, int N, int K,
                    const float *A, ptrdiff_t rsA, ptrdiff_t csA,
                    const float *B, ptrdiff_t rsB, ptrdiff_t csB,
                    float beta, float *C, ptrdiff_t ldc,
                    int m0, int m1, int n0, int n1) {
    (void)M; (void)N;
    if (m1 <= m0 || n1 <= n0) return;
    if (K == 0) {
        if (beta == 0.0f)
            for (int i = m0; i < m1; i++) memset(C + i * ldc + n0, 0, sizeof(float) * (size_t)(n1 - n0));
        return;
    }
    void (*kernel)(int, const float *, const float *, float *, ptrdiff_t, int) = kernel_portable;
#if defined(CK_X86)
    if (ck_cpu_has_avx2_fma()) kernel = kernel_avx2;
#endif
    float *packA = aligned_alloc(64, sizeof(float) * MC * KC);
    float *packB = aligned_alloc(64, sizeof(float) * (size_t)KC * NC);
    float edge[MR * NR];
    // Equal k-blocks (e.g. 784 = 4 × 196) avoid a short last block; they depend on K only,
    // so the summation order never depends on how the caller split the work.
    int kblocks = (K + KC - 1) / KC, kcStep = (K + kblocks - 1) / kblocks;

    for (int jc = n0; jc < n1; jc += NC) {
        int nc = min_int(NC, n1 - jc);
        for (int pc = 0; pc < K; pc += kcStep) {
            int kc = min_int(kcStep, K - pc);
            int overwrite = (pc == 0 && beta == 0.0f);
            pack_b(kc, round_up(nc, NR), B, rsB, csB, pc, jc, jc + nc, packB);
            for (int ic = m0; ic < m1; ic += MC) {
                int mc = min_int(MC, m1 - ic);
                pack_a(round_up(mc, MR), kc, A, rsA, csA, ic, pc, ic + mc, packA);
                for (int jr = 0; jr < nc; jr += NR) {
                    int nr = min_int(NR, nc - jr);
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = min_int(MR, mc - ir);
                        float *c = C + (ic + ir) * ldc + jc + jr;
                        if (mr == MR && nr == NR) {
                            kernel(kc, packA + ir * kc, packB + jr * kc, c, ldc, !overwrite);
                            continue;
                        }
                        // An edge tile: the same kernel into a scratch tile, then the same add.
                        kernel(kc, packA + ir * kc, packB + jr * kc, edge, NR, 0);
                        for (int i = 0; i < mr; i++, c += ldc)
                            for (int j = 0; j < nr; j++) c[j] = overwrite ? edge[i * NR + j] : c[j] + edge[i * NR + j];
                    }
                }
            }
        }
    }
    free(packA);
    free(packB);
}
