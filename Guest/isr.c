/*
 * isr.c - the interrupt service routine: acknowledge the cause register, reclaim completed TX
 * descriptors, take RX completions (verify, count, answer pings, repost the buffer). Everything
 * here is in the .isr section, inside [isr_start, isr_end).
 *
 * The ISR only publishes monotonic counters, so the main loop can be interrupted anywhere.
 */
#include "guest.h"

static inline __attribute__((always_inline)) u32 take_cause(void) {
    u32 cause = 0;
    __asm__ volatile("xchgl %0, %1" : "+r"(cause), "+m"(*(volatile u32 *)(mailbox_base + MB_IRQ_PENDING)) : : "memory");
    return cause;
}

/* TX: every descriptor below the device's u32 completion index is done; check its status,
   stamp its reclaim. */
static inline __attribute__((always_inline)) void reclaim_tx(void) {
    u64 index_gpa = mbget(MB_COMPLETION_INDEX);
    if (index_gpa == 0) return;
    u32 completed = *at32(index_gpa);
    u64 reclaimed = mbget(MB_RECLAIMED);
    u64 ring = mbget(MB_TX_RING);
    u64 mask = mbget(MB_TX_RING_CAPACITY) - 1;
    while ((u32)reclaimed != completed) {
        u64 d = ring + RING_SLOTS + ((reclaimed & mask) << DESC_SHIFT);
        if (*at16(d + D_STATUS) != STATUS_DONE) mbinc(MB_BAD_STATUS);
        *at64(stamp_record(reclaimed) + ST_RECLAIMED) = rdtsc();
        reclaimed++;
    }
    mbset(MB_RECLAIMED, reclaimed);
}

/* Hands RX buffer `id` back to the device on the RX free ring. */
static inline __attribute__((always_inline)) void rx_post(u64 id) {
    u64 ring = mbget(MB_RX_RING);
    u32 producer = *at32(ring + RING_PRODUCER);
    u64 d = ring + RING_SLOTS + ((producer & (mbget(MB_RX_RING_CAPACITY) - 1)) << DESC_SHIFT);
    u64 stride = mbget(MB_RX_BUFFER_STRIDE);
    *at64(d + D_ADDR) = mbget(MB_RX_BUFFER_BASE) + id * stride;
    *at32(d + D_LENGTH) = (u32)stride;
    *at32(d + D_SEQ) = 0;
    *at16(d + D_FLAGS) = 0;
    *at(d + D_VMID) = (u8)mbget(MB_VM_ID);
    *at(d + D_KIND) = KIND_RX;
    *at16(d + D_STATUS) = 0;
    *at16(d + D_BUFFER_ID) = (u16)id;
    *at64(d + D_AUX) = 0;
    *at32(ring + RING_PRODUCER) = producer + 1;     /* after the descriptor (x86 store order) */
}

ISR_SECTION void rx_post_all(void) {
    u64 count = mbget(MB_RX_BUFFER_COUNT);
    for (u64 id = 0; id < count; id++) rx_post(id);
}

static inline __attribute__((always_inline)) u16 big16(volatile u8 *p) { return (u16)((p[0] << 8) | p[1]); }

/* CRC-32C of n bytes at p. */
static inline __attribute__((always_inline)) u32 crc32c(volatile u8 *p, u64 n) {
    u32 crc = 0xFFFFFFFF;
    u64 i = 0;
    for (; i < n && ((u64)(p + i) & 7) != 0; i++) crc = crc32c_u8(crc, p[i]);
    for (; i + 8 <= n; i += 8) crc = crc32c_u64(crc, *(volatile u64 *)(p + i));
    for (; i < n; i++) crc = crc32c_u8(crc, p[i]);
    return ~crc;
}

/* Seq's bit in the seen bitmap: returns 1 if it was already set. */
static inline __attribute__((always_inline)) int seen_before(u32 seq) {
    volatile u64 *word = at64(mbget(MB_RX_SEEN) + (((u64)seq / 64) & (mbget(MB_RX_SEEN_WORDS) - 1)) * 8);
    u64 bit = 1UL << (seq % 64);
    if (*word & bit) return 1;
    *word |= bit;
    return 0;
}

/* RX buffer `id` as the device named it, or 0 (counted corrupt) when it is not one this driver
   posted: nothing is read and nothing reposted. */
static inline __attribute__((always_inline)) volatile u8 *rx_buffer(u64 id) {
    if (id >= mbget(MB_RX_BUFFER_COUNT)) {
        mbinc(MB_RX_CORRUPT);
        return 0;
    }
    return at(mbget(MB_RX_BUFFER_BASE) + id * mbget(MB_RX_BUFFER_STRIDE));
}

/* One received frame (descriptor d of the completion ring): payload stamp, length and CRC-32C,
   UDP ports; fresh UDP frames are counted (and measured past the warm-up), echo replies end
   their ping (RTT into the RTT area). The buffer goes back to the device either way. */
static inline __attribute__((always_inline)) void rx_frame(u64 d) {
    u64 id = *at16(d + D_BUFFER_ID);
    volatile u8 *frame = rx_buffer(id);
    if (frame == 0) return;
    u64 stride = mbget(MB_RX_BUFFER_STRIDE);
    u64 length = *at32(d + D_LENGTH);
    u64 payload_length = length - FRAME_OVERHEAD;
    volatile u8 *payload = frame + FRAME_PAYLOAD_OFFSET;
    int ok = length >= FRAME_OVERHEAD + STAMP_BYTES && length <= stride
        && (*at16(d + D_FLAGS) & FLAG_DROPPED) == 0
        && *(volatile u32 *)(payload + 4) == (u32)payload_length
        && *(volatile u32 *)(payload + 8) == crc32c(payload + STAMP_BYTES, payload_length - STAMP_BYTES);
    u16 source = ok ? big16(frame + FRAME_UDP_SOURCE_PORT) : 0;
    u16 destination = ok ? big16(frame + FRAME_UDP_DESTINATION_PORT) : 0;
    int udp = source == PORT_DISCARD && destination == PORT_WORKLOAD;
    int echo_reply = source == PORT_ECHO && destination == PORT_WORKLOAD;
    if (!udp && !echo_reply) {
        mbinc(MB_RX_CORRUPT);
    } else {
        u32 seq = *(volatile u32 *)payload;
        u64 packet = (u32)(seq - (u32)mbget(MB_SEQ_BASE));     /* this VM's packet number */
        u64 now = rdtsc();
        if (seen_before(seq)) {
            mbinc(MB_RX_DUPLICATE);
        } else if (echo_reply) {
            u64 sent = *at64(stamp_record(packet) + ST_FILL);
            if (packet < mbget(MB_RTT_CAPACITY) && sent != 0) *at64(mbget(MB_RTT_AREA) + packet * 8) = now - sent;
            mbinc(MB_RX_DELIVERED);
            mbinc(MB_ECHOES);
        } else {
            /* Both ways, packet k's record is the TX packet's: its reclaim stamp stays. */
            if (mbget(MB_MODE) != MODE_UDP_BIDIR) *at64(stamp_record(packet) + ST_RECLAIMED) = now;
            if (seq >= mbget(MB_WARMUP)) {
                if (mbget(MB_RX_MEASURED) == 0) mbset(MB_RX_FIRST_TSC, now);
                mbset(MB_RX_LAST_TSC, now);
                mbset(MB_RX_MEASURED_BYTES, mbget(MB_RX_MEASURED_BYTES) + payload_length);
                mbinc(MB_RX_MEASURED);
            }
            mbinc(MB_RX_DELIVERED);
        }
    }
    rx_post(id);
}

/* Carry: a received frame's IP packet goes to the stack's receive queue (the outbox), as a
   driver's receive path hands it to its kernel; the buffer goes back to the device either way. */
static inline __attribute__((always_inline)) void rx_carried(u64 d) {
    u64 id = *at16(d + D_BUFFER_ID);
    volatile u8 *frame = rx_buffer(id);
    if (frame == 0) return;
    u64 stride = mbget(MB_RX_BUFFER_STRIDE);
    u64 length = *at32(d + D_LENGTH);
    u64 link = mbget(MB_PAYLOAD_OFFSET);
    int ok = length >= link + 20 + 4 && length <= stride && (*at16(d + D_FLAGS) & FLAG_DROPPED) == 0
        && frame[0] == 0x08 && *(volatile u64 *)(frame + link - 8) == LLC_SNAP_IPV4;
    u64 ip = ok ? length - link - 4 : 0;
    if (!ok || ip > OUTBOX_SLOT_BYTES - OUTBOX_PACKET) {
        mbinc(MB_RX_CORRUPT);
    } else {
        u64 produced = mbget(MB_OUTBOX_PRODUCED);
        if (produced - mbget(MB_OUTBOX_CONSUMED) >= mbget(MB_OUTBOX_SLOTS)) {
            mbinc(MB_OUTBOX_FULL);
        } else {
            u64 slot = mbget(MB_OUTBOX) + (produced & (mbget(MB_OUTBOX_SLOTS) - 1)) * OUTBOX_SLOT_BYTES;
            volatile u64 *from = (volatile u64 *)(frame + link);
            volatile u64 *to = at64(slot + OUTBOX_PACKET);
            for (u64 i = 0; i < (ip + 7) / 8; i++) to[i] = from[i];
            *at32(slot + OUTBOX_LENGTH) = (u32)ip;
            *at32(slot + OUTBOX_SEQ) = *at32(d + D_SEQ);
            mbset(MB_OUTBOX_PRODUCED, produced + 1);   /* after the slot (x86 store order) */
            mbinc(MB_RX_DELIVERED);
        }
    }
    rx_post(id);
}

/* A TX status in the completion ring (a device that reports TX completion there, in order,
   instead of a completion index): the oldest packet in flight is reclaimed. */
static inline __attribute__((always_inline)) void tx_status(u64 d) {
    u64 reclaimed = mbget(MB_RECLAIMED);
    mbinc(MB_RX_TX_STATUS);
    if (reclaimed >= mbget(MB_SENT)) return;        /* nothing in flight: not ours */
    if (*at16(d + D_FLAGS) & FLAG_DROPPED) mbinc(MB_BAD_STATUS);
    *at64(stamp_record(reclaimed) + ST_RECLAIMED) = rdtsc();
    mbset(MB_RECLAIMED, reclaimed + 1);
}

/* The completion ring: RX frames and TX statuses. */
static inline __attribute__((always_inline)) void take_completions(void) {
    u64 ring = mbget(MB_COMPLETION_RING);
    if (ring == 0) return;
    u64 mask = mbget(MB_COMPLETION_RING_CAPACITY) - 1;
    u32 consumer = *at32(ring + RING_CONSUMER);
    u32 producer = *at32(ring + RING_PRODUCER);
    while (consumer != producer) {
        u64 d = ring + RING_SLOTS + ((consumer & mask) << DESC_SHIFT);
        u8 kind = *at(d + D_KIND);
        if (kind == KIND_RX_FRAME && mbget(MB_MODE) == MODE_CARRY) {
            rx_carried(d);
        } else if (kind == KIND_RX_FRAME) {
            rx_frame(d);
        } else if (kind == KIND_TX_STATUS) {
            tx_status(d);
        } else {
            mbinc(MB_RX_CORRUPT);
        }
        consumer++;
        *at32(ring + RING_CONSUMER) = consumer;     /* the slot is free for the device again */
        producer = *at32(ring + RING_PRODUCER);
    }
}

ISR_SECTION void isr_body(void) {
    u32 cause = take_cause();
    reclaim_tx();
    take_completions();
    if (cause & CAUSE_TIMER) mbinc(MB_TICKS);
    if (cause & CAUSE_STACK) mbinc(MB_STACK_WAKES);
    mbinc(MB_ISR_COUNT);
}
