#include "frontends/k6/modules/json_selector.h"

#include <charconv>
#include <string>
#include <vector>

namespace squall::k6 {

namespace {

std::vector<std::string> split_path(std::string_view selector) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < selector.size(); ++i) {
    const char c = selector[i];
    if (c == '\\' && i + 1 < selector.size()) {
      parts.back() += selector[++i];
    } else if (c == '.') {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

std::optional<nlohmann::json> walk(const nlohmann::json& node, const std::vector<std::string>& parts, size_t at) {
  if (at == parts.size()) return node;
  const std::string& part = parts[at];
  if (node.is_array()) {
    if (part == "#") {
      if (at + 1 == parts.size()) return nlohmann::json(node.size());
      nlohmann::json collected = nlohmann::json::array();
      for (const auto& element : node) {
        if (auto v = walk(element, parts, at + 1)) collected.push_back(std::move(*v));
      }
      return collected;
    }
    size_t index = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
    if (ec != std::errc() || end != part.data() + part.size() || index >= node.size()) return std::nullopt;
    return walk(node[index], parts, at + 1);
  }
  if (node.is_object()) {
    auto it = node.find(part);
    if (it == node.end()) return std::nullopt;
    return walk(*it, parts, at + 1);
  }
  return std::nullopt;
}

}  // namespace

std::optional<nlohmann::json> select_json(const nlohmann::json& document, std::string_view selector) {
  if (selector.empty()) return document;
  return walk(document, split_path(selector), 0);
}

}  // namespace squall::k6
