#include "outputs/otlp_output.h"

#include <nlohmann/json.hpp>

#include <map>

#include "metrics/metric_registry.h"
#include "metrics/tag_set.h"

namespace squall::outputs {

namespace {

using nlohmann::json;

// OTLP JSON: 64-bit integers are decimal strings; enums are their numbers.
std::string nanos(int64_t unix_ms) { return std::to_string(unix_ms * 1'000'000); }
constexpr int kCumulative = 2;  // AggregationTemporality

json attributes(const metrics::TagSetRegistry& tag_sets, metrics::TagSetId tags) {
  json out = json::array();
  for (const auto& [k, v] : tag_sets.get(tags)) {
    if (!v.empty()) out.push_back({{"key", k}, {"value", {{"stringValue", v}}}});
  }
  return out;
}

const char* unit_of(const metrics::MetricInfo& info) {
  switch (info.value_type) {
    case metrics::ValueType::kTime: return "s";
    case metrics::ValueType::kData: return "By";
    default: return "1";
  }
}

}  // namespace

OtlpOutput::OtlpOutput(net::Url url) : url_(std::move(url)) {}

net::HttpRequest OtlpOutput::encode(const std::vector<SecondOfMetrics>& seconds) {
  const metrics::MetricsStore& store = *seconds.front().store;
  auto& registry = store.metrics();
  std::map<metrics::MetricId, json> points;  // metric -> its data points in this request
  for (const auto& second : seconds) {
    const std::string at = nanos(second.end_unix_ms);
    for (const auto& s : second.series) {
      const metrics::MetricInfo info = registry.info(s.key.metric);
      const metrics::Aggregate& total = totals_.add(s);
      json point = {{"attributes", attributes(store.tag_sets(), s.key.tags)},
                    {"startTimeUnixNano", nanos(second.test_start_unix_ms)},
                    {"timeUnixNano", at}};
      switch (info.type) {
        case metrics::MetricType::kCounter: point["asDouble"] = total.sum; break;
        case metrics::MetricType::kGauge: point["asDouble"] = s.last; break;
        case metrics::MetricType::kRate:
          point["asDouble"] = total.count ? static_cast<double>(total.nonzero) / static_cast<double>(total.count) : 0.0;
          break;
        case metrics::MetricType::kTrend: {
          const metrics::Histogram& h = total.histogram;
          const bool time = info.value_type == metrics::ValueType::kTime;
          // Time histograms hold nanoseconds (-> s); others 1/1000 of their unit.
          const double scale = time ? 1e-9 : 1e-3;
          point["count"] = std::to_string(h.count());
          point["sum"] = time ? h.sum() * scale : total.sum;
          json quantiles = json::array();
          for (double q : {0.0, 0.5, 0.9, 0.95, 0.99, 1.0}) {
            const double value = q == 0.0   ? static_cast<double>(h.min()) * scale
                                 : q == 1.0 ? static_cast<double>(h.max()) * scale
                                            : h.percentile(q * 100) * scale;
            quantiles.push_back({{"quantile", q}, {"value", value}});
          }
          point["quantileValues"] = std::move(quantiles);
          break;
        }
      }
      points[s.key.metric].push_back(std::move(point));
    }
  }
  json metrics_json = json::array();
  for (auto& [id, data_points] : points) {
    const metrics::MetricInfo info = registry.info(id);
    json metric = {{"name", info.name}, {"unit", unit_of(info)}};
    switch (info.type) {
      case metrics::MetricType::kCounter:
        metric["sum"] = {
            {"dataPoints", std::move(data_points)}, {"aggregationTemporality", kCumulative}, {"isMonotonic", true}};
        break;
      case metrics::MetricType::kGauge:
      case metrics::MetricType::kRate: metric["gauge"] = {{"dataPoints", std::move(data_points)}}; break;
      case metrics::MetricType::kTrend: metric["summary"] = {{"dataPoints", std::move(data_points)}}; break;
    }
    metrics_json.push_back(std::move(metric));
  }
  const json request = {
      {"resourceMetrics",
       {{{"resource", {{"attributes", {{{"key", "service.name"}, {"value", {{"stringValue", "squall"}}}}}}}},
         {"scopeMetrics", {{{"scope", {{"name", "squall"}}}, {"metrics", std::move(metrics_json)}}}}}}}};
  net::HttpRequest http;
  http.method = "POST";
  http.url = url_;
  http.headers = {{"Content-Type", "application/json"}};
  http.body = request.dump();
  return http;
}

}  // namespace squall::outputs
