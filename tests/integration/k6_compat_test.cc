// k6 compatibility corpus (tests/k6/compat/): scripts written here that exercise k6's API, CLI and
// output as k6 v1.3 documents them. Each script checks itself; the test asserts the run's exit
// code and that every check passed, with the count it expects (a check that silently vanished
// fails the count).
#include <gtest/gtest.h>

#include "demo/demo_server.h"
#include "run_squall.h"

namespace squall {
namespace {

using squall::testing::read_json;
using squall::testing::run_squall;
using squall::testing::temp_path;

class K6Compat : public ::testing::Test {
 protected:
  void SetUp() override { server_ = squall::testing::start_demo_server(); }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  // Runs tests/k6/compat/`name` with `extra` flags; every one of `checks` checks must pass.
  squall::testing::Run run_compat(const std::string& name, int checks, std::vector<std::string> extra = {}) {
    const std::string exported = temp_path(name + ".export.json");
    std::vector<std::string> args{"run", SQUALL_SOURCE_DIR "/tests/k6/compat/" + name, "-e", "BASE=" + base(),
                                  "--summary-export", exported};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_squall(args);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const auto metrics = read_json(exported)["metrics"];
    EXPECT_EQ(metrics["checks"]["fails"], 0) << r.output;
    EXPECT_EQ(metrics["checks"]["passes"], checks) << r.output;
    return r;
  }

  std::unique_ptr<demo::DemoServer> server_;
};

// The global `crypto` and every WebCrypto algorithm k6 has, against published vectors.
TEST_F(K6Compat, WebCrypto) { run_compat("webcrypto.js", 58); }

}  // namespace
}  // namespace squall
