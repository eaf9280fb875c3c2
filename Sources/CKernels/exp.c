// Vectorised exp and sigmoid over arrays (the scalar functions are in vmath.h): plain loops
// that the compiler vectorises, compiled once for AVX2+FMA and once for the baseline, chosen
// at run time.
#include "CKernels.h"

#include "cpu.h"
#include "vmath.h"

#define CK_DEFINE_LOOPS(suffix, attribute)                                              \
    attribute static void exp_loop_##suffix(const float *x, float *y, ptrdiff_t n) {    \
        for (ptrdiff_t i = 0; i < n; i++) y[i] = ck_exp_approx(x[i]);                   \
    }                                                                                   \
    attribute static void sigmoid_loop_##suffix(const float *x, float *y, ptrdiff_t n) {\
        for (ptrdiff_t i = 0; i < n; i++) y[i] = ck_sigmoid_approx(x[i]);               \
    }

CK_DEFINE_LOOPS(portable, )
#if defined(CK_X86)
CK_DEFINE_LOOPS(avx2, CK_AVX2)
#endif

void ck_exp(const float *x, float *y, ptrdiff_t n) {
#if defined(CK_X86)
    if (ck_cpu_has_avx2_fma()) { exp_loop_avx2(x, y, n); return; }
#endif
    exp_loop_portable(x, y, n);
}

void ck_sigmoid(const float *x, float *y, ptrdiff_t n) {
#if defined(CK_X86)
    if (ck_cpu_has_avx2_fma()) { sigmoid_loop_avx2(x, y, n); return; }
#endif
    sigmoid_loop_portable(x, y, n);
}
