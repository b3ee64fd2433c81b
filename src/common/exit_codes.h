// The process exit codes, k6's where k6 has one, shared by the engine, the front-ends and the CLI.
#pragma once

#include <cstdio>
#include <string>

namespace squall {

constexpr int kExitOk = 0;
constexpr int kExitThresholdsFailed = 99;
constexpr int kExitSetupTimeout = 100;     // setup() ran past setupTimeout
constexpr int kExitTeardownTimeout = 101;  // teardown() ran past teardownTimeout
constexpr int kExitOutputFailed = 103;     // k6's generic engine error: a result file could not be written
constexpr int kExitInvalidConfig = 104;
constexpr int kExitExternalAbort = 105;
constexpr int kExitScriptException = 107;  // the script failed in init, setup() or teardown()
constexpr int kExitScriptAborted = 108;    // k6/execution test.abort()
constexpr int kExitMarkedAsFailed = 110;   // k6/execution test.fail()

// Prints "<who>: <message>" to stderr and returns kExitInvalidConfig: bad flags, options or files.
inline int invalid_config(const std::string& message, const char* who = "squall") {
  std::fprintf(stderr, "%s: %s\n", who, message.c_str());
  return kExitInvalidConfig;
}

}  // namespace squall
