// Per-thread heap allocation counts. The shim interposes malloc and friends (forwarding to
// glibc's __libc_* entry points) and counts calls in a thread-local counter, so a pipeline
// thread can prove its steady-state loop allocates nothing.
#ifndef VW_ALLOC_H
#define VW_ALLOC_H
#include <stdint.h>

/// Allocation calls (malloc, calloc, realloc, memalign family) made by the calling thread.
uint64_t vw_thread_allocations(void);
/// 1 when the interposer is active in this process (it is unless another malloc won).
int vw_allocation_counting_active(void);
/// With the environment variable VW_ALLOC_TRACE set, `on` != 0 makes every later allocation by
/// the calling thread print a backtrace to stderr (to find who allocates in a hot path).
void vw_allocation_trace(int on);
#endif
