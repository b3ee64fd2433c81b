// The results bundle (`--results FILE`): everything measured, kept exactly —
// the serialised histogram and counters of every series for every 1-second
// bucket, the series' metric definitions and tags, and the run's metadata
// (name, tags such as git_sha, start time, duration, options, squall
// version). `compare` reads it (and a later `report`/`merge` can), so
// percentiles over any window or across runs are recomputed, not estimated.
//
// Format (JSON): {"format": "squall-results", "version": 1, "meta": {...},
//   "series": [{"metric", "type", "contains", "tags": {...}}],
//   "seconds": [{"t": S, "data": [[series, count, nonzero, sum, min, max, last, "base64 histogram"]]}]}
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/clock.h"
#include "metrics/store.h"

namespace squall::report {

struct RunMetadata {
  std::string name;
  std::string squall_version;
  std::string started_at;  // ISO 8601, UTC
  double duration_seconds = 0;
  std::map<std::string, std::string> tags;  // --tag k=v (git_sha, branch, ...)
  nlohmann::json options;                   // the scenarios and thresholds that ran
};

bool write_results(const std::string& path, const metrics::MetricsStore& store, const RunMetadata& meta,
                   std::string& error);

struct LoadedResults {
  RunMetadata meta;
  std::unique_ptr<metrics::MetricsStore> store;  // series re-interned in this process
};

std::optional<LoadedResults> read_results(const std::string& path, std::string& error);

// "2026-11-23T15:20:00Z" for now.
std::string utc_now_iso8601();

}  // namespace squall::report
