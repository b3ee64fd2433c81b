// The tree of groups and checks (k6's root_group), rebuilt from the `checks`
// rate's series: each check sample carries its group path ("" for the root,
// "::outer::inner" below it, as k6 writes it) and its name in tags.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "metrics/store.h"

namespace squall::report {

struct CheckResult {
  std::string name;
  std::string path;  // group path + "::" + name
  uint64_t passes = 0;
  uint64_t fails = 0;
};

// Checks and groups in the order the test first used them, as k6 lists them.
struct GroupNode {
  std::string name;
  std::string path;
  std::vector<std::pair<std::string, CheckResult>> checks;
  std::vector<std::pair<std::string, std::unique_ptr<GroupNode>>> groups;

  CheckResult& check(const std::string& check_name);
  GroupNode& group(const std::string& group_name);
};

GroupNode build_group_tree(const metrics::MetricsStore& store);
// k6's group and check ids: the MD5 of the path, in hex.
std::string k6_id(const std::string& path);

}  // namespace squall::report
