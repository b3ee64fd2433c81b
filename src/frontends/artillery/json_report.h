// Artillery's report.json (`-o`): an aggregate and one intermediate entry per
// 10 s period, each with counters, rates and summaries (min, max, count,
// mean, p50, median, p75, p90, p95, p99, p999) of Artillery's metrics, re-
// aggregated exactly from the store's 1-second buckets. Also Artillery's
// `ensure` checks over the aggregate.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "frontends/artillery/script.h"
#include "metrics/store.h"

namespace squall::artillery {

nlohmann::ordered_json build_report(const metrics::MetricsStore& store, Nanos elapsed, int64_t wall_start_ms);

struct EnsureResult {
  std::string check;
  bool ok = true;
  double observed = 0;
};

// Evaluates config.ensure against the report's aggregate.
std::vector<EnsureResult> evaluate_ensure(const Config& config, const nlohmann::ordered_json& aggregate);

}  // namespace squall::artillery
