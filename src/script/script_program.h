// The IterationProgram of scripted front-ends (k6's JavaScript, Locust's Python): one ScriptVu per
// VU slot, all on one runtime the subclass owns (a V8 isolate host, a greenlet hub) with an event
// loop of its own. Contract: the subclass's destructor calls shut_down() before its runtime goes.
#pragma once

#include <functional>
#include <utility>

#include "net/event_loop.h"
#include "script/script_vu_set.h"
#include "vu/iteration_program.h"
#include "vu/worker.h"

namespace squall::script {

class ScriptProgram : public vu::IterationProgram {
 public:
  void run(vu::VuState& state, std::function<void()> done) override { vus_.start_iteration(state, std::move(done)); }
  void cancel(vu::VuState& state) override { vus_.cancel(state); }
  uint64_t connections_opened() const override { return vus_.connections_opened(); }

 protected:
  // `make`: a VU of the subclass's runtime, for a slot's first iteration.
  ScriptProgram(vu::Worker& worker, ScriptVuSet::Make make) : worker_(worker), vus_(std::move(make)) {}

  // Ends every VU (`after_stop_requests` runs once all were asked to stop: a runtime stuck in a
  // loop is terminated there), then makes sure no DNS answer is posted to `runtime_io` any more.
  void shut_down(net::EventLoop& runtime_io, const std::function<void()>& after_stop_requests = {}) {
    vus_.stop_all(after_stop_requests);
    worker_.resolver().forget(runtime_io);
  }

  vu::Worker& worker_;

 private:
  ScriptVuSet vus_;
};

}  // namespace squall::script
