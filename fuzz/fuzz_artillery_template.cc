// Artillery's {{ }} templates as a script writes them: rendering arbitrary
// text with a few variables set must never crash.
#include <cstdint>
#include <random>
#include <string>

#include "frontends/artillery/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  squall::artillery::Variables vars;
  vars.set("id", 7);
  vars.set("name", "ann");
  vars.set("list", nlohmann::json::array({1, "two", nlohmann::json::object({{"k", 3}})}));
  std::mt19937_64 rng(1);
  (void)squall::artillery::render(text, vars, rng);
  (void)squall::artillery::json_text(squall::artillery::render_value(text, vars, rng));
  return 0;
}
