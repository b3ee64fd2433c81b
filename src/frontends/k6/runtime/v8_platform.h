// The process-wide V8 platform: initialised once, on first use, and kept
// until exit (V8 cannot be re-initialised after disposal).
#pragma once

namespace squall::k6 {

void ensure_v8_initialized();

}  // namespace squall::k6
