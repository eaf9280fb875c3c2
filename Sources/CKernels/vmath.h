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

/// ln x for finite x > 0 (Cephes' logf: x = 2^e·m with m ∈ [√½, √2), ln m from a degree-9
/// polynomial in m − 1, e·ln 2 added in two parts). Accurate to about 1 ulp.
static inline float ck_log_approx(float x) {
    int32_t bits;
    memcpy(&bits, &x, sizeof bits);
    float e = (float)((bits >> 23) - 126);         // x = 2^e · m, m ∈ [0.5, 1)
    bits = (bits & 0x007fffff) | 0x3f000000;
    float m;
    memcpy(&m, &bits, sizeof m);
    int small = m < 0.707106781186547524f;
    e = small ? e - 1.0f : e;
    float r = small ? m + m - 1.0f : m - 1.0f;      // r = m' − 1, m' ∈ [√½, √2)
    float z = r * r;
    float y = 7.0376836292e-2f;
    y = y * r - 1.1514610310e-1f;
    y = y * r + 1.1676998740e-1f;
    y = y * r - 1.2420140846e-1f;
    y = y * r + 1.4249322787e-1f;
    y = y * r - 1.6668057665e-1f;
    y = y * r + 2.0000714765e-1f;
    y = y * r - 2.4999993993e-1f;
    y = y * r + 3.3333331174e-1f;
    y = y * r * z;
    y = y + e * -2.12194440e-4f;
    y = y - 0.5f * z;
    return r + y + e * 0.693359375f;
}

/// ln(1 + u) for u ∈ [0, 1], accurate for small u too: with w = 1 + u rounded,
/// ln(1 + u) ≈ ln(w) · u / (w − 1) (Goldberg's correction), and u itself when w rounds to 1.
static inline float ck_log1p_approx(float u) {
    float w = 1.0f + u;
    float d = w - 1.0f;
    return d == 0.0f ? u : ck_log_approx(w) * (u / d);
}

/// σ(x) = 1 / (1 + e⁻ˣ)
static inline float ck_sigmoid_approx(float x) { return 1.0f / (1.0f + ck_exp_approx(-x)); }

#endif
