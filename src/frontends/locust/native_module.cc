// _squall_native: what squall's `locust` package gets from the engine.
//   request(method, url, name, headers (dict), body, timeout, allow_redirects, record) -> Exchange
//   Exchange: status, reason, headers, body, url, elapsed (s), error, timed_out; record(ok)
//   record_request(request_type, name, response_time (ms), response_length, failed)
//   sleep(s), monotonic(), in_user(), adopt_interrupt(), Interrupted (a BaseException:
//   the VU is being stopped; user code's `except Exception` does not catch it)
//   active_users(), stop_test(), elapsed(), stats(window_seconds) -> [StatsRow], sources()
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <thread>
#include <tuple>

#include "frontends/locust/embedded_sources.h"
#include "frontends/locust/locust_run.h"
#include "frontends/locust/py_user.h"
#include "net/url.h"

namespace py = pybind11;

namespace squall::locust {

namespace {

PyObject* g_interrupted = nullptr;

[[noreturn]] void raise_interrupted() {
  PyErr_SetString(g_interrupted, "the user is being stopped");
  throw py::error_already_set();
}

PyUser& current_user(const char* what) {
  PyUser* user = PyUser::current();
  if (!user) throw std::runtime_error(std::string(what) + " works only in a User's tasks and hooks");
  return *user;
}

// One request's answer, read lazily by locust.clients.Response.
struct Exchange {
  net::HttpResponse response;
  double elapsed = 0;  // seconds, connection set-up included (Locust's response_time)
  PyUser* user = nullptr;
  metrics::TagSetId tags = 0;
  bool recorded = false;

  void record(bool ok) {
    if (recorded) return;
    if (PyUser::current() != user) throw std::runtime_error("a response is reported by the user that made it");
    recorded = true;
    user->record_request(tags, response, ok, static_cast<double>(response.body.size()));
  }
};

std::unique_ptr<Exchange> request(const std::string& method, const std::string& url, const std::string& name,
                                  net::Headers headers, py::handle body, double timeout, bool allow_redirects,
                                  bool record) {
  PyUser& user = current_user("the HTTP client");
  auto exchange = std::make_unique<Exchange>();
  exchange->user = &user;
  exchange->tags = user.request_tags(method, name);
  auto parsed = net::parse_url(url);
  if (!parsed.url) {
    exchange->response.error = "Invalid URL '" + url + "': " + parsed.error;
    exchange->response.error_code = net::ErrorCode::kInvalidUrl;
    exchange->response.url = url;
    if (record) exchange->record(false);
    return exchange;
  }
  net::HttpRequest http;
  http.method = method;
  http.url = std::move(*parsed.url);
  http.headers = std::move(headers);
  if (!body.is_none()) http.body = body.cast<std::string>();
  net::RequestOptions options;
  if (timeout > 0) options.timeout = static_cast<Nanos>(timeout * 1e9);
  if (!allow_redirects) options.max_redirects = 0;
  const auto success = [](int status) { return status > 0 && status < 400; };
  if (!user.http(http, options, exchange->tags, success, exchange->response, false)) raise_interrupted();
  const auto& t = exchange->response.timings;
  exchange->elapsed =
      static_cast<double>(t.blocked + t.looking_up + t.connecting + t.tls_handshaking + t.duration()) / 1e9;
  if (record) exchange->record(!exchange->response.failed() && success(exchange->response.status));
  return exchange;
}

// request() and sleep() switch greenlets, so they are plain CPython functions: pybind11's dispatcher
// keeps a per-thread stack of argument-conversion frames that greenlets interleaving would break.
template <typename Body>
PyObject* raw_call(Body body) {
  try {
    return body();
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (const py::cast_error& e) {
    PyErr_SetString(PyExc_TypeError, e.what());
  } catch (const py::builtin_exception& e) {
    e.set_error();
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
  return nullptr;
}

// The request's headers: a dict (name -> value) as HttpSession builds them.
net::Headers headers_of(py::handle dict) {
  if (!PyDict_Check(dict.ptr())) throw py::type_error("request(): headers must be a dict");
  net::Headers out;
  out.reserve(static_cast<size_t>(PyDict_Size(dict.ptr())));
  PyObject *key, *value;
  Py_ssize_t pos = 0;
  while (PyDict_Next(dict.ptr(), &pos, &key, &value)) {
    out.push_back({py::handle(key).cast<std::string>(), py::handle(value).cast<std::string>()});
  }
  return out;
}

PyObject* request_entry(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  return raw_call([&]() -> PyObject* {
    if (nargs != 8) throw std::runtime_error("request() takes 8 arguments");
    auto arg = [&](int i) { return py::handle(args[i]); };
    auto exchange =
        request(arg(0).cast<std::string>(), arg(1).cast<std::string>(), arg(2).cast<std::string>(), headers_of(arg(3)),
                arg(4), arg(5).cast<double>(), arg(6).cast<bool>(), arg(7).cast<bool>());
    return py::cast(std::move(exchange)).release().ptr();
  });
}

// A request the locustfile measured itself (events.request.fire: Locust's way to load-test other
// protocols): recorded as an HTTP request's samples, `request_type` as its method, so the tables,
// CSV files, thresholds and results count it like any other.
void record_request(const std::string& request_type, const std::string& name, double response_time_ms,
                    double response_length, bool failed) {
  PyUser& user = current_user("events.request.fire() (recording a request)");
  net::HttpResponse response;
  response.timings.waiting = static_cast<Nanos>(std::max(response_time_ms, 0.0) * 1e6);
  response.bytes_received = static_cast<uint64_t>(std::max(response_length, 0.0));
  user.record_request(user.request_tags(request_type, name), response, !failed, std::max(response_length, 0.0));
}

void sleep(double seconds) {
  if (seconds <= 0) return;
  PyUser* user = PyUser::current();
  if (!user) {
    py::gil_scoped_release release;
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    return;
  }
  if (!user->sleep(static_cast<Nanos>(seconds * 1e9))) raise_interrupted();
}

PyObject* sleep_entry(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  return raw_call([&]() -> PyObject* {
    if (nargs != 1) throw std::runtime_error("sleep() takes 1 argument");
    sleep(py::handle(args[0]).cast<double>());
    Py_RETURN_NONE;
  });
}

PyMethodDef g_request_def{"request", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&request_entry)),
                          METH_FASTCALL, "Sends a request and waits for its answer (an Exchange)."};
PyMethodDef g_sleep_def{"sleep", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&sleep_entry)),
                        METH_FASTCALL, "Waits `seconds`, letting the other users run."};

// One row of Locust's statistics: a (method, name) pair or the Aggregated total.
struct StatsRow {
  std::string method, name;
  uint64_t num_requests = 0, num_failures = 0;
  double total_response_time = 0, min_response_time = 0, max_response_time = 0;  // ms
  double total_content_length = 0;
  metrics::Histogram durations;  // ns

  double percentile(double fraction) const {
    if (durations.count() == 0) return 0;
    const double ns = std::min(durations.percentile(fraction * 100.0), static_cast<double>(durations.max()));
    return ns / 1e6;
  }
};

std::vector<StatsRow> stats(int window_seconds) {
  const LocustRun& run = LocustRun::instance();
  std::unordered_map<uint64_t, metrics::Aggregate> series;  // none before the test: Aggregated alone, empty
  if (run.store) {
    py::gil_scoped_release release;
    if (window_seconds <= 0) {
      series = run.store->totals();
    } else {
      const int64_t last = run.store->last_second();
      series = run.store->window(last - window_seconds + 1, last + 1);
    }
  }
  std::map<std::pair<std::string, std::string>, StatsRow> rows;  // (name, method): Locust sorts by both
  std::unordered_map<metrics::TagSetId, std::pair<std::string, std::string>> names;
  auto key_of = [&](metrics::TagSetId tags) -> const std::pair<std::string, std::string>& {
    auto it = names.find(tags);
    if (it != names.end()) return it->second;
    std::string method, name;
    for (const auto& [k, v] : run.store->tag_sets().get(tags)) {
      if (k == "method") method = v;
      if (k == "name") name = v;
    }
    return names[tags] = {name, method};
  };
  for (const auto& [packed, aggregate] : series) {
    const auto [metric, tags] = metrics::SeriesKey::unpack(packed);
    if (metric != metrics::builtin::kHttpReqDuration && metric != metrics::builtin::kHttpReqFailed &&
        metric != run.content_size) {
      continue;
    }
    const auto& key = key_of(tags);
    if (key.first.empty()) continue;
    StatsRow& row = rows[key];
    if (metric == metrics::builtin::kHttpReqDuration) {
      row.durations.merge(aggregate.histogram);
    } else if (metric == metrics::builtin::kHttpReqFailed) {
      row.num_failures += aggregate.nonzero;
    } else {
      row.total_content_length += aggregate.sum;
    }
  }
  std::vector<StatsRow> out;
  StatsRow total;
  total.name = "Aggregated";
  for (auto& [key, row] : rows) {
    row.name = key.first;
    row.method = key.second;
    row.num_requests = row.durations.count();
    row.total_response_time = row.durations.sum() / 1e6;
    row.min_response_time = static_cast<double>(row.durations.min()) / 1e6;
    row.max_response_time = static_cast<double>(row.durations.max()) / 1e6;
    total.durations.merge(row.durations);
    total.num_failures += row.num_failures;
    total.total_content_length += row.total_content_length;
    out.push_back(std::move(row));
  }
  total.num_requests = total.durations.count();
  total.total_response_time = total.durations.sum() / 1e6;
  total.min_response_time = static_cast<double>(total.durations.min()) / 1e6;
  total.max_response_time = static_cast<double>(total.durations.max()) / 1e6;
  out.push_back(std::move(total));
  return out;
}

}  // namespace

}  // namespace squall::locust

PYBIND11_MODULE(_squall_native, m) {
  using namespace squall::locust;
  using squall::Nanos;
  g_interrupted = PyErr_NewException("_squall_native.Interrupted", PyExc_BaseException, nullptr);
  m.add_object("Interrupted", py::handle(g_interrupted));

  py::class_<Exchange>(m, "Exchange")
      .def_property_readonly("status", [](const Exchange& e) { return e.response.status; })
      .def_property_readonly("reason", [](const Exchange& e) { return e.response.status_text; })
      .def_property_readonly("headers",
                             [](const Exchange& e) {
                               py::list out;
                               for (const auto& h : e.response.headers) out.append(py::make_tuple(h.name, h.value));
                               return out;
                             })
      .def_property_readonly("body", [](const Exchange& e) { return py::bytes(e.response.body); })
      .def_property_readonly("url", [](const Exchange& e) { return e.response.url; })
      .def_readonly("elapsed", &Exchange::elapsed)
      .def_property_readonly("error",
                             [](const Exchange& e) -> py::object {
                               if (!e.response.failed()) return py::none();
                               return py::str(e.response.error.empty() ? "request failed" : e.response.error);
                             })
      .def_property_readonly(
          "timed_out",
          [](const Exchange& e) { return e.response.error_code == squall::net::ErrorCode::kRequestTimeout; })
      .def("record", &Exchange::record);

  py::class_<StatsRow>(m, "StatsRow")
      .def_readonly("method", &StatsRow::method)
      .def_readonly("name", &StatsRow::name)
      .def_readonly("num_requests", &StatsRow::num_requests)
      .def_readonly("num_failures", &StatsRow::num_failures)
      .def_readonly("total_response_time", &StatsRow::total_response_time)
      .def_readonly("min_response_time", &StatsRow::min_response_time)
      .def_readonly("max_response_time", &StatsRow::max_response_time)
      .def_readonly("total_content_length", &StatsRow::total_content_length)
      .def("percentile", &StatsRow::percentile);

  m.add_object("request",
               py::reinterpret_steal<py::object>(PyCFunction_NewEx(&g_request_def, nullptr, m.attr("__name__").ptr())));
  m.add_object("sleep",
               py::reinterpret_steal<py::object>(PyCFunction_NewEx(&g_sleep_def, nullptr, m.attr("__name__").ptr())));
  m.def("record_request", &record_request);
  m.def("stats", &stats);
  m.def("in_user", [] { return PyUser::current() != nullptr; });
  m.def("adopt_interrupt", [] {
    if (PyUser* user = PyUser::current()) user->resume_after_interrupt();
  });
  m.def("monotonic", [] { return static_cast<double>(squall::mono_now()) / 1e9; });
  m.def("active_users", [] { return LocustRun::instance().active_users.load(); });
  m.def("stop_test", [] { LocustRun::instance().stop_requested = true; });
  m.def("elapsed", [] {
    const LocustRun& run = LocustRun::instance();
    const Nanos start = run.started_at.load(), end = run.ended_at.load();
    return start ? static_cast<double>((end ? end : squall::mono_now()) - start) / 1e9 : 0.0;
  });
  m.def("sources", [] {
    py::dict out;
    for (const auto& s : embedded_python_sources()) out[py::str(s.module)] = py::make_tuple(s.path, s.text, s.package);
    return out;
  });
}
