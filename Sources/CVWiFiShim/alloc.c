// malloc interposer: counts allocation calls per thread and forwards to glibc. Defined in the
// executable, these symbols take precedence over libc's for every caller in the process.
#define _GNU_SOURCE
#include "vw_alloc.h"
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <malloc.h>
#include <execinfo.h>
#include <unistd.h>

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
void vw_allocation_trace(int on) { (void)on; }
#else

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);

static __thread uint64_t allocations __attribute__((tls_model("initial-exec")));
static __thread int tracing __attribute__((tls_model("initial-exec")));
static __thread int in_trace __attribute__((tls_model("initial-exec")));
static volatile int interposed;

uint64_t vw_thread_allocations(void) { return allocations; }

void vw_allocation_trace(int on) {
    // getenv allocates nothing; the variable is read when a measured region starts.
    tracing = on && getenv("VW_ALLOC_TRACE") != NULL;
}

// Prints who allocated (mangled Swift symbols: pipe through swift-demangle). The guard keeps
// backtrace()'s own first-call allocations from recursing.
static void trace(void) {
    if (!tracing || in_trace) return;
    in_trace = 1;
    void *frames[24];
    int n = backtrace(frames, 24);
    static const char banner[] = "vw-alloc-trace: allocation in a measured region:\n";
    (void)!write(2, banner, sizeof banner - 1);
    backtrace_symbols_fd(frames, n, 2);
    in_trace = 0;
}

int vw_allocation_counting_active(void) {
    interposed = 0;
    void *p = malloc(1);  // goes through ours if we won the symbol
    free(p);
    return interposed;
}

void *malloc(size_t n) { allocations++; trace(); interposed = 1; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { allocations++; trace(); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { allocations++; trace(); return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }
void *memalign(size_t a, size_t n) { allocations++; trace(); return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { allocations++; trace(); return __libc_memalign(a, n); }
void *valloc(size_t n) { allocations++; trace(); return __libc_valloc(n); }
void *pvalloc(size_t n) { allocations++; trace(); return __libc_pvalloc(n); }
int posix_memalign(void **out, size_t a, size_t n) {
    allocations++;
    trace();
    if (a < sizeof(void *) || (a & (a - 1)) != 0) return EINVAL;
    void *p = __libc_memalign(a, n);
    if (!p && n) return ENOMEM;
    *out = p;
    return 0;
}
#endif  // VW_ALLOC_SANITIZED
