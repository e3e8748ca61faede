/*
 * mailbox.h - the ABI between the VirtualWiFiBench VMM (host) and the guest driver program.
 * Sources/VMM/GuestMailbox.swift mirrors every #define here (GuestImageTests parses this file
 * and compares), so keep one `#define NAME value` per line.
 *
 * The mailbox is one 4 KiB page at a GPA the host passes in r15. Everything in it is
 * guest-writable: the host clamps every guest-written word it reads.
 */
#ifndef GUEST_MAILBOX_H
#define GUEST_MAILBOX_H

/* Parameters, written by the host before the guest starts. */
#define MB_PACKET_COUNT 0x00            /* TX/ping: packets to send; re-read every loop (the host may lower it) */
#define MB_PAYLOAD_LENGTH 0x08
#define MB_TX_BUFFER_BASE 0x10
#define MB_TX_BUFFER_STRIDE 0x18
#define MB_TX_BUFFER_COUNT 0x20
#define MB_TX_RING 0x28
#define MB_TX_RING_CAPACITY 0x30
#define MB_COMPLETION_INDEX 0x38        /* GPA of the u32 TX completion index the device writes */
#define MB_DOORBELL 0x40
#define MB_STAMP_AREA 0x48
#define MB_STAMP_CAPACITY 0x50
#define MB_PORT_BASE 0x58
#define MB_VM_ID 0x60
#define MB_PAYLOAD_OFFSET 0x68
#define MB_TX_INTERVAL 0x70             /* TSC ticks between due times (TX rate, ping interval); 0 saturates */
#define MB_MODE 0x78                    /* one of MODE_* */
#define MB_RX_RING 0x80                 /* RX free ring (the guest posts empty buffers), DescriptorRing layout */
#define MB_RX_RING_CAPACITY 0x88
#define MB_RX_BUFFER_BASE 0x90
#define MB_RX_BUFFER_STRIDE 0x98
#define MB_RX_BUFFER_COUNT 0xa0
#define MB_COMPLETION_RING 0xa8         /* RX completion ring the device writes, DescriptorRing layout */
#define MB_COMPLETION_RING_CAPACITY 0xb0
#define MB_RX_SEEN 0xb8                 /* GPA of a bitmap of received seqs (duplicate detection), host-zeroed */
#define MB_RX_SEEN_WORDS 0xc0           /* its size in u64 words, a power of two; seq s is bit s mod (64 * words) */
#define MB_WARMUP 0xc8                  /* frames with seq below this are not measured */
#define MB_RTT_AREA 0xd0                /* ping: u64 RTT in TSC cycles per echo seq */
#define MB_RTT_CAPACITY 0xd8            /* entries of MB_RTT_AREA */
#define MB_TIMER 0xe0                   /* idle: GPA of the trapping timer register (8-byte store of a TSC deadline) */
#define MB_TIMER_PERIOD 0xe8            /* idle: TSC ticks between ticks */
#define MB_SEQ_BASE 0xf0                /* this VM's first seq: frame seq = seqBase + packet number (one seq space per VM) */
#define MB_PING_TIMEOUT 0xf8            /* ping: TSC ticks a request waits for its reply before it counts as lost */

/* Driver state, written by the guest, read (clamped) by the host. */
#define MB_SENT 0x100
#define MB_RECLAIMED 0x108
#define MB_ISR_COUNT 0x110
#define MB_WAIT_COUNT 0x118
#define MB_BAD_STATUS 0x120
#define MB_POLLED_ISR 0x128
#define MB_HOST_ISR 0x130
#define MB_SPIN_RELEASE 0x140           /* written by the host to end exit_cost_entry's spin */
#define MB_START_TSC 0x148
#define MB_WAIT_DEADLINE 0x150          /* before each OUT to the wait port: 0, or a TSC that also ends the wait */
#define MB_RX_DELIVERED 0x158           /* intact fresh frames (UDP and echo replies) */
#define MB_RX_CORRUPT 0x160             /* frames that failed a check (length, stamp, CRC-32C, ports, buffer id) */
#define MB_RX_DUPLICATE 0x168           /* frames whose seq was already seen */
#define MB_RX_MEASURED 0x170            /* fresh UDP frames with seq >= warmup */
#define MB_RX_MEASURED_BYTES 0x178      /* their payload bytes */
/* Interrupt cause register (u32), written by the device model, cleared by the ISR (own cache line). */
#define MB_IRQ_PENDING 0x180
#define CAUSE_DEVICE 1                  /* cause bits: a device completion */
#define CAUSE_TIMER 2                   /* the VM's timer fired */
#define MB_RX_FIRST_TSC 0x1c0           /* guest TSC at the first / last measured frame */
#define MB_RX_LAST_TSC 0x1c8
#define MB_ECHOES 0x1d0                 /* echo replies received */
#define MB_TICKS 0x1d8                  /* idle: timer ticks taken */
#define MB_RX_TX_STATUS 0x1e0           /* TX statuses found in the completion ring (a device that reports them there) */
/* Interrupt delivery, written by the host: IRQ_MODE_PENDING_FLAG (the cause word + the host
   entering isr_start) or IRQ_MODE_IRQCHIP (an in-kernel irqchip injects vectors through the
   guest's IDT; the guest waits with HLT at CPL0; kvm_intel/kvm_amd only). */
#define MB_IRQ_MODE 0x1e8
#define MB_APIC_TICKS_PER_TSC 0x1f0     /* irqchip: LAPIC timer ticks per TSC tick, 32.32 fixed point */
#define MB_IDT_ISR 0x1f8                /* irqchip: ISRs entered through the IDT (device vector) */
#define MB_PING_TIMEOUTS 0x200          /* ping: requests whose reply did not come within MB_PING_TIMEOUT */
/* Carry (a real program's packets, MODE_CARRY): the guest's network stack is a host thread that
   writes each IP packet the program sent at TX buffer (k mod count) + MB_PAYLOAD_OFFSET (the
   host wrote the link headers in front once), its length at MB_CARRY_LENGTHS[k mod count], then
   MB_CARRY_PRODUCED = k + 1, and raises CAUSE_STACK. The ISR copies each received IP packet into
   the outbox, the stack's receive queue, which the host drains at the vCPU's exits. */
#define MB_CARRY_LENGTHS 0x208          /* host: GPA of one u32 per TX buffer, the packet length there */
#define MB_CARRY_PRODUCED 0x210         /* host: packets the stack put in TX buffers */
#define MB_OUTBOX 0x218                 /* host: GPA of the outbox, MB_OUTBOX_SLOTS slots of OUTBOX_SLOT_BYTES */
#define MB_OUTBOX_SLOTS 0x220           /* host: a power of two */
#define MB_OUTBOX_CONSUMED 0x228        /* host: slots the stack has taken */
#define MB_OUTBOX_PRODUCED 0x230        /* guest: slots the ISR filled (slot k mod MB_OUTBOX_SLOTS) */
#define MB_OUTBOX_FULL 0x238            /* guest: received packets dropped because the outbox was full */
#define MB_STACK_WAKES 0x240            /* guest: ISRs the stack's cause entered */
#define CAUSE_STACK 4                   /* the guest's network stack queued packets to send */
#define OUTBOX_SLOT_BYTES 2048
#define OUTBOX_LENGTH 0                 /* slot: u32 IP packet length */
#define OUTBOX_SEQ 4                    /* slot: u32 seq of the frame it came in */
#define OUTBOX_PACKET 16                /* slot: the IP packet */
#define LLC_SNAP_IPV4 0x000800000003AAAA  /* the 8 LLC/SNAP bytes of an IPv4 frame, read as a little-endian u64 */
/* TX completion, two ways (both a physical device could use): with MB_COMPLETION_INDEX set, the
   device sets each descriptor's status and then the index; with it 0, the device writes one
   KIND_TX_STATUS descriptor per packet, in order, to the completion ring (FLAG_DROPPED: dropped). */

/* Modes. */
#define MODE_UDP_TX 0
#define MODE_UDP_RX 1
#define MODE_PING 2
#define MODE_IDLE 3
#define MODE_UDP_BIDIR 4                /* TX's stream and RX's at once (the host stops the program) */
#define MODE_CARRY 5                    /* a real program's packets, both ways (the host stops the program) */

/* Interrupt modes (MB_IRQ_MODE) and the irqchip mode's vectors and xAPIC registers. */
#define IRQ_MODE_PENDING_FLAG 0
#define IRQ_MODE_IRQCHIP 1
#define VECTOR_DEVICE 0x20              /* the device's MSI (the host's GSI route) */
#define VECTOR_WAKE 0x22                /* the LAPIC one-shot timer that ends a wait with a deadline */
#define VECTOR_WAIT 0x80                /* DPL3 gate: the CPL3 driver's way into its CPL0 HLT */
#define APIC_BASE 0xFEE00000
#define APIC_EOI 0xb0
#define APIC_TMICT 0x380

/* I/O ports, relative to MB_PORT_BASE. */
#define PORT_WAIT 0
#define PORT_DONE 1
#define PORT_ERROR 2
#define PORT_BENCH 3

/* Stamp record, one per packet at stampArea + (seq & (stampCapacity-1)) * 32. In RX mode the
   record of frame seq gets ST_RECLAIMED = the TSC at which the ISR delivered it. */
#define ST_FILL 0
#define ST_DOORBELL 8
#define ST_RESUMED 16
#define ST_RECLAIMED 24
#define ST_SHIFT 5

/*
 * Rings, as Platform.DescriptorRing lays them out: producer u32 at 0, consumer u32 at 128,
 * 32-byte descriptors from 256. TX: the guest produces descriptors, the device sets each one's
 * status word and then the u32 completion index (every descriptor below it is done).
 * RX: the guest produces empty buffers (KIND_RX, length = buffer size, buffer id) on the RX
 * free ring; the device consumes them and produces, on the completion ring, one KIND_RX_FRAME
 * descriptor per frame: addr = the buffer's GPA, length = frame bytes (with FCS), seq, buffer
 * id; flags/status as a TX status. A physical device's DMA engine writes the same ring.
 */
#define RING_PRODUCER 0
#define RING_CONSUMER 128
#define RING_SLOTS 256
#define DESC_SHIFT 5
#define D_ADDR 0
#define D_LENGTH 8
#define D_SEQ 12
#define D_FLAGS 16
#define D_VMID 18
#define D_KIND 19
#define D_STATUS 20
#define D_BUFFER_ID 22
#define D_AUX 24
#define KIND_TX 1
#define KIND_RX 2
#define KIND_TX_STATUS 3
#define KIND_RX_FRAME 4
#define STATUS_DONE 1
#define FLAG_DROPPED 4

#define PROBE_MAGIC 0x56574946          /* "VWIF" */

/* Payload (Platform.FrameFormat): 12-byte stamp (u32 seq, u32 length, u32 CRC-32C of the rest),
   then byte i = byte (i & 7) of ((seq << 32) | (i >> 3)) * PATTERN_MULTIPLIER. */
#define STAMP_BYTES 12
#define PATTERN_MULTIPLIER 0x9E3779B97F4A7C15
/* Frame: headers before the payload, FCS after it; UDP ports (big-endian) at these offsets. */
#define FRAME_OVERHEAD 64
#define FRAME_PAYLOAD_OFFSET 60
#define FRAME_UDP_SOURCE_PORT 52
#define FRAME_UDP_DESTINATION_PORT 54
#define PORT_WORKLOAD 50000
#define PORT_DISCARD 9
#define PORT_ECHO 7

/* Error codes written to the error port. */
#define ERR_PAYLOAD_SHORT 1
#define ERR_PAYLOAD_LONG 2
#define ERR_NO_BUFFERS 3
#define ERR_RING_CAPACITY 4
#define ERR_STAMP_CAPACITY 5
#define ERR_RX_RINGS 6
#define ERR_MODE 7
#define ERR_CARRY 8

#endif
