// Artillery's templates: "{{ name }}" (dotted paths into captured objects
// work too) and the functions $randomNumber(min,max), $randomString(n),
// $uuid, $env.NAME / $processEnvironment.NAME, $loopCount and $loopElement.
#pragma once

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <unordered_map>

namespace squall::artillery {

class Variables {
 public:
  void set(const std::string& name, nlohmann::json value) { values_[name] = std::move(value); }
  // Looks `expression` up ("name", "a.b", "$env.X", functions...); nullopt if unknown.
  std::optional<nlohmann::json> lookup(const std::string& expression, std::mt19937_64& rng) const;
  void clear() { values_.clear(); }

 private:
  std::unordered_map<std::string, nlohmann::json> values_;
};

// A value as JSON text. Captured values hold whatever bytes the target sent: invalid UTF-8 is
// replaced (U+FFFD), never thrown (found by fuzz_artillery_template).
std::string json_text(const nlohmann::json& value);

// Renders every {{ ... }} in `text`; unknown names render as empty, as in Artillery.
std::string render(const std::string& text, const Variables& vars, std::mt19937_64& rng);
// Like render, but a string that is exactly one template keeps the value's
// JSON type (a captured number stays a number in a JSON body).
nlohmann::json render_value(const std::string& text, const Variables& vars, std::mt19937_64& rng);

}  // namespace squall::artillery
