// Metric definitions: name, type (Counter, Gauge, Rate, Trend) and whether
// values are times or data sizes, with k6's built-in metrics pre-defined at
// fixed ids so the hot path needs no lookups.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace squall::metrics {

using MetricId = uint32_t;

enum class MetricType { kCounter, kGauge, kRate, kTrend };
enum class ValueType { kDefault, kTime, kData };

struct MetricInfo {
  std::string name;
  MetricType type;
  ValueType value_type;
};

// Built-in metrics, defined in this order by MetricRegistry's constructor.
namespace builtin {
enum : MetricId {
  kHttpReqs,
  kHttpReqFailed,
  kHttpReqDuration,
  kHttpReqBlocked,
  kHttpReqConnecting,
  kHttpReqTlsHandshaking,
  kHttpReqSending,
  kHttpReqWaiting,
  kHttpReqReceiving,
  // Open models: duration measured from the request's intended start time
  // (coordinated omission corrected); http_req_duration stays the raw figure.
  kHttpReqDurationCorrected,
  kIterations,
  kIterationDuration,
  kDroppedIterations,
  kDataSent,
  kDataReceived,
  kVus,
  kVusMax,
  kChecks,
  kGroupDuration,
  kCount,
};
}  // namespace builtin

// Whether `id` is one of the built-in metrics above (else a custom one).
inline bool is_builtin(MetricId id) { return id < builtin::kCount; }

class MetricRegistry {
 public:
  MetricRegistry();

  // Defines a metric or returns the existing id; nullopt if the name exists
  // with another type. Thread-safe.
  std::optional<MetricId> define(const std::string& name, MetricType type, ValueType value_type);
  std::optional<MetricId> find(const std::string& name) const;
  MetricInfo info(MetricId id) const;
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::vector<MetricInfo> metrics_;
  std::unordered_map<std::string, MetricId> ids_;
};

const char* metric_type_name(MetricType type);

}  // namespace squall::metrics
