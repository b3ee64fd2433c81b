#include "common/duration.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

namespace squall {

namespace {

std::optional<double> unit_nanos(std::string_view unit) {
  if (unit == "ns") return 1.0;
  if (unit == "us" || unit == "\xC2\xB5s") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  if (unit == "m") return 60e9;
  if (unit == "h") return 3600e9;
  if (unit == "d") return 86400e9;
  return std::nullopt;
}

}  // namespace

std::optional<Nanos> parse_duration(std::string_view text, Nanos bare_number_unit) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  double total = 0;
  bool any_unit = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.')) ++pos;
    if (pos == start) return std::nullopt;
    const std::string number(text.substr(start, pos - start));
    char* end = nullptr;
    const double value = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size()) return std::nullopt;
    size_t unit_start = pos;
    while (pos < text.size() && !std::isdigit(static_cast<unsigned char>(text[pos])) && text[pos] != '.') ++pos;
    const std::string_view unit = text.substr(unit_start, pos - unit_start);
    if (unit.empty()) {
      if (any_unit || pos != text.size()) return std::nullopt;
      total += value * static_cast<double>(bare_number_unit);
      break;
    }
    const auto scale = unit_nanos(unit);
    if (!scale) return std::nullopt;
    any_unit = true;
    total += value * *scale;
  }
  if (!std::isfinite(total) || total < 0 || total > 9.2e18) return std::nullopt;
  return static_cast<Nanos>(std::llround(total));
}

std::string format_go_duration(Nanos d) {
  if (d < kSecond) return std::to_string(d / kMillisecond) + "ms";
  const int64_t whole = d / kSecond, hours = whole / 3600, minutes = whole / 60 % 60;
  const Nanos rest = d % (60 * kSecond);
  // Seconds with their fraction, trailing zeros dropped ("1.5s", "30s").
  std::string s = std::to_string(rest / kSecond);
  if (const Nanos fraction = rest % kSecond) {
    std::string digits = std::to_string(fraction + kSecond).substr(1);
    while (digits.back() == '0') digits.pop_back();
    s += "." + digits;
  }
  s += "s";
  if (hours) return std::to_string(hours) + "h" + std::to_string(minutes) + "m" + s;
  return minutes ? std::to_string(minutes) + "m" + s : s;
}

}  // namespace squall
