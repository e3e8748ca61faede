/*
 * driver.c - the guest WiFi driver's main loop and TX data path, the probe and the exit-cost
 * measurement. The ISR side (TX reclaim, RX, ping replies) is isr.c.
 *
 * Frames: the host writes the 802.11/LLC/IPv4/UDP headers into every TX buffer once; the guest
 * writes only the payload at buffer + payloadOffset, exactly as Platform's
 * FrameFormat.writePayload does (mailbox.h), its CRC-32C from the crc32 instruction. The
 * descriptor length is payloadOffset + length (the device appends the FCS).
 *
 * Offered rate / ping interval: packet seq is due at startTSC + seq * txInterval (0 saturates);
 * until then the guest waits at the wait port with that TSC as its deadline.
 */
#include "guest.h"

__attribute__((noreturn)) void finished(void) {
    for (;;) out8(PORT_DONE, 0);
}

__attribute__((noreturn)) void fail(u32 code) {
    for (;;) out32(PORT_ERROR, code);
}

/* Proves a CPL3 long-mode guest runs to an MMIO exit. */
void probe_main(void) {
    *at32(mbget(MB_DOORBELL)) = PROBE_MAGIC;
    finished();
}

/*
 * Exit-cost measurement. Record i: ST_FILL / ST_DOORBELL = TSC before / after the i-th doorbell
 * store, ST_RESUMED / ST_RECLAIMED = TSC before / after the i-th OUT to the bench port; then
 * spin until the host sets mailbox.spinRelease (the host kicks the vCPU out meanwhile).
 */
void exit_cost_main(void) {
    u64 n = mbget(MB_PACKET_COUNT);
    volatile u32 *doorbell = at32(mbget(MB_DOORBELL));
    for (u64 i = 0; i < n; i++) {
        u64 r = stamp_record(i);
        lfence();
        *at64(r + ST_FILL) = rdtsc();
        *doorbell = (u32)i;                 /* MMIO store: exit, or absorbed by ioeventfd */
        *at64(r + ST_DOORBELL) = rdtsc();
    }
    for (u64 i = 0; i < n; i++) {
        u64 r = stamp_record(i);
        lfence();
        *at64(r + ST_RESUMED) = rdtsc();
        out8(PORT_BENCH, 0);                /* PIO exit */
        *at64(r + ST_RECLAIMED) = rdtsc();
    }
    while (mbget(MB_SPIN_RELEASE) == 0) cpu_pause();
    finished();
}

static inline __attribute__((always_inline)) u64 pattern_word(u64 seq_high, u64 index) {
    return ((index >> 3) | seq_high) * PATTERN_MULTIPLIER;
}

/* Writes the payload of `seq` (length bytes at p) and returns the CRC-32C of its body. */
static u32 write_payload(volatile u8 *p, u64 length, u32 seq) {
    u64 high = (u64)seq << 32;
    u32 crc = 0xFFFFFFFF;
    u64 i = STAMP_BYTES;
    for (; i < length && (i & 7) != 0; i++) {
        u8 b = (u8)(pattern_word(high, i) >> ((i & 7) * 8));
        p[i] = b;
        crc = crc32c_u8(crc, b);
    }
    for (; i + 8 <= length; i += 8) {
        u64 w = pattern_word(high, i);
        *(volatile u64 *)(p + i) = w;
        crc = crc32c_u64(crc, w);
    }
    for (; i < length; i++) {
        u8 b = (u8)(pattern_word(high, i) >> ((i & 7) * 8));
        p[i] = b;
        crc = crc32c_u8(crc, b);
    }
    crc = ~crc;
    *(volatile u32 *)p = seq;
    *(volatile u32 *)(p + 4) = (u32)length;
    *(volatile u32 *)(p + 8) = crc;
    return crc;
}

/* Publishes TX packet `seq` (frame seq seqBase + seq): its descriptor for buffer `buffer_id`
   (`frame_length` bytes without the FCS), the producer index, then the doorbell store. */
static void publish_tx(u64 seq, u64 buffer, u64 buffer_id, u64 frame_length, u64 record) {
    u32 frame_seq = (u32)(mbget(MB_SEQ_BASE) + seq);
    u64 ring = mbget(MB_TX_RING);
    u64 d = ring + RING_SLOTS + ((seq & (mbget(MB_TX_RING_CAPACITY) - 1)) << DESC_SHIFT);
    *at64(d + D_ADDR) = buffer;
    *at32(d + D_LENGTH) = (u32)frame_length;   /* frame without FCS */
    *at32(d + D_SEQ) = frame_seq;
    *at16(d + D_FLAGS) = 0;
    *at(d + D_VMID) = (u8)mbget(MB_VM_ID);
    *at(d + D_KIND) = KIND_TX;
    *at16(d + D_STATUS) = 0;
    *at16(d + D_BUFFER_ID) = (u16)buffer_id;
    *at64(d + D_AUX) = rdtsc();             /* guest TSC at publication: the extra path starts */

    /* x86 keeps stores in order: the descriptor is visible before the producer index. */
    u32 producer = (u32)(seq + 1);
    *at32(ring + RING_PRODUCER) = producer;
    mbset(MB_SENT, seq + 1);

    volatile u32 *doorbell = at32(mbget(MB_DOORBELL));
    *at64(record + ST_DOORBELL) = rdtsc();
    *doorbell = producer;                   /* MMIO store: VM exit (or absorbed by ioeventfd) */
    *at64(record + ST_RESUMED) = rdtsc();
}

/* Transmits packet `seq` (= mailbox.sent; frame seq seqBase + seq) from buffer seq mod bufferCount. */
static void send_one(u64 seq) {
    u64 record = stamp_record(seq);
    *at64(record + ST_FILL) = rdtsc();
    u64 buffer_id = seq % mbget(MB_TX_BUFFER_COUNT);
    u64 buffer = mbget(MB_TX_BUFFER_BASE) + buffer_id * mbget(MB_TX_BUFFER_STRIDE);
    u64 length = mbget(MB_PAYLOAD_LENGTH);
    write_payload(at(buffer + mbget(MB_PAYLOAD_OFFSET)), length, (u32)(mbget(MB_SEQ_BASE) + seq));
    publish_tx(seq, buffer, buffer_id, mbget(MB_PAYLOAD_OFFSET) + length, record);
}

/* Carry: transmits the IP packet the stack put in buffer seq mod bufferCount (its length from
   the stack's length table, never past the buffer's payload room). */
static void send_carried(u64 seq) {
    u64 record = stamp_record(seq);
    *at64(record + ST_FILL) = rdtsc();
    u64 buffer_id = seq % mbget(MB_TX_BUFFER_COUNT);
    u64 buffer = mbget(MB_TX_BUFFER_BASE) + buffer_id * mbget(MB_TX_BUFFER_STRIDE);
    u64 length = *at32(mbget(MB_CARRY_LENGTHS) + buffer_id * 4);
    if (length > mbget(MB_PAYLOAD_LENGTH)) length = mbget(MB_PAYLOAD_LENGTH);
    publish_tx(seq, buffer, buffer_id, mbget(MB_PAYLOAD_OFFSET) + length, record);
}

static void validate(u64 mode) {
    if (mode > MODE_CARRY) fail(ERR_MODE);
    if (!power_of_two(mbget(MB_STAMP_CAPACITY))) fail(ERR_STAMP_CAPACITY);
    if (mode == MODE_UDP_TX || mode == MODE_PING || mode == MODE_UDP_BIDIR || mode == MODE_CARRY) {
        u64 length = mbget(MB_PAYLOAD_LENGTH);
        if (length < STAMP_BYTES) fail(ERR_PAYLOAD_SHORT);
        if (length + mbget(MB_PAYLOAD_OFFSET) > mbget(MB_TX_BUFFER_STRIDE)) fail(ERR_PAYLOAD_LONG);
        u64 capacity = mbget(MB_TX_RING_CAPACITY);
        if (!power_of_two(capacity)) fail(ERR_RING_CAPACITY);
        u64 buffers = mbget(MB_TX_BUFFER_COUNT);
        if (buffers == 0 || buffers > capacity) fail(ERR_NO_BUFFERS);
    }
    if (mode == MODE_UDP_RX || mode == MODE_PING || mode == MODE_UDP_BIDIR || mode == MODE_CARRY) {
        u64 buffers = mbget(MB_RX_BUFFER_COUNT);
        if (!power_of_two(mbget(MB_RX_RING_CAPACITY)) || !power_of_two(mbget(MB_COMPLETION_RING_CAPACITY))
            || !power_of_two(mbget(MB_RX_SEEN_WORDS)) || buffers == 0 || buffers > mbget(MB_RX_RING_CAPACITY)
            || buffers > 0xFFFF || mbget(MB_RX_BUFFER_STRIDE) < FRAME_OVERHEAD + STAMP_BYTES)
            fail(ERR_RX_RINGS);
    }
    if (mode == MODE_CARRY && (mbget(MB_CARRY_LENGTHS) == 0 || mbget(MB_OUTBOX) == 0
                               || !power_of_two(mbget(MB_OUTBOX_SLOTS))))
        fail(ERR_CARRY);
}

/* Blocks at the wait port until an interrupt (or the TSC `deadline`, when not 0) - unless an
   ISR ran since the guest read `observed`. */
/* irqchip mode: the wait is HLT at CPL0 (entered through the DPL3 wait gate), so the kernel's
   injection itself ends it; a deadline arms the LAPIC one-shot timer (its wake vector). A
   deadline already passed does not wait. */
static void wait_halt(u64 observed, u64 deadline) {
    u64 ticks = 0;
    if (deadline != 0) {
        u64 now = rdtsc();
        if ((long long)(deadline - now) <= 0) return;
        ticks = (u64)(((unsigned __int128)(deadline - now) * mbget(MB_APIC_TICKS_PER_TSC)) >> 32);
        if (ticks == 0) ticks = 1;
        if (ticks > 0xFFFFFFFF) ticks = 0xFFFFFFFF;
    }
    __asm__ volatile("int $0x80" : : "D"(observed), "S"(ticks) : "memory");
}

static void wait_port(u64 observed, u64 deadline) {
    mbset(MB_WAIT_DEADLINE, deadline);
    mbinc(MB_WAIT_COUNT);
    if (mbget(MB_IRQ_MODE) == IRQ_MODE_IRQCHIP) {
        wait_halt(observed, deadline);
        return;
    }
    out32(PORT_WAIT, (u32)observed);
}

/* Idle: the one-shot timer's next deadline, written to the trapping timer register. */
static void arm_timer(void) {
    *at64(mbget(MB_TIMER)) = rdtsc() + mbget(MB_TIMER_PERIOD);   /* MMIO store: VM exit */
}

void driver_main(void) {
    u64 mode = mbget(MB_MODE);
    validate(mode);
    mbset(MB_START_TSC, rdtsc());
    if (mode == MODE_UDP_RX || mode == MODE_PING || mode == MODE_UDP_BIDIR || mode == MODE_CARRY) rx_post_all();
    if (mode == MODE_IDLE) arm_timer();
    u64 ticks_seen = 0;
    /* Ping: the outstanding request's send time, and whether its reply came or timed out. */
    u64 request_tsc = 0;
    int settled = 1;
    for (;;) {
        /* An interrupt the host could not enter (it arrived while the ISR ran). */
        if (*at32(mailbox_base + MB_IRQ_PENDING) != 0) {
            mbinc(MB_POLLED_ISR);
            isr_body();
        }
        u64 observed = mbget(MB_ISR_COUNT);     /* snapshot first: the wait port compares it */
        if (mode == MODE_UDP_RX) {
            wait_port(observed, 0);
            continue;
        }
        if (mode == MODE_CARRY) {
            /* The stack fills buffer k only once packet k - bufferCount was reclaimed. */
            u64 sent = mbget(MB_SENT);
            if (sent < mbget(MB_CARRY_PRODUCED) && sent - mbget(MB_RECLAIMED) < mbget(MB_TX_BUFFER_COUNT)) {
                send_carried(sent);
                continue;
            }
            wait_port(observed, 0);
            continue;
        }
        if (mode == MODE_IDLE) {
            u64 ticks = mbget(MB_TICKS);
            if (ticks != ticks_seen) {          /* the tick handler's work: re-arm the one-shot timer */
                ticks_seen = ticks;
                arm_timer();
                continue;
            }
            wait_port(observed, 0);
            continue;
        }
        u64 sent = mbget(MB_SENT);
        u64 reclaimed = mbget(MB_RECLAIMED);
        if (mode == MODE_PING && !settled) {
            /* The ISR writes the request's RTT slot when its reply arrives; a request or reply
               dropped on the air never comes, so after the timeout the request is lost. */
            u64 packet = sent - 1;
            if (packet < mbget(MB_RTT_CAPACITY) && *at64(mbget(MB_RTT_AREA) + packet * 8) != 0) {
                settled = 1;
            } else if (rdtsc() - request_tsc >= mbget(MB_PING_TIMEOUT)) {
                mbinc(MB_PING_TIMEOUTS);
                settled = 1;
            } else {
                wait_port(observed, request_tsc + mbget(MB_PING_TIMEOUT));
                continue;
            }
        }
        if (sent >= mbget(MB_PACKET_COUNT)) {
            /* Both ways: the RX stream may still be arriving; the host stops the program. */
            if (reclaimed >= sent && mode != MODE_UDP_BIDIR) finished();
            wait_port(observed, 0);
            continue;
        }
        /* No free buffer (bufferCount <= capacity: the ring has room). */
        if (sent - reclaimed >= mbget(MB_TX_BUFFER_COUNT)) {
            wait_port(observed, 0);
            continue;
        }
        u64 interval = mbget(MB_TX_INTERVAL);
        if (interval != 0) {
            u64 due = mbget(MB_START_TSC) + interval * sent;
            if (rdtsc() < due) {
                wait_port(observed, due);
                continue;
            }
        }
        if (mode == MODE_PING) {
            request_tsc = rdtsc();
            settled = 0;
        }
        send_one(sent);
    }
}
