// OpenSSL client configuration: verification on by default, a skip-verify
// switch, version bounds and client certificates (k6's tlsVersion,
// insecureSkipTLSVerify and tlsAuth options).
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_types.h"

namespace squall::net {

struct TlsConfig {
  bool insecure_skip_verify = false;
  std::string min_version = "tls1.2";  // "tls1.0" .. "tls1.3"
  std::string max_version;             // empty: the highest OpenSSL offers
  std::string client_cert_file;        // PEM; with client_key_file
  std::string client_key_file;
  std::string ca_file;  // extra trust anchors, PEM
  // k6's tlsCipherSuites, by their IANA names ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"; TLS 1.3's
  // "TLS_AES_128_GCM_SHA256" too). Empty: OpenSSL's defaults.
  std::vector<std::string> cipher_suites;
};

class TlsClientContext {
 public:
  // nullptr with `error` set when the configuration cannot be used.
  static std::shared_ptr<TlsClientContext> create(const TlsConfig& config, std::string& error);
  ~TlsClientContext();
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;

  // A new SSL object for `fd` that will send SNI and check the certificate
  // against `host` (a name or an IP literal) unless verification is off.
  SSL* new_session(int fd, const std::string& host) const;

 private:
  TlsClientContext() = default;
  SSL_CTX* ctx_ = nullptr;
  bool verify_ = true;
};

// The k6 error code and message for a failed handshake on `ssl`.
ErrorCode classify_tls_failure(SSL* ssl, std::string& message);
// "tls1.2", "tls1.3", ... for an established session.
std::string_view tls_version_name(const SSL* ssl);
// The IANA name of the session's cipher suite ("TLS_AES_128_GCM_SHA256"), as k6's tls_cipher_suite.
std::string_view tls_cipher_suite_name(const SSL* ssl);
// Parses "tls1.0".."tls1.3"; 0 when unknown.
int parse_tls_version(std::string_view name);

}  // namespace squall::net
