// malloc interposer: counts allocation calls per thread and forwards to glibc. Defined in the
// executable, these symbols take precedence over libc's for every caller in the process.
#define _GNU_SOURCE
#include "vw_alloc.h"
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <malloc.h>

// Sanitizers (ASan, TSan) interpose malloc themselves; ours would bypass their allocator and
// crash at start-up. Under a sanitizer the counter stays off and results list no allocations.
#if defined(__has_feature)
#  if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#    define VW_ALLOC_SANITIZED 1
#  endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#  define VW_ALLOC_SANITIZED 1
#endif

#ifdef VW_ALLOC_SANITIZED
uint64_t vw_thread_allocations(void) { return 0; }
int vw_allocation_counting_active(void) { return 0; }
#else

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);

static __thread uint64_t allocations __attribute__((tls_model("initial-exec")));
static volatile int interposed;

uint64_t vw_thread_allocations(void) { return allocations; }

int vw_allocation_counting_active(void) {
    interposed = 0;
    void *p = malloc(1);  // goes through ours if we won the symbol
    free(p);
    return interposed;
}

void *malloc(size_t n) { allocations++; interposed = 1; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { allocations++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { allocations++; return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }
void *memalign(size_t a, size_t n) { allocations++; return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { allocations++; return __libc_memalign(a, n); }
void *valloc(size_t n) { allocations++; return __libc_valloc(n); }
void *pvalloc(size_t n) { allocations++; return __libc_pvalloc(n); }
int posix_memalign(void **out, size_t a, size_t n) {
    allocations++;
    if (a < sizeof(void *) || (a & (a - 1)) != 0) return EINVAL;
    void *p = __libc_memalign(a, n);
    if (!p && n) return ENOMEM;
    *out = p;
    return 0;
}
#endif  // VW_ALLOC_SANITIZED
