// The Adam update as one vectorised pass over a parameter tensor (Kingma & Ba, 2015):
//   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,   θ ← θ − η (m / c₁) / (√(v / c₂) + ε)
// with c₁ = 1 − β₁ᵗ and c₂ = 1 − β₂ᵗ precomputed by the caller.
#include "CKernels.h"
#include "cpu.h"
#include <math.h>

#define CK_ADAM_LOOP(name, attribute)                                                            \
    attribute static void name(float *restrict theta, float *restrict m, float *restrict v,     \
                               const float *restrict g, ptrdiff_t n,                          \
                               float lr, float b1, float b2, float c1, float c2, float eps) {  \
        for (ptrdiff_t i = 0; i < n; i++) {                                                     \
            m[i] = b1 * m[i] + (1 - b1) * g[i];                                                 \
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];                                          \
            theta[i] -= lr * (m[i] / c1) / (sqrtf(v[i] / c2) + eps);                            \
        }                                                                                       \
    }

CK_ADAM_LOOP(adam_portable, )
#if defined(CK_X86)
CK_ADAM_LOOP(adam_avx2, CK_AVX2)
#endif

void ck_adam_update(float *theta, float *m, float *v, const float *g, ptrdiff_t n,
                    float lr, float b1, float b2, float c1, float c2, float eps) {
#if defined(CK_X86)
    if (ck_cpu_has_avx2_fma()) { adam_avx2(theta, m, v, g, n, lr, b1, b2, c1, c2, eps); return; }
#endif
    adam_portable(theta, m, v, g, n, lr, b1, b2, c1, c2, eps);
}
