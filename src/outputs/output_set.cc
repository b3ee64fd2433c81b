#include "outputs/output_set.h"

#include <cstdio>
#include <cstdlib>

#include "common/text.h"
#include "metrics/metric_stats.h"
#include "outputs/influxdb_output.h"
#include "outputs/otlp_output.h"
#include "outputs/prometheus_remote_write.h"

namespace squall::outputs {

namespace {

std::optional<net::Url> backend_url(const std::string& spec, const std::string& text, std::string& error) {
  auto parsed = net::parse_url(text);
  if (!parsed.url) error = "output '" + spec + "': invalid URL '" + text + "' (" + parsed.error + ")";
  return parsed.url;
}

std::unique_ptr<StreamingOutput> open_prometheus(const std::string& spec, const std::string& url_text,
                                                 std::string& error) {
  auto url = backend_url(spec, url_text, error);
  if (!url) return nullptr;
  std::vector<std::string> stats = PrometheusRemoteWrite::default_trend_stats();
  if (const char* env = std::getenv("K6_PROMETHEUS_RW_TREND_STATS")) stats = split_nonempty(env, ',');
  for (const auto& stat : stats) {
    if (stat != "sum" && !metrics::is_trend_stat(stat)) {
      error = "K6_PROMETHEUS_RW_TREND_STATS: invalid trend stat '" + stat +
              "' (expected avg, min, med, max, count, sum or p(N))";
      return nullptr;
    }
  }
  return std::make_unique<StreamingOutput>("prometheus-rw " + url->to_string(),
                                           std::make_unique<PrometheusRemoteWrite>(*url, std::move(stats)));
}

std::unique_ptr<StreamingOutput> open_influxdb(const std::string& spec, const std::string& url_text,
                                               std::string& error) {
  auto url = backend_url(spec, url_text, error);
  if (!url) return nullptr;
  std::string database = url->target.substr(1, url->target.find('?') - 1);
  if (database.empty() || database.find('/') != std::string::npos) {
    error = "output '" + spec + "': the URL must name the database, e.g. influxdb=http://127.0.0.1:8086/k6";
    return nullptr;
  }
  net::Url server = *url;
  server.target = "/";
  return std::make_unique<StreamingOutput>("influxdb " + url->to_string(),
                                           std::make_unique<InfluxDbOutput>(std::move(server), std::move(database)));
}

std::unique_ptr<StreamingOutput> open_otlp(const std::string& spec, const std::string& url_text, std::string& error) {
  auto url = backend_url(spec, url_text, error);
  if (!url) return nullptr;
  if (url->target == "/") url->target = "/v1/metrics";
  return std::make_unique<StreamingOutput>("otlp " + url->to_string(), std::make_unique<OtlpOutput>(*url));
}

}  // namespace

bool OutputSet::open(const std::vector<std::string>& specs, std::string& error) {
  for (const auto& spec : specs) {
    const size_t eq = spec.find('=');
    const std::string kind = spec.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : spec.substr(eq + 1);
    std::unique_ptr<StreamingOutput> stream;
    if (kind == "json" || kind == "csv") {
      auto file = SampleFileOutput::open(spec, error);
      if (!file) return false;
      files_.push_back(std::move(file));
      continue;
    }
    if (kind == "prometheus-rw" || kind == "experimental-prometheus-rw") {
      const char* env = std::getenv("K6_PROMETHEUS_RW_SERVER_URL");
      const std::string url = !value.empty() ? value : env ? env : "http://localhost:9090/api/v1/write";
      stream = open_prometheus(spec, url, error);
    } else if (kind == "otlp") {
      stream = open_otlp(spec, value.empty() ? "http://localhost:4318/v1/metrics" : value, error);
    } else if (kind == "influxdb") {
      stream = open_influxdb(spec, value.empty() ? "http://localhost:8086/k6" : value, error);
    } else {
      error =
          "unknown output '" + spec + "' (expected json=FILE, csv=FILE, prometheus-rw=URL, influxdb=URL or otlp=URL)";
      return false;
    }
    if (!stream) return false;
    streams_.push_back(std::move(stream));
  }
  return true;
}

void OutputSet::attach(metrics::MetricsStore& store, int64_t test_start_unix_ms) {
  if (!files_.empty()) {
    for (auto& file : files_) file->attach(store);
    store.set_raw_consumer([this](std::vector<metrics::RawSample>&& samples) {
      for (size_t i = 0; i + 1 < files_.size(); ++i) files_[i]->consume(std::vector<metrics::RawSample>(samples));
      files_.back()->consume(std::move(samples));
    });
  }
  if (!streams_.empty()) {
    for (auto& stream : streams_) stream->start(test_start_unix_ms, store);
    store.set_second_consumer([this](int64_t second, const std::vector<metrics::SecondSeries>& series) {
      for (auto& stream : streams_) stream->consume(second, series);
    });
  }
}

bool OutputSet::close(metrics::MetricsStore& store, bool quiet) {
  bool all_written = true;
  const int64_t now_ms = unix_now_ms();
  for (auto& stream : streams_) stream->run_ended(now_ms);
  store.close_open_seconds();
  for (auto& file : files_) {
    file->close();
    const std::string failure = file->failure();
    all_written = all_written && failure.empty();
    if (!failure.empty()) {
      std::fprintf(stderr, "squall: --out %s (of %llu samples handed to it)\n", failure.c_str(),
                   static_cast<unsigned long long>(file->written()));
    } else if (!quiet || file->dropped()) {
      std::fprintf(stderr, "  --out %s: %llu samples written%s\n", file->path().c_str(),
                   static_cast<unsigned long long>(file->written()),
                   file->dropped()
                       ? (", " + std::to_string(file->dropped()) + " dropped: the writer could not keep up").c_str()
                       : "");
    }
  }
  for (auto& stream : streams_) {
    stream->close();
    if (!quiet || stream->series_dropped()) {
      std::fprintf(
          stderr, "  --out %s: %llu series-seconds sent in %llu requests%s\n", stream->description().c_str(),
          static_cast<unsigned long long>(stream->series_sent()),
          static_cast<unsigned long long>(stream->requests_sent()),
          stream->series_dropped()
              ? (", " + std::to_string(stream->series_dropped()) + " dropped (" + stream->last_error() + ")").c_str()
              : "");
    }
  }
  store.set_raw_consumer(nullptr);
  store.set_second_consumer(nullptr);
  return all_written;
}

}  // namespace squall::outputs
