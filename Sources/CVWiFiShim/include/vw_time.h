// Time-stamp counter reads. Inline so that a stamp costs the instruction, not a call.
#ifndef VW_TIME_H
#define VW_TIME_H
#include <stdint.h>

/// Unfenced RDTSC: cheapest, may be reordered with neighbouring loads.
static inline __attribute__((always_inline)) uint64_t vw_rdtsc(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/// LFENCE; RDTSC: earlier instructions complete before the read (start of a region).
static inline __attribute__((always_inline)) uint64_t vw_rdtsc_fenced(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

/// RDTSCP: waits for earlier instructions; `aux` receives IA32_TSC_AUX (CPU id on Linux).
static inline __attribute__((always_inline)) uint64_t vw_rdtscp(uint32_t *aux) {
    uint32_t lo, hi, c;
    __asm__ __volatile__("rdtscp" : "=a"(lo), "=d"(hi), "=c"(c) :: "memory");
    if (aux) *aux = c;
    return ((uint64_t)hi << 32) | lo;
}

/// RDTSCP; LFENCE: end of a region, later instructions cannot start before the read.
static inline __attribute__((always_inline)) uint64_t vw_rdtscp_fenced(void) {
    uint32_t lo, hi, c;
    __asm__ __volatile__("rdtscp\n\tlfence" : "=a"(lo), "=d"(hi), "=c"(c) :: "memory");
    (void)c;
    return ((uint64_t)hi << 32) | lo;
}

/// Spin-loop hint for bounded spins.
static inline __attribute__((always_inline)) void vw_cpu_relax(void) {
    __asm__ __volatile__("pause" ::: "memory");
}

/// Full compiler barrier (no instruction): keeps stores in program order for the compiler.
static inline __attribute__((always_inline)) void vw_compiler_barrier(void) {
    __asm__ __volatile__("" ::: "memory");
}

/// CPUID leaf/subleaf.
static inline void vw_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]) {
    __asm__ __volatile__("cpuid" : "=a"(regs[0]), "=b"(regs[1]), "=c"(regs[2]), "=d"(regs[3])
                         : "a"(leaf), "c"(subleaf));
}
#endif
