// Keeps the kit's arrays on the heap.
//
// glibc's malloc hands out any block above its mmap threshold (128 KiB at start, raised only
// as large blocks are freed, to 32 MiB at most) as fresh pages from the kernel and returns them
// on free. Every such block is then zero-filled by page faults each time it is made: an
// activation or gradient of a few hundred KiB on every training step, and a dataset-sized
// temporary (x.squared() of 60,000 × 784 pixels, 188 MB) on every call — measured at 90 ms for
// that one, of which 12 ms is the arithmetic. So, once at load time:
//   - no block is mapped on its own (M_MMAP_MAX = 0): every block comes from the heap, and a
//     freed one is reused by the next block of its size without touching the kernel;
//   - the heap gives memory back to the kernel only when more than 512 MiB lies free at its top.
// What a run has freed stays with it (up to 512 MiB at the heap's top) until it ends, so its
// resident memory is higher: the bench's peak went from 462 to 521 MiB. A thread's own arena
// cannot grow past 64 MiB, so its larger blocks are still mapped.
#include <stdlib.h>  // defines __GLIBC__ on glibc
#if defined(__GLIBC__)
#include <malloc.h>

__attribute__((constructor, used, retain)) static void ck_keep_arrays_on_heap(void) {
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
}
#endif
