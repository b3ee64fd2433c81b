// The run engine driven by a fake front-end, in-process: the order of the front-end's hooks, the
// exit codes the engine decides, and that two runs in one process share no state.
#include "engine/run_session.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/exit_codes.h"
#include "metrics/store.h"
#include "report/summary.h"
#include "schedule/executor.h"

namespace squall::engine {
namespace {

// One iteration: a sample of the run's custom metric `work_done`, then done (posted, as I/O would).
class CountingProgram final : public vu::IterationProgram {
 public:
  explicit CountingProgram(vu::Worker& worker)
      : worker_(worker),
        metric_(*worker.store().metrics().define("work_done", metrics::MetricType::kCounter,
                                                 metrics::ValueType::kDefault)) {}
  void run(vu::VuState& state, std::function<void()> done) override {
    worker_.sink().add(metric_, state.tags, 1);
    worker_.sink().add(metrics::builtin::kIterations, state.tags, 1);
    worker_.loop().post(std::move(done));
  }

 private:
  vu::Worker& worker_;
  metrics::MetricId metric_;
};

class FakeFrontEnd final : public frontends::FrontEnd {
 public:
  std::vector<std::string> calls;
  int64_t iterations = 3;
  std::string threshold;  // e.g. "work_done: count<100"
  int prepare_code = kExitOk;
  int before_run_code = kExitOk;
  double work_done_seen = -1;  // by finish(), from the run's store

  int prepare(frontends::TestPlan& plan, metrics::MetricsStore& store, const std::atomic<bool>&) override {
    calls.push_back("prepare");
    // The metric exists before the run, as a script's init defines it (thresholds are checked then).
    store.metrics().define("work_done", metrics::MetricType::kCounter, metrics::ValueType::kDefault);
    plan::ScenarioConfig scenario;
    scenario.name = "fake";
    scenario.executor = plan::ExecutorKind::kPerVuIterations;
    scenario.vus = 2;
    scenario.iterations = iterations;
    plan.scenarios.push_back(scenario);
    plan.settings.worker_count = 1;
    plan.factory = [](vu::Worker& worker, const plan::ScenarioConfig&) {
      return std::make_unique<CountingProgram>(worker);
    };
    plan.show_progress = plan.print_summary = false;
    if (!threshold.empty()) {
      const size_t colon = threshold.find(':');
      std::string error;
      auto selector = metrics::parse_metric_selector(threshold.substr(0, colon), error);
      auto expression = metrics::parse_threshold_expression(threshold.substr(colon + 1), error);
      EXPECT_TRUE(selector && expression) << error;
      plan.thresholds.push_back({*selector, {{*expression}}});
    }
    return prepare_code;
  }
  int before_run(schedule::ExecutionScheduler&) override {
    calls.push_back("before_run");
    return before_run_code;
  }
  void after_run() override { calls.push_back("after_run"); }
  bool handle_summary(const report::Summary&) override {
    calls.push_back("handle_summary");
    return false;
  }
  int finish(const metrics::MetricsStore& store, const schedule::ExecutionResult&, int engine_code) override {
    calls.push_back("finish");
    work_done_seen = store.metric_total(*store.metrics().find("work_done")).sum;
    return engine_code;
  }
  void close() override { calls.push_back("close"); }
};

TEST(RunSession, CallsTheFrontEndInOrderAndHandsItTheRunsMetrics) {
  FakeFrontEnd front_end;
  EXPECT_EQ(run_session(front_end, RunOptions{}), kExitOk);
  EXPECT_EQ(front_end.calls,
            (std::vector<std::string>{"prepare", "before_run", "after_run", "handle_summary", "finish", "close"}));
  EXPECT_EQ(front_end.work_done_seen, 6);  // 2 VUs x 3 iterations
}

TEST(RunSession, CrossedThresholdsExit99) {
  FakeFrontEnd front_end;
  front_end.threshold = "work_done:count<5";
  EXPECT_EQ(run_session(front_end, RunOptions{}), kExitThresholdsFailed);
  FakeFrontEnd passing;
  passing.threshold = "work_done:count<7";
  EXPECT_EQ(run_session(passing, RunOptions{}), kExitOk);
}

TEST(RunSession, AFrontEndErrorStopsTheRunBeforeAnyScenario) {
  FakeFrontEnd bad_script;
  bad_script.prepare_code = kExitScriptException;
  EXPECT_EQ(run_session(bad_script, RunOptions{}), kExitScriptException);
  EXPECT_EQ(bad_script.calls, (std::vector<std::string>{"prepare", "close"}));  // close() on every path
  FakeFrontEnd setup_timed_out;
  setup_timed_out.before_run_code = kExitSetupTimeout;
  EXPECT_EQ(run_session(setup_timed_out, RunOptions{}), kExitSetupTimeout);
  EXPECT_EQ(setup_timed_out.calls, (std::vector<std::string>{"prepare", "before_run", "close"}));
}

TEST(RunSession, PlanMistakesAreInvalidConfigBeforeTheRun) {
  FakeFrontEnd unknown_metric;
  unknown_metric.threshold = "no_such_metric:count<1";
  EXPECT_EQ(run_session(unknown_metric, RunOptions{}), kExitInvalidConfig);
  EXPECT_EQ(unknown_metric.calls, (std::vector<std::string>{"prepare", "close"}));
  FakeFrontEnd too_few;
  too_few.iterations = 0;  // per-vu-iterations needs at least one
  EXPECT_EQ(run_session(too_few, RunOptions{}), kExitInvalidConfig);
  RunOptions unwritable;
  unwritable.summary_export = "/nonexistent-dir/summary.json";
  FakeFrontEnd fine;
  EXPECT_EQ(run_session(fine, unwritable), kExitInvalidConfig);  // found before the run, not after
  EXPECT_EQ(fine.calls, (std::vector<std::string>{"prepare", "close"}));
}

// Each run has its own registries: a metric a first run defined means nothing to a second one.
TEST(RunSession, TwoRunsInOneProcessShareNoMetrics) {
  FakeFrontEnd first;
  ASSERT_EQ(run_session(first, RunOptions{}), kExitOk);
  FakeFrontEnd second;
  second.iterations = 1;
  ASSERT_EQ(run_session(second, RunOptions{}), kExitOk);
  EXPECT_EQ(first.work_done_seen, 6);
  EXPECT_EQ(second.work_done_seen, 2);  // not 8: the second run's store started empty
  metrics::MetricsStore a, b;
  a.metrics().define("only_in_a", metrics::MetricType::kTrend, metrics::ValueType::kTime);
  EXPECT_FALSE(b.metrics().find("only_in_a"));
  EXPECT_EQ(b.metrics().find("http_reqs"), metrics::builtin::kHttpReqs);  // the built-ins are in every run
}

}  // namespace
}  // namespace squall::engine
