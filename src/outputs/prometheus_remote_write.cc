#include "outputs/prometheus_remote_write.h"

#include <snappy.h>

#include <algorithm>
#include <map>

#include "metrics/metric_stats.h"
#include "metrics/tag_set.h"
#include "outputs/protobuf_writer.h"

namespace squall::outputs {

namespace {

struct Sample {
  double value;
  int64_t unix_ms;
};

// remote.proto: WriteRequest{1: repeated TimeSeries}, TimeSeries{1: repeated Label, 2: repeated Sample},
// Label{1: name, 2: value}, Sample{1: double value, 2: int64 timestamp ms}.
void write_series(ProtobufWriter& request, const std::vector<std::pair<std::string, std::string>>& labels,
                  const std::vector<Sample>& samples) {
  ProtobufWriter series;
  for (const auto& [name, value] : labels) {
    ProtobufWriter label;
    label.string_field(1, name);
    label.string_field(2, value);
    series.message_field(1, label);
  }
  for (const auto& s : samples) {
    ProtobufWriter sample;
    sample.double_field(1, s.value);
    sample.int64_field(2, s.unix_ms);
    series.message_field(2, sample);
  }
  request.message_field(1, series);
}

}  // namespace

std::string prometheus_name(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    out += ok ? c : '_';
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out.insert(out.begin(), '_');
  return out;
}

std::string prometheus_stat_suffix(const std::string& stat) {
  if (stat.starts_with("p(") && stat.back() == ')') {
    std::string p = stat.substr(2, stat.size() - 3);
    std::replace(p.begin(), p.end(), '.', '_');
    return "p" + p;
  }
  return stat;
}

const std::vector<std::string>& PrometheusRemoteWrite::default_trend_stats() {
  static const std::vector<std::string> stats = {"avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "count"};
  return stats;
}

PrometheusRemoteWrite::PrometheusRemoteWrite(net::Url url, std::vector<std::string> trend_stats)
    : url_(std::move(url)), trend_stats_(std::move(trend_stats)) {}

const PrometheusRemoteWrite::Labels& PrometheusRemoteWrite::labels_of(const metrics::TagSetRegistry& tag_sets,
                                                                      const metrics::SeriesKey& key) {
  auto [it, inserted] = labels_.try_emplace(key.packed());
  if (inserted) {
    for (const auto& [k, v] : tag_sets.get(key.tags)) {
      if (!v.empty()) it->second.emplace_back(prometheus_name(k), v);
    }
  }
  return it->second;
}

net::HttpRequest PrometheusRemoteWrite::encode(const std::vector<SecondOfMetrics>& seconds) {
  const metrics::MetricsStore& store = *seconds.front().store;
  auto& registry = store.metrics();
  // (series, derived name) -> samples in time order.
  std::map<std::pair<uint64_t, std::string>, std::vector<Sample>> out;
  for (const auto& second : seconds) {
    const int64_t at = second.end_unix_ms;
    for (const auto& s : second.series) {
      labels_of(store.tag_sets(), s.key);
      const metrics::Aggregate& total = totals_.add(s);
      const metrics::MetricInfo info = registry.info(s.key.metric);
      const std::string base = "squall_" + prometheus_name(info.name);
      const uint64_t packed = s.key.packed();
      switch (info.type) {
        case metrics::MetricType::kCounter: out[{packed, base + "_total"}].push_back({total.sum, at}); break;
        case metrics::MetricType::kGauge: out[{packed, base}].push_back({s.last, at}); break;
        case metrics::MetricType::kRate:
          out[{packed, base + "_rate"}].push_back(
              {total.count ? static_cast<double>(total.nonzero) / static_cast<double>(total.count) : 0, at});
          break;
        case metrics::MetricType::kTrend: {
          const metrics::MetricValues line{info.type, info.value_type, total};
          const double scale = info.value_type == metrics::ValueType::kTime ? 1e-3 : 1;  // ms -> s
          for (const auto& stat : trend_stats_) {
            double value = 0;
            if (stat == "sum") {
              value = info.value_type == metrics::ValueType::kTime ? total.histogram.sum() / 1e9 : total.sum;
            } else if (!metrics::trend_stat(line, stat, value)) {
              continue;
            } else if (stat != "count") {
              value *= scale;
            }
            out[{packed, base + "_" + prometheus_stat_suffix(stat)}].push_back({value, at});
          }
          break;
        }
      }
    }
  }
  ProtobufWriter request;
  for (const auto& [key, samples] : out) {
    auto labels = labels_.at(key.first);
    labels.emplace_back("__name__", key.second);
    std::sort(labels.begin(), labels.end());
    write_series(request, labels, samples);
  }
  net::HttpRequest http;
  http.method = "POST";
  http.url = url_;
  http.headers = {{"Content-Type", "application/x-protobuf"},
                  {"Content-Encoding", "snappy"},
                  {"X-Prometheus-Remote-Write-Version", "0.1.0"}};
  snappy::Compress(request.bytes().data(), request.bytes().size(), &http.body);
  return http;
}

}  // namespace squall::outputs
