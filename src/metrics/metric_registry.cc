#include "metrics/metric_registry.h"

namespace squall::metrics {

MetricRegistry::MetricRegistry() {
  using enum MetricType;
  const MetricInfo builtins[] = {
      {"http_reqs", kCounter, ValueType::kDefault},
      {"http_req_failed", kRate, ValueType::kDefault},
      {"http_req_duration", kTrend, ValueType::kTime},
      {"http_req_blocked", kTrend, ValueType::kTime},
      {"http_req_connecting", kTrend, ValueType::kTime},
      {"http_req_tls_handshaking", kTrend, ValueType::kTime},
      {"http_req_sending", kTrend, ValueType::kTime},
      {"http_req_waiting", kTrend, ValueType::kTime},
      {"http_req_receiving", kTrend, ValueType::kTime},
      {"http_req_duration_corrected", kTrend, ValueType::kTime},
      {"iterations", kCounter, ValueType::kDefault},
      {"iteration_duration", kTrend, ValueType::kTime},
      {"dropped_iterations", kCounter, ValueType::kDefault},
      {"data_sent", kCounter, ValueType::kData},
      {"data_received", kCounter, ValueType::kData},
      {"vus", kGauge, ValueType::kDefault},
      {"vus_max", kGauge, ValueType::kDefault},
      {"checks", kRate, ValueType::kDefault},
      {"group_duration", kTrend, ValueType::kTime},
  };
  static_assert(sizeof builtins / sizeof builtins[0] == builtin::kCount);
  for (const auto& m : builtins) {
    ids_.emplace(m.name, static_cast<MetricId>(metrics_.size()));
    metrics_.push_back(m);
  }
}

std::optional<MetricId> MetricRegistry::define(const std::string& name, MetricType type, ValueType value_type) {
  std::lock_guard lock(mutex_);
  auto it = ids_.find(name);
  if (it != ids_.end()) {
    if (metrics_[it->second].type != type) return std::nullopt;
    return it->second;
  }
  const auto id = static_cast<MetricId>(metrics_.size());
  metrics_.push_back(MetricInfo{name, type, value_type});
  ids_.emplace(name, id);
  return id;
}

std::optional<MetricId> MetricRegistry::find(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = ids_.find(name);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

MetricInfo MetricRegistry::info(MetricId id) const {
  std::lock_guard lock(mutex_);
  return metrics_.at(id);
}

size_t MetricRegistry::size() const {
  std::lock_guard lock(mutex_);
  return metrics_.size();
}

const char* metric_type_name(MetricType type) {
  switch (type) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kRate: return "rate";
    case MetricType::kTrend: return "trend";
  }
  return "?";
}

}  // namespace squall::metrics
