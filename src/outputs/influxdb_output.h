// `--out influxdb=http://HOST:8086/DATABASE` (k6's URL form): InfluxDB 1.x
// line protocol to /write?db=DATABASE&precision=ms; the database is created
// at the start, as k6 does. One point per series per second (measurement =
// metric name, tags = sample tags, timestamp = start of the second):
//   Counter: value (sum in the second)        Gauge: value (last), min, max
//   Rate:    value (rate in the second), passes, count
//   Trend:   count, sum, min, max, mean, med, p90, p95, p99 (times in ms)
// Run totals are sums over the points (sum(value), sum(count), sum(passes)).
#pragma once

#include <string>
#include <vector>

#include "outputs/streaming_output.h"

namespace squall::outputs {

class InfluxDbOutput final : public StreamingBackend {
 public:
  // `url` without the database path; `database` from it.
  InfluxDbOutput(net::Url url, std::string database);
  bool prepare(HttpPoster& poster, std::string& error) override;
  net::HttpRequest encode(const std::vector<SecondOfMetrics>& seconds) override;

 private:
  net::HttpRequest request(const std::string& path_and_query) const;
  net::Url url_;
  std::string database_;
};

// The line-protocol lines of one second (exposed for tests).
std::string influx_lines(const SecondOfMetrics& second);

}  // namespace squall::outputs
