#include "outputs/influxdb_output.h"

#include <cmath>
#include <cstdio>

#include "metrics/metric_registry.h"
#include "metrics/tag_set.h"

namespace squall::outputs {

namespace {

// Line protocol: measurements escape ',' and ' '; tag keys, tag values and field keys also '='.
std::string escaped(const std::string& text, bool with_equals) {
  std::string out;
  for (char c : text) {
    if (c == ',' || c == ' ' || (with_equals && c == '=')) out += '\\';
    if (c == '\n') {
      out += ' ';
      continue;
    }
    out += c;
  }
  return out;
}

class Fields {
 public:
  void add(const char* key, double value) {
    if (!std::isfinite(value)) return;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%s=%.17g", text_.empty() ? "" : ",", key, value);
    text_ += buf;
  }
  void add_integer(const char* key, uint64_t value) {
    text_ += (text_.empty() ? "" : ",") + std::string(key) + "=" + std::to_string(value) + "i";
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace

std::string influx_lines(const SecondOfMetrics& second) {
  auto& registry = second.store->metrics();
  auto& tagsets = second.store->tag_sets();
  std::string out;
  for (const auto& s : second.series) {
    const metrics::MetricInfo info = registry.info(s.key.metric);
    Fields fields;
    switch (info.type) {
      case metrics::MetricType::kCounter: fields.add("value", s.sum); break;
      case metrics::MetricType::kGauge:
        fields.add("value", s.last);
        fields.add("min", s.min);
        fields.add("max", s.max);
        break;
      case metrics::MetricType::kRate:
        fields.add("value", s.count ? static_cast<double>(s.nonzero) / static_cast<double>(s.count) : 0);
        fields.add_integer("passes", s.nonzero);
        fields.add_integer("count", s.count);
        break;
      case metrics::MetricType::kTrend: {
        metrics::Histogram h;
        if (s.histogram.empty() || !h.deserialize(s.histogram)) continue;
        const bool time = info.value_type == metrics::ValueType::kTime;
        // Time histograms hold nanoseconds (-> ms); others keep 1/1000 of the unit, with exact min/max/sum beside.
        const double scale = time ? 1e-6 : 1e-3;
        fields.add_integer("count", h.count());
        fields.add("sum", time ? h.sum() * scale : s.sum);
        fields.add("min", time ? static_cast<double>(h.min()) * scale : s.min);
        fields.add("max", time ? static_cast<double>(h.max()) * scale : s.max);
        fields.add("mean", time ? h.mean() * scale : (s.count ? s.sum / static_cast<double>(s.count) : 0));
        fields.add("med", h.percentile(50) * scale);
        fields.add("p90", h.percentile(90) * scale);
        fields.add("p95", h.percentile(95) * scale);
        fields.add("p99", h.percentile(99) * scale);
        break;
      }
    }
    if (fields.text().empty()) continue;
    out += escaped(info.name, false);
    for (const auto& [k, v] : tagsets.get(s.key.tags)) {
      if (!k.empty() && !v.empty()) out += "," + escaped(k, true) + "=" + escaped(v, true);
    }
    out += " " + fields.text() + " " + std::to_string(second.unix_ms) + "\n";
  }
  return out;
}

InfluxDbOutput::InfluxDbOutput(net::Url url, std::string database)
    : url_(std::move(url)), database_(std::move(database)) {}

net::HttpRequest InfluxDbOutput::request(const std::string& path_and_query) const {
  net::HttpRequest http;
  http.method = "POST";
  http.url = url_;
  http.url.target = path_and_query;
  return http;
}

bool InfluxDbOutput::prepare(HttpPoster& poster, std::string& error) {
  net::HttpRequest create = request("/query?q=" + net::percent_encode("CREATE DATABASE \"" + database_ + "\""));
  if (accepted(poster.send(create, 5 * kSecond), error)) return true;
  error = "creating database '" + database_ + "': " + error;
  return false;
}

net::HttpRequest InfluxDbOutput::encode(const std::vector<SecondOfMetrics>& seconds) {
  net::HttpRequest http = request("/write?db=" + net::percent_encode(database_) + "&precision=ms");
  http.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
  for (const auto& second : seconds) http.body += influx_lines(second);
  return http;
}

}  // namespace squall::outputs
