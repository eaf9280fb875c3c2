// Keeps the arrays of a training step on the heap.
//
// glibc's malloc hands out any block above its mmap threshold (128 KiB at start, raised only
// as large blocks are freed) as fresh pages from the kernel and returns them on free, so every
// activation or gradient of a few hundred KiB would be zero-filled by page faults on every step.
// Raising the threshold once, at load time, makes such blocks reusable heap memory; blocks
// above 32 MiB (a whole dataset) are still mapped and unmapped as before.
#include <stdlib.h>  // defines __GLIBC__ on glibc
#if defined(__GLIBC__)
#include <malloc.h>

__attribute__((constructor, used, retain)) static void ck_keep_training_arrays_on_heap(void) {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
}
#endif
