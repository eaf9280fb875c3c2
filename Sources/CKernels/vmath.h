// Vectorisable exp (Cody–Waite range reduction and a degree-6 polynomial, as in Cephes' expf):
// exp(x) = 2^n · exp(r), n = round(x / ln 2), r = x − n ln 2, |r| ≤ ln 2 / 2. Written without
// calls or branches so that loops calling it vectorise. Accurate to about 2 ulp.
// Shared by exp.c (exp, sigmoid) and the GEMM epilogue, so a fused sigmoid is bit-identical
// to the unfused one.
#ifndef CK_VMATH_H
#define CK_VMATH_H

#include <stdint.h>
#include <string.h>

static inline float ck_exp_approx(float x) {
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

/// σ(x) = 1 / (1 + e⁻ˣ)
static inline float ck_sigmoid_approx(float x) { return 1.0f / (1.0f + ck_exp_approx(-x)); }

#endif
