// k6's secret sources (--secret-source KIND=CONFIG, repeatable): where `k6/secrets` finds values.
//   file=PATH (or file=filename=PATH): KEY=VALUE lines, as k6's file source;
//   mock=KEY=VALUE,...: the values themselves, as k6's mock source (for tests);
//   env (or env=prefix=P): process environment variables, P + KEY (squall's; k6 has none such).
// Each may add name=NAME (default: its kind) and `default`; a lone source is the default one.
// Secrets a script reads are redacted from log lines as k6 does it ("***SECRET_REDACTED***").
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace squall::k6 {

class SecretSources {
 public:
  // Adds the source one --secret-source flag describes; false with `error` when it cannot.
  bool add(const std::string& flag, std::string& error);
  // After the last add(): a lone source becomes the default one.
  void finish();

  // The value of `key` in the source `source` ("default" for secrets.get), or nullopt with `error`.
  // A value found is redacted from then on.
  std::optional<std::string> get(const std::string& source, const std::string& key, std::string& error);
  // `text` with every secret read so far replaced.
  std::string redact(std::string text) const;

 private:
  struct Source {
    std::map<std::string, std::string> values;  // file and mock
    bool environment = false;                   // env
    std::string prefix;                         // env's prefix
  };
  std::map<std::string, Source> sources_;  // by name; "default" too
  mutable std::mutex mutex_;
  std::vector<std::string> revealed_;  // values handed to the script (redacted in logs)
};

}  // namespace squall::k6
