#include "net/digest_auth.h"

#include <openssl/evp.h>

#include "common/text.h"

namespace squall::net {

namespace {

std::string hex_digest(const EVP_MD* md, std::string_view text) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(text.data(), text.size(), out, &n, md, nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < n; ++i) {
    hex += kHex[out[i] >> 4];
    hex += kHex[out[i] & 15];
  }
  return hex;
}

}  // namespace

std::optional<std::map<std::string, std::string>> parse_digest_challenge(std::string_view header) {
  header = trim_blanks(header);
  if (header.size() < 7 || !iequals(header.substr(0, 7), "Digest ")) return std::nullopt;
  std::map<std::string, std::string> params;
  size_t at = 7;
  while (at < header.size()) {
    while (at < header.size() && (header[at] == ' ' || header[at] == ',')) ++at;
    const size_t eq = header.find('=', at);
    if (eq == std::string_view::npos) break;
    const std::string name = to_lower(trim_blanks(header.substr(at, eq - at)));
    at = eq + 1;
    params[name] = trimmed(take_pair_value(header, at, ','));
  }
  if (!params.count("realm") || !params.count("nonce")) return std::nullopt;
  return params;
}

std::optional<std::string> digest_authorization(const std::map<std::string, std::string>& challenge,
                                                std::string_view method, std::string_view uri, std::string_view user,
                                                std::string_view password, std::string_view cnonce) {
  auto get = [&](const char* name) {
    auto it = challenge.find(name);
    return it == challenge.end() ? std::string() : it->second;
  };
  const std::string algorithm = get("algorithm").empty() ? "MD5" : get("algorithm");
  const std::string upper = [&] {
    std::string u = algorithm;
    for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return u;
  }();
  const bool sess = upper.ends_with("-SESS");
  const std::string base = sess ? upper.substr(0, upper.size() - 5) : upper;
  const EVP_MD* md = base == "MD5" ? EVP_md5() : base == "SHA-256" ? EVP_sha256() : nullptr;
  if (!md) return std::nullopt;
  // qop: "auth" when the server offers it (among "auth,auth-int"), none when it offers none.
  const std::string offered = get("qop");
  std::string qop;
  if (!offered.empty()) {
    for (const auto& option : split_nonempty(offered, ',')) {
      if (trimmed(option) == "auth") qop = "auth";
    }
    if (qop.empty()) return std::nullopt;
  }
  const std::string realm = get("realm"), nonce = get("nonce"), nc = "00000001";
  std::string ha1 = hex_digest(md, std::string(user) + ":" + realm + ":" + std::string(password));
  if (sess) ha1 = hex_digest(md, ha1 + ":" + nonce + ":" + std::string(cnonce));
  const std::string ha2 = hex_digest(md, std::string(method) + ":" + std::string(uri));
  const std::string response =
      qop.empty() ? hex_digest(md, ha1 + ":" + nonce + ":" + ha2)
                  : hex_digest(md, ha1 + ":" + nonce + ":" + nc + ":" + std::string(cnonce) + ":" + qop + ":" + ha2);
  std::string header = "Digest username=\"" + std::string(user) + "\", realm=\"" + realm + "\", nonce=\"" + nonce +
                       "\", uri=\"" + std::string(uri) + "\"";
  if (!get("algorithm").empty()) header += ", algorithm=" + algorithm;
  if (!qop.empty()) header += ", qop=" + qop + ", nc=" + nc + ", cnonce=\"" + std::string(cnonce) + "\"";
  header += ", response=\"" + response + "\"";
  if (!get("opaque").empty()) header += ", opaque=\"" + get("opaque") + "\"";
  return header;
}

}  // namespace squall::net
