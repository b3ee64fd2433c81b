// Base64 in the four variants k6/encoding names: std (RFC 4648 with '='
// padding), rawstd (no padding), url (URL-safe alphabet, padded) and rawurl.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace squall {

enum class Base64Variant { kStd, kRawStd, kUrl, kRawUrl };

// "std", "rawstd", "url", "rawurl"; nullopt for anything else.
std::optional<Base64Variant> parse_base64_variant(std::string_view name);

std::string base64_encode(std::string_view bytes, Base64Variant variant = Base64Variant::kStd);
// nullopt on characters outside the variant's alphabet or a malformed length/padding.
std::optional<std::string> base64_decode(std::string_view text, Base64Variant variant = Base64Variant::kStd);

}  // namespace squall
