// Vectorisable exp and sigmoid (Cody–Waite range reduction and a degree-6 polynomial, as in
// Cephes' expf): exp(x) = 2^n · exp(r), n = round(x / ln 2), r = x − n ln 2, |r| ≤ ln 2 / 2.
// Written as plain loops without calls so the compiler vectorises them; compiled once for
// AVX2+FMA and once for the baseline, chosen at run time. Accurate to about 2 ulp.
#include "CKernels.h"

#include <stdint.h>
#include <string.h>

#include "cpu.h"

static inline float exp_approx(float x) {
    const float hi = 88.3762626647949f, lo = -87.3365447505531f;
    float clamped = x > hi ? hi : (x < lo ? lo : x);
    const float shifter = 12582912.0f;  // 1.5·2^23: adding it rounds to an integer
    float t = clamped * 1.44269504088896341f + shifter;
    float n = t - shifter;
    float r = clamped - n * 0.693359375f;
    r = r + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    float y = p * scale;
    y = x > 88.72283935546875f ? __builtin_inff() : y;
    return x != x ? x : y;
}

#define CK_DEFINE_LOOPS(suffix, attribute)                                              \
    attribute static void exp_loop_##suffix(const float *x, float *y, ptrdiff_t n) {    \
        for (ptrdiff_t i = 0; i < n; i++) y[i] = exp_approx(x[i]);                      \
    }                                                                                   \
    attribute static void sigmoid_loop_##suffix(const float *x, float *y, ptrdiff_t n) {\
        for (ptrdiff_t i = 0; i < n; i++) y[i] = 1.0f / (1.0f + exp_approx(-x[i]));     \
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
