// The ScriptVus of one vu::IterationProgram, one per VU slot, made on the slot's first iteration.
// Contract: the program's calls (loop thread); stop_all() before the runtime they share goes.
#pragma once

#include <functional>
#include <memory>
#include <unordered_map>

#include "script/script_vu.h"

namespace squall::script {

class ScriptVuSet {
 public:
  using Make = std::function<std::unique_ptr<ScriptVu>(vu::VuState&)>;
  explicit ScriptVuSet(Make make) : make_(std::move(make)) {}
  ~ScriptVuSet() { stop_all(); }

  void start_iteration(vu::VuState& state, std::function<void()> done) {
    auto& vu = vus_[&state];
    if (!vu) vu = make_(state);
    vu->start_iteration(std::move(done));
  }
  void cancel(vu::VuState& state) {
    auto it = vus_.find(&state);
    if (it != vus_.end()) it->second->cancel();
  }
  uint64_t connections_opened() const {
    uint64_t n = 0;
    for (const auto& [state, vu] : vus_) n += vu->connections_opened();
    return n;
  }
  // Ends every VU (an iteration still running must not report to a scheduler going away).
  void stop_all(const std::function<void()>& after_stop_requests = {}) {
    for (auto& [state, vu] : vus_) {
      vu->cancel();
      vu->request_stop();
    }
    if (after_stop_requests) after_stop_requests();
    vus_.clear();
  }

 private:
  Make make_;
  std::unordered_map<vu::VuState*, std::unique_ptr<ScriptVu>> vus_;
};

}  // namespace squall::script
