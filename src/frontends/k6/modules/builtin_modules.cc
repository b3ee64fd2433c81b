#include "frontends/k6/modules/builtin_modules.h"

#include <string_view>
#include <utility>

namespace squall::k6 {

ModuleBuilder find_builtin_module(std::string_view specifier) {
  static constexpr std::pair<std::string_view, ModuleBuilder> kModules[] = {
      {"k6", build_k6_module},
      {"k6/http", build_http_module},
      {"k6/metrics", build_metrics_module},
      {"k6/execution", build_execution_module},
      {"k6/data", build_data_module},
      {"k6/encoding", build_encoding_module},
      {"k6/crypto", build_crypto_module},
      {"k6/timers", build_timers_module},
      {"k6/experimental/webcrypto", build_webcrypto_module},
      {"k6/secrets", build_secrets_module},
      {"k6/html", build_html_module},
      {"squall/fs", build_fs_module},
      {"squall/summary", build_summary_module},
  };
  for (const auto& [name, builder] : kModules) {
    if (name == specifier) return builder;
  }
  return nullptr;
}

}  // namespace squall::k6
