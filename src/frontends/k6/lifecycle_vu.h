// The VU that runs what happens outside the scenarios (k6 runs these on VUs
// of their own too): the first init, which reads `options` and the exported
// functions, and setup(), teardown() and handleSummary(). It has __VU 0, its
// own isolate and its own worker loop, whose samples go to `settings.store`.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "frontends/k6/isolate_host.h"
#include "frontends/k6/js_vu.h"
#include "vu/worker.h"

namespace squall::k6 {

class LifecycleVu {
 public:
  LifecycleVu(RunShared& run, vu::WorkerSettings settings);
  ~LifecycleVu();

  bool init(std::string& error) { return vu_->init(error); }
  std::string options_json(std::vector<std::string>& functions) { return vu_->options_json(functions); }
  void survey_modules() { vu_->survey_modules(); }
  // The call's samples are in the store when it returns.
  JsVu::CallResult call(const std::string& function, const std::string& arg_json);

 private:
  std::unique_ptr<vu::Worker> worker_;
  std::unique_ptr<vu::VuState> state_;
  std::unique_ptr<IsolateHost> host_;
  std::unique_ptr<JsVu> vu_;
};

}  // namespace squall::k6
