// `--out otlp=URL`: OpenTelemetry metrics over OTLP/HTTP with the JSON
// encoding (POST to URL, e.g. http://127.0.0.1:4318/v1/metrics; a URL
// without a path gets /v1/metrics). One ExportMetricsServiceRequest per
// batch; resource service.name=squall, scope "squall"; tags are attributes.
//   Counter -> Sum (monotonic, cumulative since the start of the run)
//   Gauge   -> Gauge (last value in the second)
//   Rate    -> Gauge (share of non-zero samples since the start)
//   Trend   -> Summary since the start: count, sum, quantiles 0, .5, .9, .95,
//              .99, 1 (times in seconds, unit "s")
// Data points are stamped at the end of their second (or of the run).
#pragma once

#include <string>
#include <vector>

#include "outputs/cumulative_series.h"
#include "outputs/streaming_output.h"

namespace squall::outputs {

class OtlpOutput final : public StreamingBackend {
 public:
  explicit OtlpOutput(net::Url url);
  net::HttpRequest encode(const std::vector<SecondOfMetrics>& seconds) override;

 private:
  net::Url url_;
  CumulativeSeries totals_;
};

}  // namespace squall::outputs
