// The histogram form the results bundle stores (what `squall compare` and
// `squall report` read back from files): arbitrary bytes must be refused or
// round-trip exactly, and a histogram read back must answer percentiles.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "metrics/histogram.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  squall::metrics::Histogram h;
  if (!h.deserialize(std::string_view(reinterpret_cast<const char*>(data), size))) {
    if (h.count() != 0) std::abort();  // a refused form leaves the histogram as it was
    return 0;
  }
  const std::string again = h.serialize();
  squall::metrics::Histogram back;
  if (!back.deserialize(again) || back.serialize() != again) std::abort();
  for (double p : {0.0, 50.0, 99.0, 100.0}) (void)h.percentile(p);
  squall::metrics::Histogram merged = h;
  merged.merge(back);
  if (h.count() < (uint64_t{1} << 62) && merged.count() != 2 * h.count()) std::abort();
  return 0;
}
