// Minimal C references for the harness's own cost: the same SPSC ring and futex
// notification as Platform.DescriptorRing + Notifier, and per-path pipelines with the same
// threads and hand-offs as DataPaths, but no stamps, no accounting, no counters.
// Every function returns >= 0 on success or -errno.
#ifndef VW_REFERENCE_H
#define VW_REFERENCE_H
#include <stdint.h>

/// Ping-pong between two threads over two SPSC rings (32-byte descriptors). `blocking` 0: both
/// sides spin on the ring; 1: each side waits on a futex notifier (seq word + waiter flag) after
/// `spin_iterations` pause iterations, and each push is followed by a signal; 2: each push is
/// followed by an eventfd write, and the waiter polls + reads the eventfd.
/// Writes the median TSC cycles per round trip over `batches` batches of `round_trips` each.
int vwr_handoff(int blocking, int spin_iterations, long round_trips, int batches, double *cycles_per_round_trip);

/// Pushes `count` items (seq 0..count-1) through one ring from a producer thread to a consumer
/// thread with futex notification; returns the number delivered in order (== count when correct).
long vwr_ring_transfer(long count, int ring_capacity);

/// Path ids for vwr_pipeline_run.
enum { VWR_NATIVE = 0, VWR_PASSTHROUGH = 1, VWR_VWIFI = 2 };

typedef struct {
    long delivered;          // frames accepted at the access point (all, warm-up included)
    long measured;           // frames delivered after warm-up
    double frames_per_s;     // (measured - 1) / span between first and last measured delivery
    double wall_s;           // thread start to join
    long kernel_packets;     // native: IP packets the transmit routine took off the TUN queue
} vwr_pipeline_result;

/// Runs one path's TX pipeline with no air pacing for `packets` packets of `payload` UDP bytes,
/// excluding `warmup` packets from the rate, with `ring_size` TX descriptors.
int vwr_pipeline_run(int path, long packets, long warmup, int payload, int ring_size, vwr_pipeline_result *out);
#endif
