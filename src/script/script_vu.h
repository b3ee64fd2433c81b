// A virtual user of a script runtime (k6's JavaScript, Locust's Python): the
// script calls synchronous functions (an HTTP request, a sleep) that wait for
// the VU's event loop. How a VU waits is its subclass's: a thread of its own
// passing a baton (ThreadedVu), or a greenlet switching back to its hub.
//
// Contract: start_iteration() and cancel() are called with the worker's loop
// state held (its thread, or a thread holding vu::Worker::guard()); an
// iteration's `done` is called holding that guard, unless it was cancelled.
// What is under "VU" runs in the VU's own flow of control (its thread or
// greenlet) with the runtime held. Everything the event loop touches while
// the VU waits lives in this object, never on the VU's stack (a greenlet's
// stack is copied away while it is switched out).
#pragma once

#include <atomic>
#include <functional>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

#include "metrics/sink.h"
#include "net/event_loop.h"
#include "net/http_client.h"
#include "net/http_types.h"
#include "vu/http_sample_recorder.h"
#include "vu/iteration_program.h"
#include "vu/worker.h"

namespace squall::script {

class ScriptVu {
 public:
  // `io`: the loop the VU's connections and timers live on (its thread is the one that polls it).
  ScriptVu(net::EventLoop& io, vu::Worker& worker, vu::VuState& state);
  virtual ~ScriptVu();
  ScriptVu(const ScriptVu&) = delete;
  ScriptVu& operator=(const ScriptVu&) = delete;

  virtual void start_iteration(std::function<void()> done) = 0;
  // Interrupts the running iteration (its `done` will not be called).
  void cancel();
  // Any thread: asks the VU to end once idle or its waits are cut short (destruction waits for it).
  virtual void request_stop() = 0;
  uint64_t connections_opened() const { return connections_opened_.load(std::memory_order_relaxed); }

  // ---- VU ----
  vu::VuState& state() { return state_; }
  // The run's store: its registries define the script's metrics and intern its tag sets.
  metrics::MetricsStore& store() { return worker_.store(); }
  const vu::VuState& state() const { return state_; }
  int64_t id() const { return state_.id; }
  net::HttpClient& client() { return client_; }
  // Where this VU's samples go (to the worker's sink at the iteration's end).
  metrics::SampleBuffer& samples() { return samples_; }
  bool interrupted() const {
    return running_generation_ != generation_.load(std::memory_order_acquire) || stopping_.load();
  }
  // The runtime goes on after an interruption (to clean up, as Locust's on_stop): waits and
  // requests work again, and the interrupted iteration's `done` stays uncalled. Not after
  // request_stop().
  void resume_after_interrupt() { running_generation_ = generation_.load(std::memory_order_acquire); }
  // Sends the request and waits for the final response, recording its sample unless `record` is
  // false. False (response untouched) when the iteration is interrupted meanwhile. `expected`
  // decides expected_response / http_req_failed.
  bool http(const net::HttpRequest& request, const net::RequestOptions& options, metrics::TagSetId request_tags,
            const std::function<bool(int)>& expected, net::HttpResponse& response, bool record = true);
  // One request of http_batch().
  struct BatchRequest {
    const net::HttpRequest* request;
    net::RequestOptions options;
    metrics::TagSetId tags = 0;
  };
  // Sends `requests` side by side — at most `in_flight` at once and `per_host` to one host
  // (0: no limit), each on a connection of its own — waits for every final response and records
  // their samples, as http() does. False (responses untouched) when interrupted meanwhile.
  bool http_batch(const std::vector<BatchRequest>& requests, size_t in_flight, size_t per_host,
                  const std::function<bool(int)>& expected, std::vector<net::HttpResponse>& responses);
  // Starts a request and returns at once (k6's asyncRequest). Once its final response has come,
  // deliver_async_responses() records its samples and calls `done` with it, on the VU.
  void http_async(const net::HttpRequest& request, const net::RequestOptions& options, metrics::TagSetId request_tags,
                  std::function<bool(int)> expected, std::function<void(const net::HttpResponse&)> done);
  bool async_pending() const { return !async_.empty(); }
  // VU: records and hands over the responses of http_async() that have come; false if none had.
  bool deliver_async_responses();
  // Until a response of http_async() comes, or the monotonic `deadline` (0: none); false if
  // interrupted first.
  bool wait_async(Nanos deadline);
  // Forgets the requests of http_async(), aborting those still in flight (an interrupted or failed
  // iteration; one that ended normally has none left).
  void drop_async();
  // Records a sample of a response http() did not record (the script decided its outcome later).
  void record(metrics::TagSetId request_tags, const net::HttpResponse& response, bool expected);
  // False when interrupted before `duration` passed.
  bool sleep(Nanos duration) { return wait_until(mono_now() + duration, false); }
  // Until `ready()`; false if the iteration was interrupted first.
  bool wait_for(const std::function<bool()>& ready);

 protected:
  // VU: waits once, until wake() (or sooner: callers check again).
  virtual void block(const std::function<bool()>& ready) = 0;
  // Any thread: what the VU waits for may have happened.
  virtual void wake() = 0;
  // VU, in the runtime: one iteration (the runtime logs its errors).
  virtual void run_iteration() = 0;
  // VU: a think time of at least kLongWait begins; a VU with a stack of its own gives back what
  // it does not need while it waits.
  static constexpr Nanos kLongWait = 50 * kMillisecond;
  virtual void before_long_wait() {}
  // VU: runs the iteration of `generation` (unless cancelled before it began) and reports it.
  void run_iteration_command(uint64_t generation, const std::function<void()>& done);
  // VU: a command that is not an iteration runs as of the current generation.
  void adopt_generation(uint64_t generation) { running_generation_ = generation; }
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // VU: hands the buffered samples to the worker's sink now.
  void drain_samples();
  // k6 records every hop of a redirect chain; Locust (requests) one sample per call.
  void record_redirect_hops(bool on) { record_redirect_hops_ = on; }

  vu::Worker& worker_;
  std::atomic<bool> stopping_{false};

 private:
  vu::VuState& state_;
  net::ClientContext client_context_;
  net::HttpClient client_;
  metrics::SampleBuffer samples_;
  vu::BufferedHttpSampleRecorder recorder_{samples_, worker_.store().tag_sets()};
  std::atomic<uint64_t> connections_opened_{0};
  bool first_request_ = true;  // of the iteration: the one measured from the intended start
  // The iteration's intended start for its first request (open models), 0 for the others.
  Nanos take_intended_start();
  bool record_redirect_hops_ = false;
  // What the loop's callbacks write while the VU waits.
  struct Hop {
    metrics::TagSetId request_tags;
    net::HttpResponse response;
  };
  std::vector<Hop> hops_;  // redirect hops, recorded by the VU once their request is done
  struct AsyncExchange {
    metrics::TagSetId tags = 0;
    std::function<bool(int)> expected;
    std::function<void(const net::HttpResponse&)> done;
    net::HttpResponse response;
    bool complete = false;
    Nanos intended = 0;     // the iteration's intended start, for its first request (open models)
    std::vector<Hop> hops;  // its own redirect hops (judged by its own expected statuses)
  };
  std::list<AsyncExchange> async_;  // http_async()'s requests, in the order they were made
  size_t async_complete_ = 0;       // of them, those whose response has come
  bool exchange_done_ = false;
  net::HttpResponse exchange_response_;
  // The observer of a request's redirect hops, gathering them into `into` (none unless they are recorded).
  net::HttpClient::RedirectObserver hop_observer(metrics::TagSetId request_tags, std::vector<Hop>& into);
  // Until the monotonic `deadline` (0: none), or sooner for a response of http_async() if
  // `or_async`; false if interrupted first.
  bool wait_until(Nanos deadline, bool or_async);
  // Records the hops gathered in `hops` and clears it; the first request of an iteration was `intended`.
  void record_hops(std::vector<Hop>& hops, const std::function<bool(int)>& expected, Nanos& intended);
  // The tags of a request's last hop: its own, or those of where its redirects led.
  metrics::TagSetId final_hop_tags(metrics::TagSetId request_tags, const net::HttpResponse& response) const;
  bool sleep_due_ = false;
  net::Timer sleep_timer_;
  struct Batch {  // http_batch()'s exchanges in flight
    std::vector<net::HttpResponse> responses;
    std::vector<bool> started;
    std::unordered_map<std::string, size_t> per_host;  // in flight, by authority
    size_t in_flight = 0;
    size_t completed = 0;
    bool progress = false;  // a response came since the VU last looked
  } batch_;

  std::atomic<uint64_t> generation_{0};  // bumped by cancel(): the running iteration is interrupted
  uint64_t running_generation_ = 0;
};

}  // namespace squall::script
