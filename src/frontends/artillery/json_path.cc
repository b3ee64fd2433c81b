#include "frontends/artillery/json_path.h"

#include <cstdlib>

namespace squall::artillery {

using nlohmann::json;

namespace {

void descendants_named(const json& node, const std::string& key, std::vector<const json*>& out) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == key) out.push_back(&it.value());
      descendants_named(it.value(), key, out);
    }
  } else if (node.is_array()) {
    for (const auto& child : node) descendants_named(child, key, out);
  }
}

}  // namespace

bool json_path(const json& document, const std::string& expression, std::vector<const json*>& out) {
  std::string expr = expression;
  if (expr.empty()) return false;
  if (expr[0] != '$') expr = "$." + expr;  // Artillery also accepts "a.b"
  std::vector<const json*> current{&document};
  size_t pos = 1;
  while (pos < expr.size()) {
    std::vector<const json*> next;
    if (expr.compare(pos, 2, "..") == 0) {
      const size_t end = expr.find_first_of(".[", pos + 2);
      const std::string key = expr.substr(pos + 2, end == std::string::npos ? std::string::npos : end - pos - 2);
      if (key.empty()) return false;
      for (const json* n : current) descendants_named(*n, key, next);
      pos = end == std::string::npos ? expr.size() : end;
    } else if (expr[pos] == '.') {
      const size_t end = expr.find_first_of(".[", pos + 1);
      const std::string key = expr.substr(pos + 1, end == std::string::npos ? std::string::npos : end - pos - 1);
      if (key.empty()) return false;
      for (const json* n : current) {
        if (key == "*") {
          if (n->is_object() || n->is_array()) {
            for (const auto& child : *n) next.push_back(&child);
          }
        } else if (n->is_object() && n->contains(key)) {
          next.push_back(&(*n)[key]);
        }
      }
      pos = end == std::string::npos ? expr.size() : end;
    } else if (expr[pos] == '[') {
      const size_t close = expr.find(']', pos);
      if (close == std::string::npos) return false;
      std::string inside = expr.substr(pos + 1, close - pos - 1);
      if (inside.size() >= 2 && (inside.front() == '\'' || inside.front() == '"')) {
        const std::string key = inside.substr(1, inside.size() - 2);
        for (const json* n : current) {
          if (n->is_object() && n->contains(key)) next.push_back(&(*n)[key]);
        }
      } else if (inside == "*") {
        for (const json* n : current) {
          if (n->is_object() || n->is_array()) {
            for (const auto& child : *n) next.push_back(&child);
          }
        }
      } else {
        char* end = nullptr;
        long index = std::strtol(inside.c_str(), &end, 10);
        if (inside.empty() || *end) return false;
        for (const json* n : current) {
          if (!n->is_array()) continue;
          const long size = static_cast<long>(n->size());
          if (index < 0) index += size;
          if (index >= 0 && index < size) next.push_back(&(*n)[static_cast<size_t>(index)]);
        }
      }
      pos = close + 1;
    } else {
      return false;
    }
    current = std::move(next);
  }
  out = std::move(current);
  return true;
}

}  // namespace squall::artillery
