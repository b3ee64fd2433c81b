#include "frontends/artillery/template.h"
#include "common/text.h"

#include <cstdlib>

namespace squall::artillery {

using nlohmann::json;

namespace {

std::string as_text(const json& v) { return v.is_string() ? v.get<std::string>() : json_text(v); }

std::string uuid4(std::mt19937_64& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  const uint64_t a = rng(), b = rng();
  for (int i = 0; i < 32; ++i) {
    int nibble = static_cast<int>(((i < 16 ? a : b) >> ((i % 16) * 4)) & 15);
    if (i == 12) nibble = 4;
    if (i == 16) nibble = 8 | (nibble & 3);
    if (i == 8 || i == 12 || i == 16 || i == 20) out.push_back('-');
    out.push_back(kHex[nibble]);
  }
  return out;
}

}  // namespace

std::optional<json> Variables::lookup(const std::string& raw, std::mt19937_64& rng) const {
  const std::string expression = trimmed(raw);
  if (expression.starts_with("$randomNumber(") && expression.ends_with(")")) {
    const std::string args = expression.substr(14, expression.size() - 15);
    const size_t comma = args.find(',');
    const long long lo = std::atoll(args.substr(0, comma).c_str());
    const long long hi = comma == std::string::npos ? lo : std::atoll(args.substr(comma + 1).c_str());
    return json(std::uniform_int_distribution<long long>(std::min(lo, hi), std::max(lo, hi))(rng));
  }
  if (expression.starts_with("$randomString(") && expression.ends_with(")")) {
    static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const long long n = std::atoll(expression.substr(14, expression.size() - 15).c_str());
    std::string out;
    for (long long i = 0; i < std::clamp(n, 0LL, 4096LL); ++i) out.push_back(kChars[rng() % (sizeof kChars - 1)]);
    return json(out);
  }
  if (expression == "$uuid" || expression == "$uuid()" || expression == "$randomUUID()") return json(uuid4(rng));
  for (const char* prefix : {"$env.", "$processEnvironment."}) {
    if (expression.starts_with(prefix)) {
      const char* v = std::getenv(expression.substr(std::char_traits<char>::length(prefix)).c_str());
      if (!v) return std::nullopt;
      return json(std::string(v));
    }
  }
  // name, or name.path.into[0].the.value
  size_t end = expression.find_first_of(".[");
  auto it = values_.find(expression.substr(0, end));
  if (it == values_.end()) return std::nullopt;
  const json* v = &it->second;
  while (end != std::string::npos) {
    if (expression[end] == '.') {
      const size_t next = expression.find_first_of(".[", end + 1);
      const std::string key =
          expression.substr(end + 1, next == std::string::npos ? std::string::npos : next - end - 1);
      if (!v->is_object() || !v->contains(key)) return std::nullopt;
      v = &(*v)[key];
      end = next;
    } else {
      const size_t close = expression.find(']', end);
      if (close == std::string::npos) return std::nullopt;
      const size_t index = static_cast<size_t>(std::atoll(expression.substr(end + 1, close - end - 1).c_str()));
      if (!v->is_array() || index >= v->size()) return std::nullopt;
      v = &(*v)[index];
      end = close + 1 < expression.size() ? close + 1 : std::string::npos;
    }
  }
  return *v;
}

std::string json_text(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string render(const std::string& text, const Variables& vars, std::mt19937_64& rng) {
  if (text.find("{{") == std::string::npos) return text;
  std::string out;
  size_t pos = 0;
  while (true) {
    const size_t open = text.find("{{", pos);
    if (open == std::string::npos) break;
    const size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) break;
    out.append(text, pos, open - pos);
    if (auto v = vars.lookup(text.substr(open + 2, close - open - 2), rng)) out += as_text(*v);
    pos = close + 2;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

json render_value(const std::string& text, const Variables& vars, std::mt19937_64& rng) {
  const std::string t = trimmed(text);
  if (t.starts_with("{{") && t.ends_with("}}") && t.find("{{", 2) == std::string::npos) {
    if (auto v = vars.lookup(t.substr(2, t.size() - 4), rng)) return *v;
    return json("");
  }
  return json(render(text, vars, rng));
}

}  // namespace squall::artillery
