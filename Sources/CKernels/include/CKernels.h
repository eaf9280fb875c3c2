#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>

/// Block of a single-precision matrix product, C = op(A)·op(B) + beta·C, restricted to the
/// rows [m0, m1) and columns [n0, n1) of C, so that callers can split the work over threads.
///
/// op(A) is M×K with element (i, p) at A[i*rsA + p*csA]; op(B) is K×N with element (p, j) at
/// B[p*rsB + j*csB]; a transposed operand is just swapped strides. C is row-major with
/// leading dimension ldc. beta must be 0 (overwrite) or 1 (accumulate).
///
/// Every element of C is summed over k in the same order whatever the block, so the result
/// is bit-identical however the caller splits it.
void ck_sgemm_block(int M, int N, int K,
                    const float *A, ptrdiff_t rsA, ptrdiff_t csA,
                    const float *B, ptrdiff_t rsB, ptrdiff_t csB,
                    float beta, float *C, ptrdiff_t ldc,
                    int m0, int m1, int n0, int n1);

/// The name of the micro-kernel the running CPU uses ("avx2+fma 6x16" or "portable 6x16").
const char *ck_sgemm_kernel_name(void);

/// y[i] = 1 / (1 + exp(-x[i])) for n elements, vectorised where the CPU allows.
void ck_sigmoid(const float *x, float *y, ptrdiff_t n);

/// y[i] = exp(x[i]) for n elements, vectorised where the CPU allows.
void ck_exp(const float *x, float *y, ptrdiff_t n);

/// One Adam step over n parameters (see adam.c); c1 = 1 − β₁ᵗ, c2 = 1 − β₂ᵗ.
void ck_adam_update(float *theta, float *m, float *v, const float *g, ptrdiff_t n,
                    float lr, float b1, float b2, float c1, float c2, float eps);

#endif
