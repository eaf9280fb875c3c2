// Single-precision matrix multiply (after Goto & van de Geijn, "Anatomy of high-performance
// matrix multiplication", 2008, and the BLIS micro-kernel design).
//
// Shape legend: C is M×N, op(A) is M×K, op(B) is K×N.
//   jc loop: columns of C in blocks of NC   (a packed KC×NC block of B, reused by every row)
//   pc loop: k in blocks of KC              (each C element gets one add per block)
//   ir, jr:  MR×NR tiles, one micro-kernel call each (MR×NR accumulators in registers), by
//            panels of B or by row tiles of A, whichever keeps the reused operand in cache
// B is packed into NR-column panels (contiguous, aligned, zero-padded), except when C has so
// few rows that a row-major B is read in place. A is read in place through its strides, so
// neither layout of A costs a copy; only a last, partial MR-row tile is copied into a
// zero-padded panel.
//
// Every micro-kernel sums each element of C as acc = fma(a[p], b[p], acc) for p in order
// within a k-block, then C = acc (first block) or C + acc: the AVX-512 and AVX2 kernels give
// bit-identical results, whatever the tile, the block of C or the thread that computes it.
#include "CKernels.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#if defined(CK_X86)
#include <immintrin.h>
#endif

enum { KC = 256, NC = 2048, MR_MAX = 16, NR_MAX = 32 };

/// What a micro-kernel does with its tile of C: C = acc, C = C + acc, or (a k-block walked in
/// several calls) acc starts from C's values, and C = acc.
enum { STORE = 0, ADD = 1, CONTINUE = 2 };

/// acc = Σ_p op(A)[i, p]·B̃[p, j] over one k-block for an MR×NR tile, where op(A)[i, p] is at
/// a[i*rsA + p*csA] and B̃[p, j] at b[p*rsB + j] (a packed NR-column panel, rsB = NR, or rows of
/// B in place); then C = acc, C + acc, or, CONTINUE, the chain went on from C's values.
typedef void (*micro_kernel)(int kc, const float *a, ptrdiff_t rsA, ptrdiff_t csA,
                             const float *b, ptrdiff_t rsB, float *c, ptrdiff_t ldc, int mode);

static void kernel_portable(int kc, const float *a, ptrdiff_t rsA, ptrdiff_t csA,
                            const float *b, ptrdiff_t rsB, float *c, ptrdiff_t ldc, int mode) {
    enum { MR = 6, NR = 16 };
    float acc[MR][NR];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) acc[i][j] = mode == CONTINUE ? c[i * ldc + j] : 0.0f;
    for (int p = 0; p < kc; p++, a += csA, b += rsB)
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j++) acc[i][j] += a[i * rsA] * b[j];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) c[i * ldc + j] = mode == ADD ? c[i * ldc + j] + acc[i][j] : acc[i][j];
}

#if defined(CK_X86)
/// 6×16: twelve 8-wide accumulators (AVX2 has 16 registers).
CK_AVX2 static void kernel_avx2(int kc, const float *a, ptrdiff_t rsA, ptrdiff_t csA,
                                const float *b, ptrdiff_t rsB, float *c, ptrdiff_t ldc, int mode) {
    enum { MR = 6 };
    __m256 acc[MR][2];
    for (int i = 0; i < MR; i++) {
        int from = mode == CONTINUE;
        acc[i][0] = from ? _mm256_loadu_ps(c + i * ldc) : _mm256_setzero_ps();
        acc[i][1] = from ? _mm256_loadu_ps(c + i * ldc + 8) : _mm256_setzero_ps();
    }
    for (int p = 0; p < kc; p++, a += csA, b += rsB) {
        __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        for (int i = 0; i < MR; i++) {
            __m256 ai = _mm256_broadcast_ss(a + i * rsA);
            acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
        }
    }
    for (int i = 0; i < MR; i++) {
        float *ci = c + i * ldc;
        if (mode == ADD) {
            acc[i][0] = _mm256_add_ps(_mm256_loadu_ps(ci), acc[i][0]);
            acc[i][1] = _mm256_add_ps(_mm256_loadu_ps(ci + 8), acc[i][1]);
        }
        _mm256_storeu_ps(ci, acc[i][0]);
        _mm256_storeu_ps(ci + 8, acc[i][1]);
    }
}

/// A tile of `rows` rows and 16·`wide` columns (wide 1 or 2): `wide` 16-float accumulators a
/// row, at most 16 of them in all (AVX-512 has 32 registers). Inlined with constant sizes, so each
/// shape is its own fully unrolled kernel.
CK_AVX512 static inline __attribute__((always_inline)) void avx512_tile(
    const int rows, const int wide, int kc, const float *a, ptrdiff_t rsA, ptrdiff_t csA, const float *b,
    ptrdiff_t rsB, float *c, ptrdiff_t ldc, int mode) {
    __m512 acc[16][2];
    for (int i = 0; i < rows; i++)
        for (int v = 0; v < wide; v++)
            acc[i][v] = mode == CONTINUE ? _mm512_loadu_ps(c + i * ldc + 16 * v) : _mm512_setzero_ps();
    for (int p = 0; p < kc; p++, a += csA, b += rsB) {
        __m512 bv[2];
        for (int v = 0; v < wide; v++) bv[v] = _mm512_loadu_ps(b + 16 * v);
        for (int i = 0; i < rows; i++) {
            __m512 ai = _mm512_set1_ps(a[i * rsA]);
            for (int v = 0; v < wide; v++) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
        }
    }
    for (int i = 0; i < rows; i++)
        for (int v = 0; v < wide; v++) {
            float *ci = c + i * ldc + 16 * v;
            if (mode == ADD) acc[i][v] = _mm512_add_ps(_mm512_loadu_ps(ci), acc[i][v]);
            _mm512_storeu_ps(ci, acc[i][v]);
        }
}

/// A tile of 1 to 16 rows (a product's last rows, not padded to the kernel's: their sums are the
/// same bits), with a kernel compiled for each count.
CK_AVX512 static inline __attribute__((always_inline)) void avx512_short_tile(
    int rows, const int wide, int kc, const float *a, ptrdiff_t rsA, ptrdiff_t csA, const float *b, ptrdiff_t rsB,
    float *c, ptrdiff_t ldc, int mode) {
#define CK_ROWS_CASE(r) case r: avx512_tile(r, wide, kc, a, rsA, csA, b, rsB, c, ldc, mode); return;
    switch (rows) {
    CK_ROWS_CASE(1) CK_ROWS_CASE(2) CK_ROWS_CASE(3) CK_ROWS_CASE(4) CK_ROWS_CASE(5) CK_ROWS_CASE(6)
    CK_ROWS_CASE(7) CK_ROWS_CASE(8) CK_ROWS_CASE(9) CK_ROWS_CASE(10) CK_ROWS_CASE(11) CK_ROWS_CASE(12)
    CK_ROWS_CASE(13) CK_ROWS_CASE(14) CK_ROWS_CASE(15) CK_ROWS_CASE(16)
    }
#undef CK_ROWS_CASE
}

/// 8×32: sixteen 16-wide accumulators; and its last rows (fewer than 8).
CK_AVX512 static void kernel_avx512(int kc, const float *a, ptrdiff_t rsA, ptrdiff_t csA,
                                    const float *b, ptrdiff_t rsB, float *c, ptrdiff_t ldc, int mode) {
    avx512_tile(8, 2, kc, a, rsA, csA, b, rsB, c, ldc, mode);
}
CK_AVX512 static void kernel_avx512_short(int rows, int kc, const float *a, ptrdiff_t rsA, ptrdiff_t csA,
                                          const float *b, ptrdiff_t rsB, float *c, ptrdiff_t ldc, int mode) {
    avx512_short_tile(rows < 8 ? rows : 7, 2, kc, a, rsA, csA, b, rsB, c, ldc, mode);
}

/// 16×16: sixteen accumulators of one register each, for products narrower than 32 columns; and
/// its last rows (a filters' gradient has a row per tap: 9, 72, 144).
CK_AVX512 static void kernel_avx512_narrow(int kc, const float *a, ptrdiff_t rsA, ptrdiff_t csA,
                                           const float *b, ptrdiff_t rsB, float *c, ptrdiff_t ldc, int mode) {
    avx512_tile(16, 1, kc, a, rsA, csA, b, rsB, c, ldc, mode);
}
CK_AVX512 static void kernel_avx512_narrow_short(int rows, int kc, const float *a, ptrdiff_t rsA, ptrdiff_t csA,
                                                 const float *b, ptrdiff_t rsB, float *c, ptrdiff_t ldc, int mode) {
    avx512_short_tile(rows, 1, kc, a, rsA, csA, b, rsB, c, ldc, mode);
}
#endif

/// A kernel of fewer rows than mr, for a product's last rows (NULL: they are padded to mr).
typedef void (*short_kernel)(int rows, int kc, const float *a, ptrdiff_t rsA, ptrdiff_t csA,
                             const float *b, ptrdiff_t rsB, float *c, ptrdiff_t ldc, int mode);

typedef struct { const char *name; int mr, nr; micro_kernel run; short_kernel runShort; } kernel_choice;

/// The best kernel a product may use (tests lower it to compare kernels).
static _Atomic int kernelLimit = CK_KERNEL_BEST;

void ck_sgemm_limit_kernels(int limit) { kernelLimit = limit; }

/// The fastest kernel for a product N columns wide. A product narrower than 32 columns (a
/// convolution's 8 or 16 filters, k-means's distances to 10 centroids) would waste most of the
/// 8×32 tile, so it takes a 16-column one.
static kernel_choice choose_kernel(int n) {
    int limit = kernelLimit;
#if defined(CK_X86)
    if (limit >= CK_KERNEL_BEST && ck_cpu_has_avx512() && n >= 32)
        return (kernel_choice){"avx512 8x32", 8, 32, kernel_avx512, kernel_avx512_short};
    if (limit >= CK_KERNEL_BEST && ck_cpu_has_avx512())
        return (kernel_choice){"avx512 16x16", 16, 16, kernel_avx512_narrow, kernel_avx512_narrow_short};
    if (limit >= CK_KERNEL_AVX2 && ck_cpu_has_avx2_fma())
        return (kernel_choice){"avx2+fma 6x16", 6, 16, kernel_avx2, NULL};
#endif
    (void)limit;
    return (kernel_choice){"portable 6x16", 6, 16, kernel_portable, NULL};
}

const char *ck_sgemm_kernel_name(void) { return choose_kernel(NR_MAX).name; }

void ck_sgemm_tile(int n, int *mr, int *nr) {
    kernel_choice k = choose_kernel(n);
    *mr = k.mr;
    *nr = k.nr;
}

static int round_up(int x, int m) { return (x + m - 1) / m * m; }

int ck_sgemm_k_block(int K) {
    int kblocks = (K + KC - 1) / KC;
    return kblocks ? (K + kblocks - 1) / kblocks : 0;
}

/// The per-core L2 cache in bytes, as Linux reports it (sysfs), read once; 1 MiB where it says
/// nothing. It sets which loop order the product takes (see `panelOuter`), never the k-blocks,
/// so a result is the same bits on every CPU.
static size_t l2_bytes(void) {
    static _Atomic size_t cached = 0;
    size_t bytes = cached;
    if (bytes) return bytes;
    bytes = 1u << 20;
    for (int index = 0; index < 8; index++) {
        char path[96], text[32];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", index);
        FILE *f = fopen(path, "r");
        if (!f) break;
        int level = fgets(text, sizeof text, f) ? atoi(text) : 0;
        fclose(f);
        if (level != 2) continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", index);
        f = fopen(path, "r");
        if (!f) break;
        if (fgets(text, sizeof text, f)) {
            char *unit;
            long value = strtol(text, &unit, 10);
            size_t scale = *unit == 'M' ? 1u << 20 : *unit == 'K' ? 1u << 10 : 1;
            if (value > 0) bytes = (size_t)value * scale;
        }
        fclose(f);
        break;
    }
    cached = bytes;
    return bytes;
}
static int min_int(int a, int b) { return a < b ? a : b; }

/// Packs k [p0, p0+kc) × columns [j0, jEnd) of op(B) into nr-column panels, zero-padded.
static void pack_b(int kc, int nc, int nr, const float *B, ptrdiff_t rsB, ptrdiff_t csB,
                   int p0, int j0, int jEnd, float *dst) {
    for (int jr = 0; jr < nc; jr += nr, dst += nr * kc) {
        int cols = min_int(nr, jEnd - (j0 + jr));
        if (cols < 0) cols = 0;
        const float *src = B + p0 * rsB + (j0 + jr) * csB;
        if (cols == nr && csB == 1) {
            for (int p = 0; p < kc; p++) memcpy(dst + p * nr, src + p * rsB, sizeof(float) * (size_t)nr);
        } else if (csB == 1) {
            for (int p = 0; p < kc; p++) {
                for (int j = 0; j < cols; j++) dst[p * nr + j] = src[p * rsB + j];
                for (int j = cols; j < nr; j++) dst[p * nr + j] = 0.0f;
            }
        } else if (rsB == 1) {
            for (int j = 0; j < nr; j++)
                for (int p = 0; p < kc; p++) dst[p * nr + j] = j < cols ? src[j * csB + p] : 0.0f;
        } else {
            for (int p = 0; p < kc; p++)
                for (int j = 0; j < nr; j++) dst[p * nr + j] = j < cols ? src[p * rsB + j * csB] : 0.0f;
        }
    }
}

/// The last rows (fewer than mr) of a tile of op(A), copied into an mr-row panel padded with
/// zeros: element (i, p) at dst[p*mr + i].
static void pack_a_edge(int rows, int mr, int kc, const float *a, ptrdiff_t rsA, ptrdiff_t csA, float *dst) {
    for (int p = 0; p < kc; p++)
        for (int i = 0; i < mr; i++) dst[p * mr + i] = i < rows ? a[i * rsA + p * csA] : 0.0f;
}

#if defined(CK_X86)
/// A 16×16 block transposed in registers: row i of the input becomes column i.
CK_AVX512 static inline void transpose_16x16(__m512 r[16]) {
    __m512 t[16];
    for (int i = 0; i < 8; i++) {  // per 128-bit lane: pairs of rows interleaved
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; i++) {  // per 128-bit lane k: r[4i + j] holds column 4k + j of rows 4i…4i+3
        __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 2]);
        __m512d c = _mm512_castps_pd(t[4 * i + 1]), d = _mm512_castps_pd(t[4 * i + 3]);
        r[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, b));
        r[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, b));
        r[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(c, d));
        r[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(c, d));
    }
    __m512 out[16];
    for (int j = 0; j < 4; j++) {  // the four row groups' lanes gathered into whole columns
        __m512 ab02 = _mm512_shuffle_f32x4(r[j], r[4 + j], 0x88), ab13 = _mm512_shuffle_f32x4(r[j], r[4 + j], 0xdd);
        __m512 cd02 = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0x88);
        __m512 cd13 = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0xdd);
        out[j] = _mm512_shuffle_f32x4(ab02, cd02, 0x88);
        out[4 + j] = _mm512_shuffle_f32x4(ab13, cd13, 0x88);
        out[8 + j] = _mm512_shuffle_f32x4(ab02, cd02, 0xdd);
        out[12 + j] = _mm512_shuffle_f32x4(ab13, cd13, 0xdd);
    }
    for (int i = 0; i < 16; i++) r[i] = out[i];
}

/// pack_a_gather's walk along the rows for a 16-row tile, where the columns come in runs of 16
/// consecutive offsets (a convolution's taps over 16 channels): each run is 16 loads of 16 values,
/// transposed in registers and stored as 16 columns of the panel; the rest one value at a time.
CK_AVX512 static void pack_a_gather_16_rows(int kc, const float *base, const ptrdiff_t *rowOffsets,
                                            const ptrdiff_t *colOffsets, float *dst) {
    int p = 0;
    while (p < kc) {
        int run = p + 16 <= kc && colOffsets[p + 15] - colOffsets[p] == 15;
        for (int q = 1; run && q < 15; q++) run = colOffsets[p + q] == colOffsets[p] + q;
        if (run) {
            __m512 r[16];
            for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(base + rowOffsets[i] + colOffsets[p]);
            transpose_16x16(r);
            for (int q = 0; q < 16; q++) _mm512_storeu_ps(dst + (p + q) * 16, r[q]);
            p += 16;
        } else {
            for (int i = 0; i < 16; i++) dst[p * 16 + i] = base[rowOffsets[i] + colOffsets[p]];
            p += 1;
        }
    }
}
#endif

/// A tile of a gathered op(A) (element (i, p) at base[rowOffsets[i] + colOffsets[p]]), packed
/// into an mr-row panel padded with zeros: element (i, p) at dst[p*mr + i].
static void pack_a_gather(int rows, int mr, int kc, const float *base, const ptrdiff_t *rowOffsets,
                          const ptrdiff_t *colOffsets, float *dst) {
    // The inner loop walks the table whose neighbours lie closer in memory (a position's taps, or
    // a tap's channels), so that reads go forward through a few cache lines at a time.
    ptrdiff_t rowStep = rows > 1 ? rowOffsets[1] - rowOffsets[0] : PTRDIFF_MAX;
    ptrdiff_t colStep = kc > 1 ? colOffsets[1] - colOffsets[0] : PTRDIFF_MAX;
    if (colStep < 0) colStep = -colStep;
    if (rowStep < 0) rowStep = -rowStep;
    if (colStep <= rowStep) {
#if defined(CK_X86)
        if (rows == 16 && mr == 16 && ck_cpu_has_avx512()) {
            pack_a_gather_16_rows(kc, base, rowOffsets, colOffsets, dst);
            return;
        }
#endif
        for (int i = 0; i < rows; i++) {
            const float *row = base + rowOffsets[i];
            for (int p = 0; p < kc; p++) dst[p * mr + i] = row[colOffsets[p]];
        }
        for (int i = rows; i < mr; i++)
            for (int p = 0; p < kc; p++) dst[p * mr + i] = 0.0f;
    } else {
        // The tile's rows fall into runs of consecutive offsets (a filter gradient's taps: the C
        // channels under one kernel cell), each copied as a block from every column.
        int runStart[MR_MAX + 1], runs = 0;
        for (int i = 0; i < rows; i++)
            if (i == 0 || rowOffsets[i] != rowOffsets[i - 1] + 1) runStart[runs++] = i;
        runStart[runs] = rows;
        for (int p = 0; p < kc; p++) {
            const float *column = base + colOffsets[p];
            float *out = dst + p * mr;
            for (int r = 0; r < runs; r++) {
                const float *from = column + rowOffsets[runStart[r]] - runStart[r];
                for (int i = runStart[r]; i < runStart[r + 1]; i++) out[i] = from[i];
            }
            for (int i = rows; i < mr; i++) out[i] = 0.0f;
        }
    }
}


/// A buffer of at least `count` floats, 64-byte aligned, kept per thread and grown as needed
/// (so a training loop does not allocate and fault in fresh pages for every product).
static float *scratch(float **buffer, size_t *capacity, size_t count) {
    if (*capacity < count) {
        free(*buffer);
        *capacity = (count + 4095) / 4096 * 4096;
        *buffer = aligned_alloc(64, sizeof(float) * *capacity);
    }
    return *buffer;
}

/// One MR×NR tile of C from a k-block: the kernel straight into C, or for a tile cut by the
/// right edge of C, into a scratch tile and then the same add. A tile cut by the bottom edge
/// runs the kernel's short form where it has one (its A is then read in place).
static void run_tile(kernel_choice kernel, int rows, int cols, int kc, const float *a, ptrdiff_t rsA, ptrdiff_t csA,
                     const float *b, ptrdiff_t rsB, float *c, ptrdiff_t ldc, int overwrite) {
    int shortRows = rows < kernel.mr && kernel.runShort;
    if (cols == kernel.nr && (rows == kernel.mr || shortRows)) {
        if (shortRows) kernel.runShort(rows, kc, a, rsA, csA, b, rsB, c, ldc, overwrite ? STORE : ADD);
        else kernel.run(kc, a, rsA, csA, b, rsB, c, ldc, overwrite ? STORE : ADD);
        return;
    }
    float edge[MR_MAX * NR_MAX];
    if (shortRows) kernel.runShort(rows, kc, a, rsA, csA, b, rsB, edge, kernel.nr, STORE);
    else kernel.run(kc, a, rsA, csA, b, rsB, edge, kernel.nr, STORE);
    for (int i = 0; i < rows; i++, c += ldc)
        for (int j = 0; j < cols; j++) c[j] = overwrite ? edge[i * kernel.nr + j] : c[j] + edge[i * kernel.nr + j];
}

/// Few rows of C (at most two row tiles) against a B read in place that is too large for the
/// cache: k-means's update, a 10 × 60,000 one-hot matrix times 60,000 images of 784 pixels.
/// Tile after tile down its own strip of B, each k-block would be read from memory in strips
/// of 128 bytes a row — twice as slow as reading it row after row. So each k-block is walked
/// GROUP rows at a time across every tile, the tiles' accumulators kept between groups in a
/// scratch block (CONTINUE), and added to C when the k-block ends: the same chains of sums.
static void sgemm_few_rows_deep_b(kernel_choice kernel, int K, int kcStep, const float *A, ptrdiff_t rsA,
                                  ptrdiff_t csA, const float *B, ptrdiff_t rsB, float beta, float *C,
                                  ptrdiff_t ldc, int m0, int m1, int n0, int n1, float *panel, float *aEdge) {
    enum { GROUP = 8 };
    static _Thread_local float *partial;
    static _Thread_local size_t partialCapacity;
    int mr = kernel.mr, nr = kernel.nr, width = n1 - n0, np = round_up(width, nr);
    float *sums = scratch(&partial, &partialCapacity, (size_t)round_up(m1 - m0, mr) * (size_t)np);
    for (int pc = 0; pc < K; pc += kcStep) {
        int kc = min_int(kcStep, K - pc), cut = width % nr;
        // A last panel narrower than nr cannot be read in place (the kernel reads nr columns).
        if (cut) pack_b(kc, nr, nr, B, rsB, 1, pc, n1 - cut, n1, panel);
        for (int g0 = 0; g0 < kc; g0 += GROUP) {
            int g = min_int(GROUP, kc - g0), mode = g0 == 0 ? STORE : CONTINUE;
            for (int jr = 0; jr < width; jr += nr) {
                int whole = width - jr >= nr;
                const float *bTile = whole ? B + (pc + g0) * rsB + n0 + jr : panel + g0 * nr;
                ptrdiff_t bStride = whole ? rsB : nr;
                for (int ir = m0; ir < m1; ir += mr) {
                    int rows = min_int(mr, m1 - ir);
                    const float *aTile = A + ir * rsA + (pc + g0) * csA;
                    float *sumsTile = sums + (size_t)(ir - m0) * np + jr;
                    if (rows == mr) {
                        kernel.run(g, aTile, rsA, csA, bTile, bStride, sumsTile, np, mode);
                    } else if (kernel.runShort) {
                        kernel.runShort(rows, g, aTile, rsA, csA, bTile, bStride, sumsTile, np, mode);
                    } else {
                        pack_a_edge(rows, mr, g, aTile, rsA, csA, aEdge);
                        kernel.run(g, aEdge, 1, mr, bTile, bStride, sumsTile, np, mode);
                    }
                }
            }
        }
        for (int i = m0; i < m1; i++) {
            float *row = C + i * ldc + n0;
            const float *blockSums = sums + (size_t)(i - m0) * np;
            for (int j = 0; j < width; j++) row[j] = pc == 0 && beta == 0.0f ? blockSums[j] : row[j] + blockSums[j];
        }
    }
}

/// The product, with op(A) read through its strides or, when `rowOffsets` is not NULL,
/// gathered: element (i, p) at A[rowOffsets[i] + colOffsets[p]] (every tile packed).
static void sgemm_block(int N, int K, const float *A, ptrdiff_t rsA, ptrdiff_t csA, const ptrdiff_t *rowOffsets,
                        const ptrdiff_t *colOffsets, const float *B, ptrdiff_t rsB, ptrdiff_t csB, float beta,
                        float *C, ptrdiff_t ldc, int m0, int m1, int n0, int n1, const ck_epilogue *epilogue) {
    if (m1 <= m0 || n1 <= n0) return;
    if (K == 0) {
        if (beta == 0.0f)
            for (int i = m0; i < m1; i++) memset(C + i * ldc + n0, 0, sizeof(float) * (size_t)(n1 - n0));
    } else {
        static _Thread_local float *packB, *packA;
        static _Thread_local size_t packBCapacity, packACapacity;
        kernel_choice kernel = choose_kernel(N);
        int mr = kernel.mr, nr = kernel.nr;
        // Equal k-blocks (e.g. 784 = 4 × 196) avoid a short last block; they depend on K only,
        // so the summation order never depends on how the caller split the work.
        int kcStep = ck_sgemm_k_block(K);
        int ncMax = min_int(NC, round_up(n1 - n0, nr));
        float *b = scratch(&packB, &packBCapacity, (size_t)kcStep * (size_t)ncMax);
        float *a = scratch(&packA, &packACapacity, (size_t)kcStep * (size_t)mr);
        // With few rows of C, each element of B is used by one or two tiles: reading B's rows in
        // place beats copying them into panels (only a last, partial panel is still copied).
        int inPlaceB = csB == 1 && m1 - m0 <= 2 * mr;
        // A packed block of B up to a quarter of the L2 is walked one panel at a time (the panel
        // stays in L1 while every row tile uses it); a larger one row tile by row tile.
        int panelOuter = !inPlaceB && (size_t)kcStep * (size_t)ncMax * sizeof(float) <= l2_bytes() / 4;
        // A tall op(A) read in place (k-means's N×784 data against 10 centroids) would be streamed
        // from memory once per k-block, a strip of every row at a time. When all of B packs into a
        // quarter of the L2, B is packed whole and each row tile of A takes every k-block in turn,
        // so A is read once, row after row. The sums are the same, in the same order.
        int wholeB = !inPlaceB && !rowOffsets && (size_t)K * (size_t)ncMax * sizeof(float) <= l2_bytes() / 4 &&
                     (size_t)(m1 - m0) * (size_t)K * sizeof(float) > l2_bytes();
        if (wholeB) b = scratch(&packB, &packBCapacity, (size_t)K * (size_t)ncMax);
        int deepB = inPlaceB && !rowOffsets && (size_t)K * (size_t)(n1 - n0) * sizeof(float) > l2_bytes();

        // Where each row tile of op(A) is read: in place, or packed (gathered, or a partial last
        // tile for a kernel without a short form).
        #define TILE_OF_A(ir, rows, aTile, rs, cs)                                        \
            const float *aTile = A + (rowOffsets ? 0 : (ir) * rsA + pc * csA);            \
            ptrdiff_t rs = rsA, cs = csA;                                                 \
            if (rowOffsets) {                                                             \
                pack_a_gather(rows, mr, kc, A, rowOffsets + (ir), colOffsets + pc, a);    \
                aTile = a, rs = 1, cs = mr;                                               \
            } else if ((rows) < mr && !kernel.runShort) {                                 \
                pack_a_edge(rows, mr, kc, aTile, rsA, csA, a);                            \
                aTile = a, rs = 1, cs = mr;                                               \
            }
        if (deepB) {
            sgemm_few_rows_deep_b(kernel, K, kcStep, A, rsA, csA, B, rsB, beta, C, ldc, m0, m1, n0, n1, b, a);
        } else if (wholeB) {
            for (int jc = n0; jc < n1; jc += NC) {
                int nc = min_int(NC, n1 - jc), np = round_up(nc, nr);
                for (int pc = 0; pc < K; pc += kcStep)
                    pack_b(min_int(kcStep, K - pc), np, nr, B, rsB, csB, pc, jc, jc + nc, b + (size_t)pc * np);
                for (int ir = m0; ir < m1; ir += mr) {
                    int rows = min_int(mr, m1 - ir);
                    for (int pc = 0; pc < K; pc += kcStep) {
                        int kc = min_int(kcStep, K - pc);
                        TILE_OF_A(ir, rows, aTile, rs, cs)
                        for (int jr = 0; jr < nc; jr += nr)
                            run_tile(kernel, rows, min_int(nr, nc - jr), kc, aTile, rs, cs,
                                     b + (size_t)pc * np + jr * kc, nr, C + ir * ldc + jc + jr, ldc,
                                     pc == 0 && beta == 0.0f);
                    }
                }
            }
        } else {
            for (int jc = n0; jc < n1; jc += NC) {
                int nc = min_int(NC, n1 - jc);
                for (int pc = 0; pc < K; pc += kcStep) {
                    int kc = min_int(kcStep, K - pc);
                    int overwrite = (pc == 0 && beta == 0.0f);
                    if (!inPlaceB) pack_b(kc, round_up(nc, nr), nr, B, rsB, csB, pc, jc, jc + nc, b);
                    if (panelOuter) {
                        for (int jr = 0; jr < nc; jr += nr)
                            for (int ir = m0; ir < m1; ir += mr) {
                                int rows = min_int(mr, m1 - ir);
                                TILE_OF_A(ir, rows, aTile, rs, cs)
                                run_tile(kernel, rows, min_int(nr, nc - jr), kc, aTile, rs, cs, b + jr * kc, nr,
                                         C + ir * ldc + jc + jr, ldc, overwrite);
                            }
                        continue;
                    }
                    for (int ir = m0; ir < m1; ir += mr) {
                        int rows = min_int(mr, m1 - ir);
                        TILE_OF_A(ir, rows, aTile, rs, cs)
                        for (int jr = 0; jr < nc; jr += nr) {
                            int cols = min_int(nr, nc - jr);
                            const float *bPanel = b + jr * kc;
                            ptrdiff_t bStride = nr;
                            if (inPlaceB && cols == nr) {
                                bPanel = B + pc * rsB + jc + jr, bStride = rsB;
                            } else if (inPlaceB) {
                                pack_b(kc, nr, nr, B, rsB, csB, pc, jc + jr, jc + nc, b);
                                bPanel = b;
                            }
                            run_tile(kernel, rows, cols, kc, aTile, rs, cs, bPanel, bStride, C + ir * ldc + jc + jr,
                                     ldc, overwrite);
                        }
                    }
                }
            }
        }
        #undef TILE_OF_A
    }
    if (epilogue && (epilogue->bias || epilogue->activation != CK_ACTIVATION_IDENTITY))
        ck_bias_activation(C, ldc, m0, m1, n0, n1, epilogue->bias, epilogue->activation);
}

void ck_sgemm_block(int M, int N, int K,
                    const float *A, ptrdiff_t rsA, ptrdiff_t csA,
                    const float *B, ptrdiff_t rsB, ptrdiff_t csB,
                    float beta, float *C, ptrdiff_t ldc,
                    int m0, int m1, int n0, int n1, const ck_epilogue *epilogue) {
    (void)M;
    sgemm_block(N, K, A, rsA, csA, NULL, NULL, B, rsB, csB, beta, C, ldc, m0, m1, n0, n1, epilogue);
}

void ck_sgemm_gather_block(int M, int N, int K, const float *base, const ptrdiff_t *rowOffsets,
                           const ptrdiff_t *colOffsets, const float *B, ptrdiff_t rsB, ptrdiff_t csB,
                           float beta, float *C, ptrdiff_t ldc,
                           int m0, int m1, int n0, int n1, const ck_epilogue *epilogue) {
    (void)M;
    sgemm_block(N, K, base, 0, 0, rowOffsets, colOffsets, B, rsB, csB, beta, C, ldc, m0, m1, n0, n1, epilogue);
}

void ck_sgemm_scatter_add(int M, int N, int K, const float *A, ptrdiff_t rsA, ptrdiff_t csA,
                          const float *B, ptrdiff_t rsB, ptrdiff_t csB, float *C, const ptrdiff_t *rowOffsets,
                          const ptrdiff_t *colOffsets, int m0, int m1) {
    (void)M;
    if (m1 <= m0 || N <= 0 || K <= 0) return;
    static _Thread_local float *packB, *packA, *rowsOfC;
    static _Thread_local size_t packBCapacity, packACapacity, rowsOfCCapacity;
    kernel_choice kernel = choose_kernel(N);
    int mr = kernel.mr, nr = kernel.nr, np = round_up(N, nr);
    int kcStep = ck_sgemm_k_block(K);
    // All of B, packed once: k-block by k-block, each block's nr-column panels side by side.
    float *b = scratch(&packB, &packBCapacity, (size_t)K * (size_t)np);
    for (int pc = 0; pc < K; pc += kcStep)
        pack_b(min_int(kcStep, K - pc), np, nr, B, rsB, csB, pc, 0, N, b + (size_t)pc * np);
    float *a = scratch(&packA, &packACapacity, (size_t)kcStep * (size_t)mr);
    float *tile = scratch(&rowsOfC, &rowsOfCCapacity, (size_t)mr * (size_t)np);
    for (int ir = m0; ir < m1; ir += mr) {
        int rows = min_int(mr, m1 - ir);
        for (int jr = 0; jr < N; jr += nr) {
            for (int pc = 0; pc < K; pc += kcStep) {
                int kc = min_int(kcStep, K - pc);
                const float *aTile = A + ir * rsA + pc * csA;
                ptrdiff_t rs = rsA, cs = csA;
                if (rows < mr) {
                    pack_a_edge(rows, mr, kc, aTile, rsA, csA, a);
                    aTile = a, rs = 1, cs = mr;
                }
                kernel.run(kc, aTile, rs, cs, b + (size_t)pc * np + (size_t)jr * kc, nr, tile + jr, np, pc > 0);
            }
        }
        // The tile's rows whole, one after another: each element of C receives its terms in row order.
        for (int i = 0; i < rows; i++) {
            float *target = C + rowOffsets[ir + i];
            const float *row = tile + (size_t)i * np;
            for (int j = 0; j < N; j++) target[colOffsets[j]] += row[j];
        }
    }
}
