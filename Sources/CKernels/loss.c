// The squared error's one sweep: the differences, kept for the backward pass, and the sum of
// their squares. Products are rounded to float (as d*d in float) and summed in double over
// eight interleaved partial sums, added up in a fixed order, so the sum vectorises and is the
// same on every CPU and for every thread count.
#include "CKernels.h"

#include "cpu.h"

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

CK_DEFINE_SQUARED_DIFFERENCE(portable, )
#if defined(CK_X86)
CK_DEFINE_SQUARED_DIFFERENCE(avx2, CK_AVX2)
#endif

double ck_squared_difference(const float *p, const float *t, float *d, ptrdiff_t n) {
#if defined(CK_X86)
    if (ck_cpu_has_avx2_fma()) return squared_difference_avx2(p, t, d, n);
#endif
    return squared_difference_portable(p, t, d, n);
}
