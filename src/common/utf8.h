// Text from the target (captured values, header bytes) may be any bytes; what
// goes into JSON (exports, outputs, reports) must be UTF-8, or the JSON
// writer throws at the end of a run.
#pragma once

#include <string>
#include <string_view>

namespace squall {

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool valid_utf8(std::string_view text);

// `text` with each ill-formed sequence replaced by U+FFFD.
std::string to_valid_utf8(std::string_view text);

}  // namespace squall
