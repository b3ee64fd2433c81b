#include "frontends/k6/runtime/v8_platform.h"

#include <libplatform/libplatform.h>
#include <v8.h>

#include <cstdlib>
#include <memory>
#include <mutex>

namespace squall::k6 {

void ensure_v8_initialized() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Two background threads are enough for GC and compilation: the cores belong to the workers.
    // SQUALL_V8_FLAGS: V8's own flags, for diagnosis (e.g. --trace-gc).
    if (const char* flags = std::getenv("SQUALL_V8_FLAGS")) v8::V8::SetFlagsFromString(flags);
    static std::unique_ptr<v8::Platform> platform = v8::platform::NewDefaultPlatform(2);
    v8::V8::InitializePlatform(platform.get());
    v8::V8::Initialize();
  });
}

}  // namespace squall::k6
