// Run-time choice between a loop compiled for AVX2+FMA and the same loop for the baseline.
#ifndef CK_CPU_H
#define CK_CPU_H
#if defined(__x86_64__) || defined(__i386__)
#define CK_X86 1
static inline int ck_cpu_has_avx2_fma(void) {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#define CK_AVX2 __attribute__((target("avx2,fma")))
#else
static inline int ck_cpu_has_avx2_fma(void) { return 0; }
#endif
#endif
