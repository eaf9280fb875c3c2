// A dense layer's bias and activation, fused: the forward pass runs as the matrix multiply's
// epilogue (on the block of C each thread has just computed, while it is in cache), and the
// backward pass is one sweep that also sums the bias gradient.
//
//   forward   z = x·W + b,  y = act(z)                      (act: identity, ReLU or sigmoid)
//   backward  ∂z = ∂y ⊙ act'(z),  ∂b = Σ_rows ∂z
//             ReLU: act'(z) = [y > 0];  sigmoid: act'(z) = y(1 − y);  identity: 1
//
// The arithmetic is that of the unfused operations (Tensor.relu, ck_sigmoid, sum over rows in
// row order), so fusing changes no bit of the result.
#include "CKernels.h"

#include "cpu.h"
#include "vmath.h"

#define CK_DEFINE_ACTIVATION(suffix, attribute)                                                   \
    attribute static void forward_##suffix(float *y, ptrdiff_t ld, int m0, int m1, int n0, int n1, \
                                           const float *bias, int activation) {                    \
        for (int i = m0; i < m1; i++) {                                                          \
            float *row = y + i * ld;                                                             \
            if (bias)                                                                            \
                for (int j = n0; j < n1; j++) row[j] += bias[j];                                 \
            if (activation == CK_ACTIVATION_RELU)                                                \
                for (int j = n0; j < n1; j++) row[j] = row[j] <= 0.0f ? 0.0f : row[j]; /* NaN stays */\
            else if (activation == CK_ACTIVATION_SIGMOID)                                        \
                for (int j = n0; j < n1; j++) row[j] = ck_sigmoid_approx(row[j]);                \
        }                                                                                        \
    }                                                                                            \
    attribute static void pullback_##suffix(const float *g, const float *y, float *gz, ptrdiff_t ld, \
                                            int rows, int n0, int n1, int activation, float *gbias) { \
        if (gbias)                                                                               \
            for (int j = n0; j < n1; j++) gbias[j] = 0.0f;                                       \
        for (int i = 0; i < rows; i++) {                                                         \
            const float *gi = g + i * ld, *yi = y + i * ld;                                      \
            float *zi = gz + i * ld;                                                             \
            if (activation == CK_ACTIVATION_RELU)                                                \
                for (int j = n0; j < n1; j++) zi[j] = yi[j] > 0.0f ? gi[j] : 0.0f;               \
            else if (activation == CK_ACTIVATION_SIGMOID)                                        \
                for (int j = n0; j < n1; j++) zi[j] = gi[j] * yi[j] * (1.0f - yi[j]);            \
            else                                                                                 \
                for (int j = n0; j < n1; j++) zi[j] = gi[j];                                     \
            if (gbias)                                                                           \
                for (int j = n0; j < n1; j++) gbias[j] += zi[j];                                 \
        }                                                                                        \
    }

CK_DEFINE_ACTIVATION(portable, )
#if defined(CK_X86)
CK_DEFINE_ACTIVATION(avx2, CK_AVX2)
#endif

void ck_bias_activation(float *y, ptrdiff_t ld, int m0, int m1, int n0, int n1,
                        const float *bias, int activation) {
#if defined(CK_X86)
    if (ck_cpu_has_avx2_fma()) { forward_avx2(y, ld, m0, m1, n0, n1, bias, activation); return; }
#endif
    forward_portable(y, ld, m0, m1, n0, n1, bias, activation);
}

void ck_bias_activation_pullback(const float *g, const float *y, float *gz, ptrdiff_t ld,
                                 int rows, int n0, int n1, int activation, float *gbias) {
#if defined(CK_X86)
    if (ck_cpu_has_avx2_fma()) { pullback_avx2(g, y, gz, ld, rows, n0, n1, activation, gbias); return; }
#endif
    pullback_portable(g, y, gz, ld, rows, n0, n1, activation, gbias);
}
