// JSON from the target and selectors from scripts: the first line is a k6
// res.json() selector and an Artillery JSONPath, the rest the body. Parsing
// is bounded in depth, and selecting never crashes (deep or odd bodies
// included).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/bounded_json.h"
#include "frontends/artillery/json_path.h"
#include "frontends/k6/modules/json_selector.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string selector(input.substr(0, newline));
  const std::string_view body = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
  const nlohmann::json document = squall::parse_bounded_json(body);
  if (document.is_discarded()) return 0;
  if (auto selected = squall::k6::select_json(document, selector)) (void)selected->dump();
  std::vector<const nlohmann::json*> found;
  squall::artillery::json_path(document, selector, found);
  for (const auto* value : found) (void)value->dump();
  return 0;
}
