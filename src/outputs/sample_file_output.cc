#include "outputs/sample_file_output.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "metrics/metric_registry.h"

namespace squall::outputs {

namespace {

// k6's CSV columns; tags not named here go to extra_tags as k=v&k=v.
constexpr const char* kCsvTagColumns[] = {
    "check",    "error",   "error_code", "expected_response", "group",       "method", "name", "proto",
    "scenario", "service", "status",     "subproto",          "tls_version", "url"};

std::string rfc3339(int64_t unix_ns) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[48];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%09lldZ", static_cast<long long>(unix_ns % 1'000'000'000));
  return buf;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::unique_ptr<SampleFileOutput> SampleFileOutput::open(const std::string& spec, std::string& error) {
  const size_t eq = spec.find('=');
  const std::string kind = spec.substr(0, eq);
  const std::string path = eq == std::string::npos ? "" : spec.substr(eq + 1);
  Format format;
  if (kind == "json") {
    format = Format::kJson;
  } else if (kind == "csv") {
    format = Format::kCsv;
  } else {
    error = "unknown output '" + spec + "' (expected json=FILE or csv=FILE)";
    return nullptr;
  }
  if (path.empty()) {
    error = "output '" + spec + "' needs a file: " + kind + "=FILE";
    return nullptr;
  }
  FILE* file = std::fopen(path.c_str(), "w");
  if (!file) {
    error = "cannot write output file '" + path + "': " + std::strerror(errno);
    return nullptr;
  }
  return std::unique_ptr<SampleFileOutput>(new SampleFileOutput(format, path, file));
}

SampleFileOutput::SampleFileOutput(Format format, std::string path, FILE* file)
    : format_(format), path_(std::move(path)), file_(file) {
  if (format_ == Format::kCsv) {
    std::fputs("metric_name,timestamp,metric_value", file_);
    for (const char* column : kCsvTagColumns) std::fprintf(file_, ",%s", column);
    std::fputs(",extra_tags,metadata\n", file_);
  }
  thread_ = std::thread([this] { run(); });
}

SampleFileOutput::~SampleFileOutput() { close(); }

void SampleFileOutput::consume(std::vector<metrics::RawSample>&& samples) {
  {
    std::lock_guard lock(mutex_);
    if (closing_) return;
    if (pending_ + samples.size() > kMaxPendingSamples) {
      dropped_ += samples.size();
      return;
    }
    pending_ += samples.size();
    queue_.push_back(std::move(samples));
  }
  wake_.notify_one();
}

void SampleFileOutput::close() {
  {
    std::lock_guard lock(mutex_);
    if (closing_) return;
    closing_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  if (std::fflush(file_) != 0) note_failure(errno);
  if (std::fclose(file_) != 0) note_failure(errno);
}

void SampleFileOutput::note_failure(int err) {
  std::lock_guard lock(mutex_);
  if (!failure_.empty()) return;
  failure_ = "writing '" + path_ + "' failed: " + std::strerror(err);
  // Said when it happens, not only at the end: the samples from here on are lost.
  std::fprintf(stderr, "squall: WARN --out %s; the samples after this point are lost\n", failure_.c_str());
}

void SampleFileOutput::run() {
  while (true) {
    std::vector<metrics::RawSample> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing and drained
      batch = std::move(queue_.front());
      queue_.pop_front();
      pending_ -= batch.size();
    }
    write_batch(batch);
    if (std::ferror(file_)) {
      note_failure(errno);
      std::clearerr(file_);
    }
  }
}

const std::string& SampleFileOutput::tags_json(metrics::TagSetId id) {
  auto it = tag_cache_.find(id);
  if (it != tag_cache_.end()) return it->second;
  nlohmann::json tags = nlohmann::json::object();
  for (const auto& [k, v] : store_->tag_sets().get(id)) tags[k] = v;
  return tag_cache_.emplace(id, tags.dump()).first->second;
}

void SampleFileOutput::write_batch(const std::vector<metrics::RawSample>& samples) {
  auto& registry = store_->metrics();
  for (const auto& s : samples) {
    const auto info = registry.info(s.key.metric);
    if (format_ == Format::kJson) {
      if (announced_.insert(s.key.metric).second) {
        const char* contains = info.value_type == metrics::ValueType::kTime   ? "time"
                               : info.value_type == metrics::ValueType::kData ? "data"
                                                                              : "default";
        std::fprintf(file_,
                     "{\"type\":\"Metric\",\"data\":{\"name\":%s,\"type\":\"%s\",\"contains\":\"%s\",\"thresholds\":[],"
                     "\"submetrics\":null},\"metric\":%s}\n",
                     nlohmann::json(info.name).dump().c_str(), metrics::metric_type_name(info.type), contains,
                     nlohmann::json(info.name).dump().c_str());
      }
      std::fprintf(file_, "{\"type\":\"Point\",\"data\":{\"time\":\"%s\",\"value\":%.17g,\"tags\":%s},\"metric\":%s}\n",
                   rfc3339(s.unix_ns).c_str(), s.value, tags_json(s.key.tags).c_str(),
                   nlohmann::json(info.name).dump().c_str());
    } else {
      const metrics::Tags tags = store_->tag_sets().get(s.key.tags);
      std::string line = csv_field(info.name) + "," + std::to_string(s.unix_ns / 1'000'000'000);
      char value[32];
      std::snprintf(value, sizeof value, ",%.17g", s.value);
      line += value;
      std::string extra;
      for (const char* column : kCsvTagColumns) line += "," + csv_field(metrics::tag_value(tags, column));
      for (const auto& [k, v] : tags) {
        bool known = false;
        for (const char* column : kCsvTagColumns) known = known || k == column;
        if (!known) extra += (extra.empty() ? "" : "&") + k + "=" + v;
      }
      line += "," + csv_field(extra) + ",\n";
      std::fputs(line.c_str(), file_);
    }
    ++written_;
  }
}

}  // namespace squall::outputs
