#include "report/group_tree.h"

#include <openssl/evp.h>

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

GroupNode build_group_tree(const metrics::MetricsStore& store) {
  GroupNode root;
  auto& tagsets = metrics::TagSetRegistry::global();
  for (const auto& [packed, aggregate] : store.totals()) {
    if ((packed >> 32) != metrics::builtin::kChecks) continue;
    const metrics::Tags tags = tagsets.get(static_cast<metrics::TagSetId>(packed & 0xffffffffu));
    const std::string group = metrics::tag_value(tags, "group");
    const std::string check = metrics::tag_value(tags, "check");
    GroupNode* node = &root;
    // "::a::b" -> a, b
    size_t pos = 0;
    while (group.size() > pos + 2 && group.compare(pos, 2, "::") == 0) {
      const size_t next = group.find("::", pos + 2);
      const std::string name = group.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      auto& child = node->groups[name];
      if (!child) {
        child = std::make_unique<GroupNode>();
        child->name = name;
        child->path = group.substr(0, next == std::string::npos ? group.size() : next);
      }
      node = child.get();
      if (next == std::string::npos) break;
      pos = next;
    }
    CheckResult& c = node->checks[check];
    c.name = check;
    c.path = group + "::" + check;
    c.passes += aggregate.nonzero;
    c.fails += aggregate.count - aggregate.nonzero;
  }
  return root;
}

}  // namespace squall::report
