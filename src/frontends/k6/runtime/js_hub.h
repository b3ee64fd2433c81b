// The CooperativeHub of one isolate: its JS VUs are fibers (script::Fiber) of
// the hub's thread, each seen by V8 as a thread of its own
// (v8_thread_identity.h). A VU that waits lets the isolate go and switches
// back to the hub, which polls the VUs' shared event loop; a request costs
// one fiber switch and V8's save and restore of the VU's state, no thread
// switch (measured in docs/benchmarks.md). The hub's thread enters the
// isolate once, for its whole life: V8's internals look up the current
// isolate through the thread.
#pragma once

#include <v8.h>

#include "script/cooperative_hub.h"

namespace squall::k6 {

class JsHub final : public script::CooperativeHub {
 public:
  // `isolate` outlives the hub. v8_thread_identity::available() is checked before.
  explicit JsHub(v8::Isolate* isolate);
  ~JsHub() override;

 private:
  void begin_thread() override;
  void end_thread() override;
  bool enter(script::CooperativeVu& vu) override;
  void leave(script::CooperativeVu& vu) override;

  v8::Isolate* isolate_;
  int thread_id_ = 0;  // V8's id of the hub's own thread
};

}  // namespace squall::k6
