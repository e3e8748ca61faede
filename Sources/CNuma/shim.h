// libnuma (Debian: libnuma-dev).
#include <numa.h>
