// libpfm4 (Debian: libpfm4-dev). Includes libpfm4's own perf_event.h, never the kernel's.
#include <perfmon/pfmlib_perf_event.h>
