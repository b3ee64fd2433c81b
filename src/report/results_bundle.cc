#include "report/results_bundle.h"

#include <ctime>
#include <fstream>
#include <sstream>

#include "common/base64.h"
#include "common/files.h"
#include "metrics/metric_registry.h"
#include "metrics/tag_set.h"

namespace squall::report {

using nlohmann::json;

namespace {

constexpr const char* kFormat = "squall-results";
constexpr int kVersion = 1;

const char* contains_name(metrics::ValueType t) {
  return t == metrics::ValueType::kTime ? "time" : t == metrics::ValueType::kData ? "data" : "default";
}

}  // namespace

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool write_results(const std::string& path, const metrics::MetricsStore& store, const RunMetadata& meta,
                   std::string& error) {
  auto& registry = store.metrics();
  auto& tagsets = store.tag_sets();
  json out;
  out["format"] = kFormat;
  out["version"] = kVersion;
  out["meta"] = {{"name", meta.name},
                 {"squall_version", meta.squall_version},
                 {"started_at", meta.started_at},
                 {"duration_seconds", meta.duration_seconds},
                 {"tags", meta.tags},
                 {"options", meta.options}};
  std::map<uint64_t, size_t> index;
  json series = json::array();
  json seconds = json::array();
  const int64_t last = store.last_second();
  for (int64_t s = 0; s <= last; ++s) {
    json data = json::array();
    for (const auto& [packed, a] : store.window(s, s + 1)) {
      auto [it, inserted] = index.try_emplace(packed, series.size());
      if (inserted) {
        const auto key = metrics::SeriesKey::unpack(packed);
        const auto info = registry.info(key.metric);
        json tags = json::object();
        for (const auto& [k, v] : tagsets.get(key.tags)) tags[k] = v;
        series.push_back({{"metric", info.name},
                          {"type", metrics::metric_type_name(info.type)},
                          {"contains", contains_name(info.value_type)},
                          {"tags", tags}});
      }
      data.push_back({it->second, a.count, a.nonzero, a.sum, a.count ? a.min : 0, a.count ? a.max : 0, a.last,
                      a.histogram.count() ? base64_encode(a.histogram.serialize()) : ""});
    }
    if (!data.empty()) seconds.push_back({{"t", s}, {"data", std::move(data)}});
  }
  out["series"] = std::move(series);
  out["seconds"] = std::move(seconds);
  if (auto problem = write_whole_file(path, out.dump() + "\n", "results bundle")) {
    error = *problem;
    return false;
  }
  return true;
}

std::optional<LoadedResults> read_results(const std::string& path, std::string& error) {
  const auto text = read_whole_file(path, "results bundle", error);
  if (!text) return std::nullopt;
  json in;
  try {
    in = json::parse(*text);
  } catch (const json::parse_error& e) {
    error = path + ": invalid JSON: " + e.what();
    return std::nullopt;
  }
  if (!in.is_object() || in.value("format", "") != kFormat) {
    error = path + ": not a squall results bundle (expected \"format\": \"squall-results\")";
    return std::nullopt;
  }
  if (in.value("version", 0) != kVersion) {
    error = path + ": results bundle version " + std::to_string(in.value("version", 0)) + " is not supported";
    return std::nullopt;
  }
  try {
    LoadedResults loaded;
    const json& meta = in.at("meta");
    loaded.meta.name = meta.value("name", "");
    loaded.meta.squall_version = meta.value("squall_version", "");
    loaded.meta.started_at = meta.value("started_at", "");
    loaded.meta.duration_seconds = meta.value("duration_seconds", 0.0);
    if (meta.contains("tags")) loaded.meta.tags = meta["tags"].get<std::map<std::string, std::string>>();
    loaded.meta.options = meta.value("options", json::object());
    // Each series interned in the loaded store's own registries.
    loaded.store = std::make_unique<metrics::MetricsStore>();
    std::vector<metrics::SeriesKey> keys;
    auto& registry = loaded.store->metrics();
    for (const auto& s : in.at("series")) {
      const std::string type = s.at("type"), contains = s.at("contains");
      const metrics::MetricType t = type == "counter" ? metrics::MetricType::kCounter
                                    : type == "gauge" ? metrics::MetricType::kGauge
                                    : type == "rate"  ? metrics::MetricType::kRate
                                                      : metrics::MetricType::kTrend;
      const metrics::ValueType v = contains == "time"   ? metrics::ValueType::kTime
                                   : contains == "data" ? metrics::ValueType::kData
                                                        : metrics::ValueType::kDefault;
      const auto id = registry.define(s.at("metric"), t, v);
      if (!id) {
        error = path + ": metric '" + s.at("metric").get<std::string>() + "' has a type that conflicts with squall's";
        return std::nullopt;
      }
      metrics::Tags tags;
      for (const auto& [k, value] : s.at("tags").items()) tags.emplace_back(k, value.get<std::string>());
      keys.push_back({*id, loaded.store->tag_sets().intern(std::move(tags))});
    }
    for (const auto& second : in.at("seconds")) {
      metrics::SinkBatch batch;
      batch.second = second.at("t");
      for (const auto& row : second.at("data")) {
        const size_t i = row.at(0);
        if (i >= keys.size()) throw std::out_of_range("series index");
        metrics::Aggregate a;
        a.count = row.at(1);
        a.nonzero = row.at(2);
        a.sum = row.at(3);
        if (a.count) {
          a.min = row.at(4);
          a.max = row.at(5);
        }
        a.last = row.at(6);
        const std::string h = row.at(7);
        if (!h.empty()) {
          auto bytes = base64_decode(h);
          if (!bytes || !a.histogram.deserialize(*bytes)) throw std::invalid_argument("histogram");
        }
        batch.series.emplace_back(keys[i], std::move(a));
      }
      loaded.store->absorb(std::move(batch));
    }
    return loaded;
  } catch (const std::exception& e) {
    error = path + ": malformed results bundle (" + e.what() + ")";
    return std::nullopt;
  }
}

}  // namespace squall::report
