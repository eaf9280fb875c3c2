#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>

/// A dense layer's activation, fused into the matrix multiply (see activation.c).
typedef enum { CK_ACTIVATION_IDENTITY = 0, CK_ACTIVATION_RELU = 1, CK_ACTIVATION_SIGMOID = 2 } ck_activation;

/// What the matrix multiply does to its block of C once the block is complete:
/// C[i, j] = activation(C[i, j] + bias[j]) (bias may be NULL).
typedef struct { const float *bias; int activation; } ck_epilogue;

/// Block of a single-precision matrix product, C = op(A)·op(B) + beta·C, restricted to the
/// rows [m0, m1) and columns [n0, n1) of C, so that callers can split the work over threads.
///
/// op(A) is M×K with element (i, p) at A[i*rsA + p*csA]; op(B) is K×N with element (p, j) at
/// B[p*rsB + j*csB]; a transposed operand is just swapped strides. C is row-major with
/// leading dimension ldc. beta must be 0 (overwrite) or 1 (accumulate).
///
/// Every element of C is summed over k in the same order whatever the block, so the result
/// is bit-identical however the caller splits it (and between the AVX-512 and AVX2 kernels).
/// A non-NULL epilogue is applied to the block afterwards.
void ck_sgemm_block(int M, int N, int K,
                    const float *A, ptrdiff_t rsA, ptrdiff_t csA,
                    const float *B, ptrdiff_t rsB, ptrdiff_t csB,
                    float beta, float *C, ptrdiff_t ldc,
                    int m0, int m1, int n0, int n1, const ck_epilogue *epilogue);

/// The same product with op(A) gathered from memory: element (i, p) of op(A) is
/// base[rowOffsets[i] + colOffsets[p]] (offsets in floats; M of them and K of them). A
/// convolution is one such product over a zero-padded image: a row per output position, a
/// column per kernel tap and channel, and no patch matrix in memory.
void ck_sgemm_gather_block(int M, int N, int K, const float *base, const ptrdiff_t *rowOffsets,
                           const ptrdiff_t *colOffsets, const float *B, ptrdiff_t rsB, ptrdiff_t csB,
                           float beta, float *C, ptrdiff_t ldc,
                           int m0, int m1, int n0, int n1, const ck_epilogue *epilogue);

/// The product of rows [m0, m1) of op(A) (M×K) and op(B) (K×N), each element (i, j) added
/// onto C[rowOffsets[i] + colOffsets[j]]: element after element in row order, so an element of
/// C that several receive gets them in the order of their rows. The adjoint of the gathered
/// product (a transposed convolution onto its padded image). Rows whose targets overlap must
/// be given to one call.
void ck_sgemm_scatter_add(int M, int N, int K, const float *A, ptrdiff_t rsA, ptrdiff_t csA,
                          const float *B, ptrdiff_t rsB, ptrdiff_t csB, float *C, const ptrdiff_t *rowOffsets,
                          const ptrdiff_t *colOffsets, int m0, int m1);

/// The length of a product's k-blocks (the last may be shorter): K in equal blocks of at most
/// 256. Each element of C is the sum, in block order, of one chain of fused multiply-adds per
/// block; a product computed block by block into separate tiles, which are then added in that
/// order, has the same bits.
int ck_sgemm_k_block(int K);

/// The name of the micro-kernel the running CPU uses for wide products ("avx512 8x32",
/// "avx2+fma 6x16" or "portable 6x16").
const char *ck_sgemm_kernel_name(void);

/// The micro-kernels a product may use: the best the CPU has, at most AVX2, or the portable one.
enum { CK_KERNEL_PORTABLE = 0, CK_KERNEL_AVX2 = 1, CK_KERNEL_BEST = 2 };

/// Limits the micro-kernels of later products (for tests that compare kernels; not thread-safe
/// against products running at the same time).
void ck_sgemm_limit_kernels(int limit);

/// The micro-kernel's tile (rows × columns) for a product N columns wide: blocks of C split on
/// these are computed whole.
void ck_sgemm_tile(int n, int *mr, int *nr);

/// y = act(y + bias) over rows [m0, m1) × columns [n0, n1) of a matrix with leading dimension
/// ld (bias may be NULL): the forward half of activation.c.
void ck_bias_activation(float *y, ptrdiff_t ld, int m0, int m1, int n0, int n1,
                        const float *bias, int activation);

/// gz = g ⊙ act'(·) from the layer's output y, over columns [n0, n1) of `rows` rows, and, when
/// gbias is not NULL, gbias[j] = Σ_i gz[i, j] summed in row order: the backward half.
void ck_bias_activation_pullback(const float *g, const float *y, float *gz, ptrdiff_t ld,
                                 int rows, int n0, int n1, int activation, float *gbias);

/// out[i] = Σ_j x[i*cols + j] for the rows [r0, r1), each summed left to right in float (the
/// plain loop's order and bits), several rows at a time.
void ck_sum_rows(const float *x, ptrdiff_t cols, ptrdiff_t r0, ptrdiff_t r1, float *out);

/// out[j] = Σ_i x[i*cols + j], each column summed top to bottom in float (the plain loop's
/// order and bits).
void ck_sum_columns(const float *x, ptrdiff_t rows, ptrdiff_t cols, float *out);

/// y[i] = 1 / (1 + exp(-x[i])) for n elements, vectorised where the CPU allows.
void ck_sigmoid(const float *x, float *y, ptrdiff_t n);

/// y[i] = exp(x[i]) for n elements, vectorised where the CPU allows.
void ck_exp(const float *x, float *y, ptrdiff_t n);

/// One Adam step over n parameters (see adam.c); c1 = 1 − β₁ᵗ, c2 = 1 − β₂ᵗ.
void ck_adam_update(float *theta, float *m, float *v, const float *g, ptrdiff_t n,
                    float lr, float b1, float b2, float c1, float c2, float eps);

/// d[i] = p[i] − t[i] for n elements; returns Σ d[i]² (each square rounded to float, summed in
/// double in a fixed order, loss.c).
double ck_squared_difference(const float *p, const float *t, float *d, ptrdiff_t n);

/// Binary cross-entropy from logits over n elements: returns Σ max(z, 0) − z·t + ln(1 + e^−|z|)
/// (summed in double in a fixed order) and writes p[i] = σ(z[i]) (loss.c).
double ck_bce_logits(const float *z, const float *t, float *p, ptrdiff_t n);

/// A task of a parallel loop: task(context, i) for one index i.
typedef void (*ck_task)(void *context, ptrdiff_t index);

/// Runs task(context, i) for every i in [0, count) on the kit's worker threads and the
/// caller, and returns when all are done (threads.c). Loops started inside a loop, or while
/// another thread's loop runs, run on their caller alone.
void ck_parallel_for(ptrdiff_t count, ck_task task, void *context);

/// The number of threads parallel loops use: the caller and its workers (all cores, at most 8).
int ck_thread_count(void);

#endif
