#include "frontends/locust/locust_run.h"

namespace squall::locust {

LocustRun& LocustRun::instance() {
  static LocustRun* run = [] {
    auto* r = new LocustRun;  // never destroyed: Python threads may still read it at exit
    r->content_size =
        *metrics::MetricRegistry::global().define("locust_content_size", metrics::MetricType::kCounter,
                                                  metrics::ValueType::kData);
    return r;
  }();
  return *run;
}

}  // namespace squall::locust
