#include "frontends/k6/lifecycle_vu.h"

#include <future>

namespace squall::k6 {

LifecycleVu::LifecycleVu(RunShared& run, vu::WorkerSettings settings) {
  settings.test_start = mono_now();
  worker_ = std::make_unique<vu::Worker>(-1, settings);
  std::promise<void> ready;
  worker_->start([this, &ready](vu::Worker& worker) {
    state_ = std::make_unique<vu::VuState>(worker.client_context());
    ready.set_value();
  });
  ready.get_future().wait();
  host_ = std::make_unique<IsolateHost>(run);
  vu_ = std::make_unique<JsVu>(*host_, *worker_, *state_, nullptr);
}

JsVu::CallResult LifecycleVu::call(const std::string& function, const std::string& arg_json) {
  JsVu::CallResult result = vu_->call(function, arg_json);
  worker_->flush();
  return result;
}

LifecycleVu::~LifecycleVu() {
  vu_.reset();
  worker_->resolver().forget(host_->io());
  host_.reset();
  worker_->stop();
  worker_->join();
  state_.reset();
}

}  // namespace squall::k6
