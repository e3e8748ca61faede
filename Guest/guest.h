/*
 * guest.h - what every part of the guest program shares: the mailbox register, the few
 * instructions C cannot express (rdtsc, out, crc32, pause), and the section the ISR lives in.
 *
 * Freestanding: no libc, no floating point or SIMD (-mgeneral-regs-only), so the ISR stub
 * only saves the general registers and the flags.
 */
#ifndef GUEST_H
#define GUEST_H
#include "mailbox.h"

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;

/* r15 holds the mailbox GPA for the whole run (set by the host, reserved with -ffixed-r15):
   the host enters the ISR at any instruction and pushes only the interrupted RIP. */
register u64 mailbox_base asm("r15");

static inline volatile u64 *mb(u64 offset) { return (volatile u64 *)(mailbox_base + offset); }
static inline u64 mbget(u64 offset) { return *mb(offset); }
static inline void mbset(u64 offset, u64 value) { *mb(offset) = value; }
static inline void mbinc(u64 offset) { *mb(offset) = *mb(offset) + 1; }

static inline volatile u8 *at(u64 gpa) { return (volatile u8 *)gpa; }
static inline volatile u16 *at16(u64 gpa) { return (volatile u16 *)gpa; }
static inline volatile u32 *at32(u64 gpa) { return (volatile u32 *)gpa; }
static inline volatile u64 *at64(u64 gpa) { return (volatile u64 *)gpa; }

/* The TSC. The memory clobber keeps stamps where the source puts them relative to the
   stores they bracket (the doorbell store, a descriptor's publication). */
static inline __attribute__((always_inline)) u64 rdtsc(void) {
    u32 lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((u64)hi << 32) | lo;
}

static inline __attribute__((always_inline)) void lfence(void) { __asm__ volatile("lfence" : : : "memory"); }
static inline __attribute__((always_inline)) void cpu_pause(void) { __asm__ volatile("pause" : : : "memory"); }

/* A port write: a PIO exit to the host's run loop. */
static inline __attribute__((always_inline)) void out32(u64 port_offset, u32 value) {
    u16 port = (u16)(mbget(MB_PORT_BASE) + port_offset);
    __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline __attribute__((always_inline)) void out8(u64 port_offset, u8 value) {
    u16 port = (u16)(mbget(MB_PORT_BASE) + port_offset);
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

/* CRC-32C steps (SSE4.2's crc32 instruction works on general registers). */
static inline __attribute__((always_inline)) u32 crc32c_u8(u32 crc, u8 value) {
    __asm__("crc32b %1, %0" : "+r"(crc) : "rm"(value));
    return crc;
}

static inline __attribute__((always_inline)) u32 crc32c_u64(u32 crc, u64 value) {
    u64 c = crc;
    __asm__("crc32q %1, %0" : "+r"(c) : "rm"(value));
    return (u32)c;
}

/* Finished: OUT to the done port, forever (the host stops entering the guest). */
__attribute__((noreturn)) void finished(void);
/* A bad parameter: its code on the error port, forever. */
__attribute__((noreturn)) void fail(u32 code);

/* The interrupt service routine's body: acknowledge, reclaim TX, take RX completions. Called
   by the ISR stub and by the main loop when it finds an interrupt pending; it and everything
   it calls lie in [isr_start, isr_end), so the host never enters it twice. */
#define ISR_SECTION __attribute__((section(".isr"), noinline))
ISR_SECTION void isr_body(void);
/* Posts every RX buffer on the RX free ring (once, at start). */
ISR_SECTION void rx_post_all(void);

/* The stamp record of packet seq. */
static inline __attribute__((always_inline)) u64 stamp_record(u64 seq) {
    return mbget(MB_STAMP_AREA) + ((seq & (mbget(MB_STAMP_CAPACITY) - 1)) << ST_SHIFT);
}

static inline __attribute__((always_inline)) int power_of_two(u64 x) { return x != 0 && (x & (x - 1)) == 0; }

#endif
