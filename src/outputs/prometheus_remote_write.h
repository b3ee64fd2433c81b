// `--out prometheus-rw=URL`: Prometheus remote write 1.0 (snappy-compressed
// protobuf WriteRequest) with k6's metric mapping under a squall_ prefix:
//   Counter -> squall_<name>_total (cumulative)     Gauge -> squall_<name>
//   Rate    -> squall_<name>_rate (since the start)
//   Trend   -> squall_<name>_<stat> for each trend stat (avg, min, med, max,
//              p(N) -> pN, count, sum), over the run so far, times in seconds.
// Tags become labels. One sample per series for each second that series had
// data, stamped at the end of that second (or of the run, for its last second).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "outputs/cumulative_series.h"
#include "outputs/streaming_output.h"

namespace squall::outputs {

class PrometheusRemoteWrite final : public StreamingBackend {
 public:
  // `trend_stats`: k6's stat names ("p(95)", "avg", ...); checked by the caller.
  PrometheusRemoteWrite(net::Url url, std::vector<std::string> trend_stats);
  net::HttpRequest encode(const std::vector<SecondOfMetrics>& seconds) override;

  static const std::vector<std::string>& default_trend_stats();

 private:
  using Labels = std::vector<std::pair<std::string, std::string>>;  // without __name__
  const Labels& labels_of(const metrics::TagSetRegistry& tag_sets, const metrics::SeriesKey& key);

  net::Url url_;
  std::vector<std::string> trend_stats_;
  std::unordered_map<uint64_t, Labels> labels_;
  CumulativeSeries totals_;
};

// "p(99.9)" -> "p99_9", "avg" -> "avg": the suffix of a trend stat's series name.
std::string prometheus_stat_suffix(const std::string& stat);
// Replaces what a Prometheus metric or label name may not hold with '_'.
std::string prometheus_name(const std::string& text);

}  // namespace squall::outputs
