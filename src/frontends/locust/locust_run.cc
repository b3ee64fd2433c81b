#include "frontends/locust/locust_run.h"

namespace squall::locust {

LocustRun& LocustRun::instance() {
  static LocustRun* run = new LocustRun;  // never destroyed: Python threads may still read it at exit
  return *run;
}

}  // namespace squall::locust
