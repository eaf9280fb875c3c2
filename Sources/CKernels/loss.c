// The losses' sweeps. The squared error: the differences, kept for the backward pass, and the
// sum of their squares. Products are rounded to float (as d*d in float) and summed in double over
// eight interleaved partial sums, added up in a fixed order, so the sum vectorises and is the
// same on every CPU and for every thread count.
#include "CKernels.h"

#include "cpu.h"
#include "vmath.h"

#define CK_DEFINE_SQUARED_DIFFERENCE(suffix, attribute)                                          \
    attribute static double squared_difference_##suffix(const float *p, const float *t, float *d,   \
                                                        ptrdiff_t n) {                             \
        double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};                                                     \
        ptrdiff_t i = 0;                                                                            \
        for (; i + 8 <= n; i += 8)                                                                  \
            for (int lane = 0; lane < 8; lane++) {                                                  \
                float di = p[i + lane] - t[i + lane];                                               \
                d[i + lane] = di;                                                                   \
                s[lane] += (double)(di * di);                                                       \
            }                                                                                       \
        for (; i < n; i++) {                                                                        \
            float di = p[i] - t[i];                                                                 \
            d[i] = di;                                                                              \
            s[i % 8] += (double)(di * di);                                                          \
        }                                                                                           \
        return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));                   \
    }

// Binary cross-entropy from logits, value and the probabilities for the gradient in one sweep:
//   ℓ(z, t) = max(z, 0) − z·t + ln(1 + e^−|z|),   p = σ(z)  (so that ∂ℓ/∂z = p − t)
// with the same σ as ck_sigmoid (the gradient is bit for bit the unfused one).
static inline float bce_term(float z, float t) {
    float positive = z > 0.0f ? z : 0.0f, negativeAbs = z > 0.0f ? -z : z;
    // e^−|z| < 1.2e-38 below −87 (where ck_exp_approx stops at the smallest normal): take 0.
    float u = negativeAbs < -87.0f ? 0.0f : ck_exp_approx(negativeAbs);
    return positive - z * t + ck_log1p_approx(u);
}

// In blocks of 256: the terms and probabilities first (a loop the compiler vectorises), then
// their sum into the same eight lanes (lane i mod 8) as one long loop would use.
#define CK_DEFINE_BCE_LOGITS(suffix, attribute)                                                   \
    attribute static double bce_logits_##suffix(const float *z, const float *t, float *p, ptrdiff_t n) { \
        double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};                                                     \
        float terms[256];                                                                           \
        for (ptrdiff_t start = 0; start < n; start += 256) {                                        \
            int count = n - start < 256 ? (int)(n - start) : 256, j = 0;                            \
            for (int k = 0; k < count; k++) {                                                       \
                terms[k] = bce_term(z[start + k], t[start + k]);                                    \
                p[start + k] = ck_sigmoid_approx(z[start + k]);                                     \
            }                                                                                       \
            for (; j + 8 <= count; j += 8)                                                          \
                for (int lane = 0; lane < 8; lane++) s[lane] += (double)terms[j + lane];            \
            for (; j < count; j++) s[j % 8] += (double)terms[j];                                    \
        }                                                                                           \
        return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));                   \
    }

CK_DEFINE_SQUARED_DIFFERENCE(portable, )
#if defined(CK_X86)
CK_DEFINE_SQUARED_DIFFERENCE(avx2, CK_AVX2)
#endif

CK_DEFINE_BCE_LOGITS(portable, )
#if defined(CK_X86)
CK_DEFINE_BCE_LOGITS(avx2, CK_AVX2)
#endif

double ck_bce_logits(const float *z, const float *t, float *p, ptrdiff_t n) {
#if defined(CK_X86)
    if (ck_cpu_has_avx2_fma()) return bce_logits_avx2(z, t, p, n);
#endif
    return bce_logits_portable(z, t, p, n);
}

double ck_squared_difference(const float *p, const float *t, float *d, ptrdiff_t n) {
#if defined(CK_X86)
    if (ck_cpu_has_avx2_fma()) return squared_difference_avx2(p, t, d, n);
#endif
    return squared_difference_portable(p, t, d, n);
}
