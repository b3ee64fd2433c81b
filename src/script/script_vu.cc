#include "script/script_vu.h"

#include <mutex>
#include <utility>

namespace squall::script {

ScriptVu::ScriptVu(net::EventLoop& io, vu::Worker& worker, vu::VuState& state)
    : worker_(worker),
      state_(state),
      client_context_{io, worker.resolver(), worker.client_context().tls, worker.client_context().config},
      client_(client_context_),
      sleep_timer_([this] {
        sleep_due_ = true;
        wake();
      }) {}

ScriptVu::~ScriptVu() = default;

void ScriptVu::cancel() {
  generation_.fetch_add(1, std::memory_order_acq_rel);
  wake();
}

void ScriptVu::run_iteration_command(uint64_t generation, const std::function<void()>& done) {
  running_generation_ = generation;
  if (interrupted()) return;  // cancelled before it began
  first_request_ = true;
  run_iteration();
  // The iteration ends on the worker's state, under its guard: the scheduler may start this VU's
  // next iteration right here, without waking any thread.
  connections_opened_.store(client_.connections_opened(), std::memory_order_relaxed);
  std::lock_guard<std::mutex> hold(worker_.guard());
  samples_.drain_into(worker_.sink());
  if (generation == generation_.load()) done();
}

void ScriptVu::drain_samples() {
  if (samples_.empty()) return;
  std::lock_guard<std::mutex> hold(worker_.guard());
  samples_.drain_into(worker_.sink());
}

bool ScriptVu::wait_for(const std::function<bool()>& ready) {
  while (!ready()) {
    if (interrupted()) return false;
    block(ready);
  }
  return true;
}

Nanos ScriptVu::take_intended_start() {
  const Nanos intended = first_request_ ? state_.intended_start : 0;
  first_request_ = false;
  return intended;
}

bool ScriptVu::http(const net::HttpRequest& request, const net::RequestOptions& options, metrics::TagSetId request_tags,
                    const std::function<bool(int)>& expected, net::HttpResponse& response, bool record) {
  Nanos intended = take_intended_start();  // (the first hop recorded takes it)
  exchange_done_ = false;
  // The completion runs on whoever polls the loop; the sample is recorded back on the VU.
  client_.send(
      request, options,
      [this](net::HttpResponse& r) {
        exchange_response_ = std::move(r);
        exchange_done_ = true;
        wake();
      },
      record ? hop_observer(request_tags, hops_) : nullptr);
  if (!wait_for([this] { return exchange_done_; })) {
    client_.abort();
    hops_.clear();
    return false;
  }
  if (record) {
    record_hops(hops_, expected, intended);
    recorder_.record(final_hop_tags(request_tags, exchange_response_), exchange_response_,
                     expected(exchange_response_.status), intended);
  }
  response = std::move(exchange_response_);
  return true;
}

bool ScriptVu::http_batch(const std::vector<BatchRequest>& requests, size_t in_flight, size_t per_host,
                          const std::function<bool(int)>& expected, std::vector<net::HttpResponse>& responses) {
  Nanos intended = take_intended_start();
  const size_t n = requests.size();
  batch_.responses.assign(n, net::HttpResponse{});
  batch_.started.assign(n, false);
  batch_.per_host.clear();
  batch_.in_flight = batch_.completed = 0;
  while (batch_.completed < n) {
    batch_.progress = false;  // (before the sends: a completion may come at once)
    // Starts what the limits allow, in order; a request to a busy host waits for a slot there.
    for (size_t i = 0; i < n && (in_flight == 0 || batch_.in_flight < in_flight); ++i) {
      if (batch_.started[i]) continue;
      std::string host = requests[i].request->url.authority();
      size_t& to_host = batch_.per_host[host];
      if (per_host != 0 && to_host >= per_host) continue;
      batch_.started[i] = true;
      ++batch_.in_flight;
      ++to_host;
      // Completions run on whoever polls the loop; the VU starts the next requests itself.
      client_.send(
          *requests[i].request, requests[i].options,
          [this, i, host = std::move(host)](net::HttpResponse& r) {
            batch_.responses[i] = std::move(r);
            --batch_.in_flight;
            --batch_.per_host[host];
            ++batch_.completed;
            batch_.progress = true;
            wake();
          },
          hop_observer(requests[i].tags, hops_));
    }
    if (!wait_for([this] { return batch_.progress; })) {
      client_.abort();
      hops_.clear();
      return false;
    }
  }
  record_hops(hops_, expected, intended);
  for (size_t i = 0; i < n; ++i) {
    recorder_.record(final_hop_tags(requests[i].tags, batch_.responses[i]), batch_.responses[i],
                     expected(batch_.responses[i].status), std::exchange(intended, 0));
  }
  responses = std::move(batch_.responses);
  return true;
}

net::HttpClient::RedirectObserver ScriptVu::hop_observer(metrics::TagSetId request_tags, std::vector<Hop>& into) {
  if (!record_redirect_hops_) return nullptr;
  // Runs on whoever polls the loop, as the completion does; the VU records once the request is done.
  return [&into, request_tags](const net::HttpResponse& response) { into.push_back({request_tags, response}); };
}

void ScriptVu::record_hops(std::vector<Hop>& hops, const std::function<bool(int)>& expected, Nanos& intended) {
  for (const Hop& hop : hops) {
    recorder_.record(
        vu::redirect_hop_tags(worker_.store().tag_sets(), hop.request_tags, hop.response.method, hop.response.url),
        hop.response, expected(hop.response.status), std::exchange(intended, 0));
  }
  hops.clear();
}

metrics::TagSetId ScriptVu::final_hop_tags(metrics::TagSetId request_tags, const net::HttpResponse& response) const {
  return !record_redirect_hops_ || response.redirects == 0
             ? request_tags
             : vu::redirect_hop_tags(worker_.store().tag_sets(), request_tags, response.method, response.url);
}

void ScriptVu::record(metrics::TagSetId request_tags, const net::HttpResponse& response, bool expected) {
  recorder_.record(request_tags, response, expected);
}

bool ScriptVu::wait_until(Nanos deadline, bool or_async) {
  // What was measured reaches the worker before a think time, not only when the iteration ends
  // (an iteration may span many requests and sleeps, or be cut short at the end of the test).
  drain_samples();
  if (deadline && deadline - mono_now() >= kLongWait) before_long_wait();
  sleep_due_ = false;
  if (deadline) client_context_.loop.arm(sleep_timer_, deadline);
  const bool waited = wait_for([this, or_async] { return sleep_due_ || (or_async && async_complete_ > 0); });
  client_context_.loop.cancel(sleep_timer_);
  return waited;
}

void ScriptVu::http_async(const net::HttpRequest& request, const net::RequestOptions& options,
                          metrics::TagSetId request_tags, std::function<bool(int)> expected,
                          std::function<void(const net::HttpResponse&)> done) {
  async_.push_back({request_tags, std::move(expected), std::move(done), {}, false, take_intended_start(), {}});
  AsyncExchange* exchange = &async_.back();  // (list nodes stay put)
  // The completion runs on whoever polls the loop; the VU records and delivers it.
  client_.send(
      request, options,
      [this, exchange](net::HttpResponse& r) {
        exchange->response = std::move(r);
        exchange->complete = true;
        ++async_complete_;
        wake();
      },
      hop_observer(request_tags, exchange->hops));
}

bool ScriptVu::deliver_async_responses() {
  if (async_complete_ == 0) return false;
  for (auto it = async_.begin(); it != async_.end();) {
    if (!it->complete) {
      ++it;
      continue;
    }
    AsyncExchange exchange = std::move(*it);
    it = async_.erase(it);
    --async_complete_;
    record_hops(exchange.hops, exchange.expected, exchange.intended);
    recorder_.record(final_hop_tags(exchange.tags, exchange.response), exchange.response,
                     exchange.expected(exchange.response.status), exchange.intended);
    exchange.done(exchange.response);
  }
  return true;
}

bool ScriptVu::wait_async(Nanos deadline) { return wait_until(deadline, true); }

void ScriptVu::drop_async() {
  // Their completions point into async_: the exchanges still in flight go first.
  if (async_complete_ < async_.size()) client_.abort();
  async_.clear();
  async_complete_ = 0;
  hops_.clear();
}

}  // namespace squall::script
