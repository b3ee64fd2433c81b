// The quick mode (`squall http URL`, wrk/hey style) as a front-end: one request, repeated by VUs
// under the execution the flags, a --config file or K6_* variables give, or an open model (--rate).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "frontends/front_end.h"
#include "net/http_types.h"
#include "net/tls_context.h"
#include "plan/options.h"

namespace squall::quick {

// A `squall http URL` as the command line asked for it (values parsed and range-checked).
struct QuickInvocation {
  std::string url;
  std::string method = "GET";
  std::vector<net::Header> headers;
  std::string body;
  std::optional<std::string> config_file;  // --config: k6 options as JSON
  plan::TestOptions flags;                 // the flags' layer of the options (-c, -d, -n, --stage, ...)
  int default_vus = 50;                    // when no layer sets VUs
  std::optional<double> rate;              // --rate: an open model, iterations per second on up to -c VUs
  net::RequestOptions request;             // --timeout, --max-redirects, --keep-body
  std::optional<Nanos> connect_timeout;
  std::optional<Nanos> graceful_stop;
  std::vector<std::pair<std::string, std::string>> hosts;  // --hosts NAME=ADDR, over options.hosts
  net::TlsConfig tls;                                      // -k, --cacert, --cert/--key; --tls-min/max override options
  bool tls_min_from_flag = false, tls_max_from_flag = false;
  std::optional<std::string> control_address;  // --address
  std::optional<std::string> time_unit;        // --summary-time-unit
  std::optional<bool> compact;                 // --summary-mode
  std::string banner = "squall http: ";
};

class QuickFrontEnd final : public frontends::FrontEnd {
 public:
  explicit QuickFrontEnd(QuickInvocation invocation) : invocation_(std::move(invocation)) {}
  int prepare(frontends::TestPlan& plan, metrics::MetricsStore& store, const std::atomic<bool>& interrupted) override;

 private:
  // --config file < K6_* environment < flags, then the quick mode's defaults.
  std::optional<plan::TestOptions> layered_options(std::string& error) const;

  QuickInvocation invocation_;
};

}  // namespace squall::quick
