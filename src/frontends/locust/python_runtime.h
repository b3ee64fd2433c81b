// The embedded CPython interpreter (3.11, from Debian): started once per
// process, with squall's `locust` package ahead of any installed one and the
// native module `_squall_native` that gives it squall's engine. The thread
// that starts it lets the GIL go; threads that are not VUs take it with
// GilScope (pybind11's gil_scoped_acquire).
#pragma once

#include <pybind11/pybind11.h>

#include <string>

namespace squall::locust {

// Idempotent; false with `error` when the interpreter or the package fails to start.
bool start_python(std::string& error);

// The text of the Python exception being handled (type, message and traceback).
std::string describe_python_error(pybind11::error_already_set& error);

}  // namespace squall::locust
