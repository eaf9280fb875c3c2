// Run-time choice between a loop compiled for AVX-512 or AVX2+FMA and the same loop for the baseline.
#ifndef CK_CPU_H
#define CK_CPU_H
#if defined(__x86_64__) || defined(__i386__)
#define CK_X86 1
static inline int ck_cpu_has_avx2_fma(void) {
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#define CK_AVX2 __attribute__((target("avx2,fma")))
/// AVX-512 F (512-bit registers, 32 of them); chosen for the matrix multiply only.
static inline int ck_cpu_has_avx512(void) {
    return ck_cpu_has_avx2_fma() && __builtin_cpu_supports("avx512f");
}
#define CK_AVX512 __attribute__((target("avx512f,avx2,fma")))
#else
static inline int ck_cpu_has_avx2_fma(void) { return 0; }
static inline int ck_cpu_has_avx512(void) { return 0; }
#endif
#endif
