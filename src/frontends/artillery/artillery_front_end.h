// Artillery YAML as a front-end: a script's phases as one scenario on the native engine, its flows
// as VU programs, then Artillery's JSON report (-o) and its ensure checks (exit 1 when one fails).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "frontends/artillery/parser.h"
#include "frontends/front_end.h"

namespace squall::artillery {

struct FlowShared;

// An `artillery run FILE.yml` as the command line asked for it.
struct ArtilleryInvocation {
  std::string path;
  LoadOptions load;                   // -t, -e, --overrides, -v, --scenario-name
  std::optional<std::string> dotenv;  // --dotenv FILE: KEY=VALUE lines into the environment first
  std::optional<std::string> output;  // -o: Artillery's JSON report
  bool insecure = false;              // -k
  bool quiet = false;                 // -q
};

class ArtilleryFrontEnd final : public frontends::FrontEnd {
 public:
  explicit ArtilleryFrontEnd(ArtilleryInvocation invocation);
  ~ArtilleryFrontEnd() override;

  int prepare(frontends::TestPlan& plan, metrics::MetricsStore& store, const std::atomic<bool>& interrupted) override;
  int finish(const metrics::MetricsStore& store, const schedule::ExecutionResult& result, int engine_code) override;

 private:
  ArtilleryInvocation invocation_;
  std::optional<Script> script_;
  std::unique_ptr<FlowShared> shared_;
  int64_t wall_start_ms_ = 0;
};

}  // namespace squall::artillery
