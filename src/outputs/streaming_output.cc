#include "outputs/streaming_output.h"

#include <algorithm>

namespace squall::outputs {

namespace {

uint64_t series_in(const std::vector<SecondOfMetrics>& seconds) {
  uint64_t n = 0;
  for (const auto& s : seconds) n += s.series.size();
  return n;
}

}  // namespace

StreamingOutput::~StreamingOutput() { close(0); }

void StreamingOutput::start(int64_t test_start_unix_ms, const metrics::MetricsStore& store) {
  start_unix_ms_ = test_start_unix_ms;
  store_ = &store;
  thread_ = std::thread([this] { run(); });
}

void StreamingOutput::consume(int64_t second, const std::vector<metrics::SecondSeries>& series) {
  if (series.empty()) return;
  std::lock_guard lock(mutex_);
  if (closing_) return;
  const int64_t begin = start_unix_ms_ + second * 1000;
  const int64_t end = end_unix_ms_ ? std::min(begin + 1000, std::max(begin + 1, end_unix_ms_)) : begin + 1000;
  queue_.push_back({begin, end, start_unix_ms_, series, store_});
  if (queue_.size() > kMaxQueuedSeconds) {
    series_dropped_ += queue_.front().series.size();
    last_error_ = "the backend could not keep up";
    queue_.pop_front();
  }
  wake_.notify_one();
}

void StreamingOutput::run_ended(int64_t unix_ms) {
  std::lock_guard lock(mutex_);
  end_unix_ms_ = unix_ms;
}

void StreamingOutput::close(Nanos grace) {
  {
    std::lock_guard lock(mutex_);
    if (!closing_) {
      closing_ = true;
      close_deadline_ = mono_now() + grace;
    }
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::string StreamingOutput::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

bool StreamingBackend::accepted(const net::HttpResponse& response, std::string& error) {
  if (response.failed()) {
    error = response.error;
    return false;
  }
  if (response.status / 100 != 2) {
    error = "HTTP " + std::to_string(response.status) + ": " + response.body.substr(0, 200);
    return false;
  }
  return true;
}

void StreamingOutput::drop(const std::vector<SecondOfMetrics>& seconds, const std::string& why) {
  series_dropped_ += series_in(seconds);
  std::lock_guard lock(mutex_);
  last_error_ = why;
}

void StreamingOutput::run() {
  HttpPoster poster;
  std::string error;
  const bool ready = backend_->prepare(poster, error);
  for (;;) {
    std::vector<SecondOfMetrics> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty() || (closing_ && mono_now() >= close_deadline_)) {
        for (const auto& s : queue_) series_dropped_ += s.series.size();
        queue_.clear();
        return;
      }
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
    }
    if (!ready) {
      drop(batch, error);
      continue;
    }
    const net::HttpResponse response = poster.send(backend_->encode(batch), kRequestTimeout);
    ++requests_sent_;
    std::string why;
    if (backend_->accepted(response, why)) {
      series_sent_ += series_in(batch);
    } else {
      drop(batch, why);
    }
  }
}

}  // namespace squall::outputs
