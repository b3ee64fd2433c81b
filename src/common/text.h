// Small text helpers shared by every layer: splitting lists, trimming, ASCII case folding.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace squall {

// The non-empty pieces of `text` between `separator`s, in order.
inline std::vector<std::string> split_nonempty(std::string_view text, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find(separator, start);
    const std::string_view piece =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!piece.empty()) out.emplace_back(piece);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

// `text` without the spaces and tabs around it.
inline std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// `text` trimmed, as a string of its own.
inline std::string trimmed(std::string_view text) { return std::string(trim_blanks(text)); }

// ASCII case folding, for protocol tokens (header names, methods): never locale-dependent.
inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

inline std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

// Case-insensitive ASCII comparison, for header names and tokens.
inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// The value at `at` in a list of name=value pairs: a "quoted \"value\"" (unescaped; `at` moves past
// its closing quote) or the text up to `separator` (`at` moves to the separator or the end).
inline std::string take_pair_value(std::string_view text, size_t& at, char separator) {
  std::string value;
  if (at < text.size() && text[at] == '"') {
    for (++at; at < text.size() && text[at] != '"'; ++at) {
      if (text[at] == '\\' && at + 1 < text.size()) ++at;
      value += text[at];
    }
    ++at;
    return value;
  }
  const size_t end = std::min(text.find(separator, at), text.size());
  value = text.substr(at, end - at);
  at = end;
  return value;
}

}  // namespace squall
