// How many threads a run or a server uses by default.
#pragma once

#include <sched.h>

namespace squall {

// The CPUs this process may run on (its affinity mask, as taskset and cgroup cpusets set it).
inline int usable_cpu_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  const int n = CPU_COUNT(&set);
  return n > 0 ? n : 1;
}

}  // namespace squall
