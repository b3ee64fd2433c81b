#include "plan/scenario.h"

namespace squall::plan {

namespace {

struct Name {
  const char* text;
  ExecutorKind kind;
};

constexpr Name kNames[] = {
    {"shared-iterations", ExecutorKind::kSharedIterations},
    {"per-vu-iterations", ExecutorKind::kPerVuIterations},
    {"constant-vus", ExecutorKind::kConstantVus},
    {"ramping-vus", ExecutorKind::kRampingVus},
    {"constant-arrival-rate", ExecutorKind::kConstantArrivalRate},
    {"ramping-arrival-rate", ExecutorKind::kRampingArrivalRate},
    {"externally-controlled", ExecutorKind::kExternallyControlled},
};

}  // namespace

bool parse_executor_kind(const std::string& name, ExecutorKind& out) {
  for (const auto& n : kNames) {
    if (name == n.text) {
      out = n.kind;
      return true;
    }
  }
  return false;
}

const char* executor_name(ExecutorKind kind) {
  for (const auto& n : kNames) {
    if (n.kind == kind) return n.text;
  }
  return "?";
}

}  // namespace squall::plan
