#include "report/group_tree.h"

#include <openssl/evp.h>

#include <algorithm>

namespace squall::report {

std::string k6_id(const std::string& path) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(path.data(), path.size(), digest, &len, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

CheckResult& GroupNode::check(const std::string& check_name) {
  for (auto& [key, c] : checks) {
    if (key == check_name) return c;
  }
  return checks.emplace_back(check_name, CheckResult{}).second;
}

GroupNode& GroupNode::group(const std::string& group_name) {
  for (auto& [key, g] : groups) {
    if (key == group_name) return *g;
  }
  return *groups.emplace_back(group_name, std::make_unique<GroupNode>()).second;
}

GroupNode build_group_tree(const metrics::MetricsStore& store) {
  GroupNode root;
  auto& tagsets = store.tag_sets();
  // Tag set ids grow as sets are first interned: their order is the order of first use.
  std::vector<std::pair<metrics::TagSetId, metrics::Aggregate>> series;
  for (const auto& [packed, aggregate] : store.totals()) {
    const auto key = metrics::SeriesKey::unpack(packed);
    if (key.metric == metrics::builtin::kChecks) series.emplace_back(key.tags, aggregate);
  }
  std::sort(series.begin(), series.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [tagset, aggregate] : series) {
    const metrics::Tags tags = tagsets.get(tagset);
    const std::string group = metrics::tag_value(tags, "group");
    const std::string check = metrics::tag_value(tags, "check");
    GroupNode* node = &root;
    // "::a::b" -> a, b
    size_t pos = 0;
    while (group.size() > pos + 2 && group.compare(pos, 2, "::") == 0) {
      const size_t next = group.find("::", pos + 2);
      const std::string name = group.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      GroupNode& child = node->group(name);
      if (child.name.empty()) {
        child.name = name;
        child.path = group.substr(0, next == std::string::npos ? group.size() : next);
      }
      node = &child;
      if (next == std::string::npos) break;
      pos = next;
    }
    CheckResult& c = node->check(check);
    c.name = check;
    c.path = group + "::" + check;
    c.passes += aggregate.nonzero;
    c.fails += aggregate.count - aggregate.nonzero;
  }
  return root;
}

}  // namespace squall::report
