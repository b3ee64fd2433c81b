// The subcommands of the squall binary. Each returns the process exit code.
#pragma once

#include <string>

namespace squall::cli {

// Exit codes shared with k6.
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

// Prints "<who>: <message>" to stderr and returns kExitInvalidConfig.
int report_invalid(const char* who, const std::string& message);

int http_command(int argc, char** argv);   // squall http URL ...
int serve_command(int argc, char** argv);  // squall serve ...
int demo_command(int argc, char** argv);   // squall demo: serve + http in one process
int artillery_command(int argc, char** argv);  // squall artillery run FILE.yml ...
int run_command(int argc, char** argv);        // squall run FILE (by extension)
int run_k6_script(int argc, char** argv);      // squall run FILE.js: k6 JavaScript
int locust_command(int argc, char** argv);     // squall locust -f FILE.py (also squall run FILE.py)
int compare_command(int argc, char** argv);    // squall compare BASELINE CURRENT
int report_command(int argc, char** argv);     // squall report RESULTS -o report.html

}  // namespace squall::cli
