// The Python sources of squall's `locust` package, compiled into the binary
// (generated from src/frontends/locust/python by cmake/embed_python.cmake),
// so that squall runs locustfiles with no file of its own to install.
#pragma once

#include <string>
#include <vector>

namespace squall::locust {

struct EmbeddedSource {
  std::string module;  // "locust.user.task"
  std::string path;    // "locust/user/task.py"
  std::string text;
  bool package;  // an __init__.py
};

const std::vector<EmbeddedSource>& embedded_python_sources();

}  // namespace squall::locust
