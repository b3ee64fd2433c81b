// What k6 options hand the threshold and duration parsers, as text: anything
// must parse or be refused with a reason, never crash.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/duration.h"
#include "metrics/threshold.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string error;
  if (!squall::metrics::parse_threshold_expression(text, error) && error.empty()) std::abort();
  error.clear();
  if (!squall::metrics::parse_metric_selector(text, error) && error.empty()) std::abort();
  (void)squall::parse_duration(text);
  (void)squall::metrics::glob_match(text.substr(0, text.size() / 2), text.substr(text.size() / 2));
  return 0;
}
