// artillery-plugin-expect's checks on one response: statusCode,
// notStatusCode, contentType, hasProperty, notHasProperty, equals,
// hasHeader, headerEquals, matchesRegexp.
#pragma once

#include <random>
#include <string>

#include "frontends/artillery/script.h"
#include "frontends/artillery/template.h"
#include "net/http_types.h"

namespace squall::artillery {

struct ExpectationResult {
  bool ok = true;
  std::string detail;  // why it failed, for the log
};

ExpectationResult check_expectation(const Expectation& e, const net::HttpResponse& response, const Variables& vars,
                                    std::mt19937_64& rng);

}  // namespace squall::artillery
