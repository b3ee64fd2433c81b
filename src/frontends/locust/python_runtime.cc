#include "frontends/locust/python_runtime.h"

#include <Python.h>

#include <mutex>

extern "C" PyObject* PyInit__squall_native();

namespace squall::locust {

namespace {

// Installs the finder of the embedded `locust` package (first on sys.meta_path, so it shadows an
// installed Locust), and routes time.sleep() of users to squall's sleep (a blocking sleep would
// hold every other user of the hub back, as without gevent's monkey-patching).
constexpr char kBootstrap[] = R"PY(
import importlib.abc, importlib.machinery, sys, time
import _squall_native

class _EmbeddedFinder(importlib.abc.MetaPathFinder, importlib.abc.InspectLoader):
    def __init__(self, files):
        self.files = files
    def find_spec(self, name, path=None, target=None):
        entry = self.files.get(name)
        if entry is None:
            return None
        return importlib.machinery.ModuleSpec(name, self, origin="<squall>/" + entry[0], is_package=entry[2])
    def create_module(self, spec):
        return None
    def get_source(self, name):
        return self.files[name][1]
    def exec_module(self, module):
        path, text, _ = self.files[module.__name__]
        exec(compile(text, "<squall>/" + path, "exec"), module.__dict__)

sys.meta_path.insert(0, _EmbeddedFinder(_squall_native.sources()))
_os_sleep = time.sleep
def _sleep(seconds):
    if _squall_native.in_user():
        _squall_native.sleep(seconds)
    else:
        _os_sleep(seconds)
time.sleep = _sleep
sys.setswitchinterval(0.05)
)PY";

bool g_started = false;
std::string g_error;

}  // namespace

bool start_python(std::string& error) {
  static std::once_flag once;
  std::call_once(once, [] {
    PyImport_AppendInittab("_squall_native", &PyInit__squall_native);
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    config.install_signal_handlers = 0;  // Ctrl-C is squall's: it stops the test and prints the summary
    config.parse_argv = 0;
    PyStatus status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
      g_error = std::string("cannot start Python: ") + (status.err_msg ? status.err_msg : "unknown error");
      return;
    }
    if (PyRun_SimpleString(kBootstrap) != 0) {
      g_error = "cannot install squall's locust package in Python";
    } else if (PyObject* greenlet = PyImport_ImportModule("greenlet"); !greenlet) {
      PyErr_Clear();
      g_error =
          "Locust users run as greenlets, and Python cannot import greenlet (Debian: apt install python3-greenlet)";
    } else {
      Py_DECREF(greenlet);
      g_started = true;
    }
    PyEval_SaveThread();
  });
  error = g_error;
  return g_started;
}

std::string describe_python_error(pybind11::error_already_set& error) {
  namespace py = pybind11;
  try {
    auto format = py::module_::import("traceback").attr("format_exception");
    std::string text;
    for (auto line : format(error.type(), error.value(), error.trace())) text += line.cast<std::string>();
    return text;
  } catch (...) {
    return error.what();
  }
}

}  // namespace squall::locust
