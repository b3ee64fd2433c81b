#include "frontends/k6/runtime/js_hub.h"

#include "frontends/k6/runtime/js_vu.h"
#include "frontends/k6/runtime/v8_thread_identity.h"

namespace squall::k6 {

JsHub::JsHub(v8::Isolate* isolate) : isolate_(isolate) { start(); }

JsHub::~JsHub() { stop(); }

// Entering and leaving change the isolate's entry stack, which other threads' scopes change too:
// under the lock.
void JsHub::begin_thread() {
  thread_id_ = v8_thread_identity::current();
  v8::Locker locker(isolate_);
  isolate_->Enter();
}

void JsHub::end_thread() {
  v8::Locker locker(isolate_);
  isolate_->Exit();
}

bool JsHub::enter(script::CooperativeVu& vu) {
  auto& js = static_cast<JsVu&>(vu);
  v8_thread_identity::adopt(js.v8_thread_id_);
  js.fiber_.resume();
  v8_thread_identity::adopt(thread_id_);
  return js.fiber_.finished();
}

void JsHub::leave(script::CooperativeVu& vu) { static_cast<JsVu&>(vu).fiber_.suspend(); }

}  // namespace squall::k6
