// Umbrella header of the C shim. Every function is prefixed `vw_` and returns a
// non-negative result or `-errno`, so Swift never reads the thread-local errno.
// <linux/perf_event.h> is deliberately kept out of every header here: libpfm4 ships
// its own `struct perf_event_attr`, and Clang refuses to import both into Swift.
#ifndef VW_SHIM_H
#define VW_SHIM_H
#include "vw_time.h"
#include "vw_atomic.h"
#include "vw_sys.h"
#include "vw_perf.h"
#include "vw_kvm.h"
#include "vw_alloc.h"
#include "vw_probe.h"
#include "vw_vmm.h"
#include "vw_crc.h"
#include "vw_hostile.h"
#include "vw_net.h"
#include "vw_signals.h"
#include "vw_netns.h"
#include "vw_spawn.h"
#endif
