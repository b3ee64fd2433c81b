// 'k6/http': request functions, batch, asyncRequest, cookie jars, the url
// tagged template, file(), expectedStatuses and setResponseCallback. A
// request is built on the VU thread, sent by the VU's client on the worker
// loop (which also records k6's http_req_* metrics), and turned into a k6
// Response object (see http_response.h).
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "common/base64.h"
#include "common/duration.h"
#include "common/hex.h"
#include "common/openssl_crypto.h"
#include "common/text.h"
#include "frontends/k6/modules/builtin_modules.h"
#include "frontends/k6/modules/http_response.h"
#include "frontends/k6/runtime/js_util.h"
#include "frontends/k6/runtime/js_vu.h"
#include "net/digest_auth.h"
#include "net/http1_parser.h"
#include "net/url.h"
#include "vu/http_sample_recorder.h"

namespace squall::k6 {

namespace {

using v8::FunctionCallbackInfo;
using v8::Local;
using v8::Value;

// Private markers for objects made by http.url``, http.file() and expectedStatuses().
Local<v8::Private> marker(v8::Isolate* isolate, const char* name) { return IsolateHost::of(isolate).private_key(name); }

// A cached property name (literals only).
Local<v8::String> key(v8::Isolate* isolate, const char* literal) { return IsolateHost::of(isolate).name(literal); }

Local<Value> private_value(v8::Isolate* isolate, Local<Value> value, const char* name) {
  if (!value->IsObject()) return {};
  Local<Value> out;
  if (!value.As<v8::Object>()->GetPrivate(isolate->GetCurrentContext(), marker(isolate, name)).ToLocal(&out) ||
      out->IsUndefined()) {
    return {};
  }
  return out;
}

std::string form_encode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool compress(std::string_view algorithm, std::string& body) {
  const int window = algorithm == "gzip" ? 15 + 16 : algorithm == "deflate" ? 15 : 0;
  if (!window) return false;
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  std::string out(deflateBound(&z, body.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(body.data());
  z.avail_in = static_cast<uInt>(body.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return false;
  body = std::move(out);
  return true;
}

// Everything a request needs, read from k6's (method, url, body, params).
struct PreparedRequest {
  net::HttpRequest request;
  net::RequestOptions options;
  metrics::TagSetId tags = 0;
  ResponseType response_type = ResponseType::kText;
  std::shared_ptr<net::CookieJar> jar;  // the `jar` param's own jar, kept while the request lasts
  bool digest = false;                  // auth: 'digest' with user:pass@ in the URL
  // The `responseCallback` param's expected statuses (empty: every status); unset: the VU's.
  std::optional<std::vector<std::pair<int, int>>> expected;
  std::string invalid_url;  // why the URL cannot be parsed: no request is made (k6's error 1020)
};

// The status ranges of an http.expectedStatuses() result into `out`; false for anything else.
bool expected_ranges(v8::Isolate* isolate, Local<Value> callback, std::vector<std::pair<int, int>>& out) {
  auto context = isolate->GetCurrentContext();
  auto ranges = private_value(isolate, callback, "k6.expected");
  if (ranges.IsEmpty() || !ranges->IsArray()) return false;
  auto a = ranges.As<v8::Array>();
  out.clear();
  for (uint32_t i = 0; i + 1 < a->Length(); i += 2) {
    out.emplace_back(static_cast<int>(a->Get(context, i).ToLocalChecked()->NumberValue(context).FromMaybe(0)),
                     static_cast<int>(a->Get(context, i + 1).ToLocalChecked()->NumberValue(context).FromMaybe(0)));
  }
  return true;
}

// Builds a body from an object: multipart when any value is an http.file(), else form-urlencoded.
bool object_body(v8::Isolate* isolate, Local<v8::Object> object, PreparedRequest& prepared) {
  auto context = isolate->GetCurrentContext();
  auto keys = object->GetOwnPropertyNames(context).ToLocalChecked();
  bool multipart = false;
  for (uint32_t i = 0; i < keys->Length(); ++i) {
    if (!private_value(isolate, object->Get(context, keys->Get(context, i).ToLocalChecked()).ToLocalChecked(),
                       "k6.file")
             .IsEmpty())
      multipart = true;
  }
  std::string& body = prepared.request.body;
  const std::string boundary = "squallboundary" + std::to_string(reinterpret_cast<uintptr_t>(&prepared) & 0xffffff);
  auto add = [&](const std::string& name, Local<Value> value) {
    if (!multipart) {
      body += (body.empty() ? "" : "&") + form_encode(name) + "=" + form_encode(to_std_string(isolate, value));
      return;
    }
    body += "--" + boundary + "\r\n";
    if (auto file = private_value(isolate, value, "k6.file"); !file.IsEmpty()) {
      auto f = value.As<v8::Object>();
      const std::string data = bytes_of(isolate, get_value(context, f, "data"));
      const std::string filename = to_std_string(isolate, get_value(context, f, "filename"));
      const std::string type = to_std_string(isolate, get_value(context, f, "content_type"));
      body += "Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename +
              "\"\r\nContent-Type: " + type + "\r\n\r\n" + data + "\r\n";
    } else {
      body += "Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + to_std_string(isolate, value) + "\r\n";
    }
  };
  for (uint32_t i = 0; i < keys->Length(); ++i) {
    auto key = keys->Get(context, i).ToLocalChecked();
    const std::string name = to_std_string(isolate, key);
    auto value = object->Get(context, key).ToLocalChecked();
    if (!value->IsArray()) {
      add(name, value);
      continue;
    }
    // An array value is the key repeated, once per element (Go's url.Values, as k6 sends it).
    auto items = value.As<v8::Array>();
    for (uint32_t j = 0; j < items->Length(); ++j) add(name, items->Get(context, j).ToLocalChecked());
  }
  if (multipart) body += "--" + boundary + "--\r\n";
  prepared.request.headers.push_back(
      {"Content-Type", multipart ? "multipart/form-data; boundary=" + boundary : "application/x-www-form-urlencoded"});
  return true;
}

bool read_timeout(v8::Isolate* isolate, Local<Value> value, Nanos& out) {
  if (value->IsNumber()) {
    out = static_cast<Nanos>(value.As<v8::Number>()->Value() * 1e6);
    return out > 0;
  }
  auto parsed = parse_duration(to_std_string(isolate, value));
  if (!parsed || *parsed <= 0) return false;
  out = *parsed;
  return true;
}

// Fills `prepared` from k6's arguments; false with an exception thrown.
// Calls `visit(name, value)` for each own property of `object`.
template <typename Visit>
void for_each_property(v8::Local<v8::Context> context, Local<v8::Object> object, Visit visit) {
  auto keys = object->GetOwnPropertyNames(context).ToLocalChecked();
  for (uint32_t i = 0; i < keys->Length(); ++i) {
    auto key = keys->Get(context, i).ToLocalChecked();
    visit(key, object->Get(context, key).ToLocalChecked());
  }
}

// The value of params[name] when it is an object.
std::optional<Local<v8::Object>> object_param(v8::Isolate* isolate, Local<v8::Object> params, const char* name) {
  auto value = get_value(isolate->GetCurrentContext(), params, key(isolate, name));
  if (value.IsEmpty() || !value->IsObject()) return std::nullopt;
  return value.As<v8::Object>();
}

// params.headers (each replacing a header of the same name), params.cookies (one Cookie header,
// a value or {value}), params.tags (`name` apart: it names the request).
void read_header_params(v8::Isolate* isolate, Local<v8::Object> params, PreparedRequest& prepared, std::string& name,
                        metrics::Tags& extra) {
  auto context = isolate->GetCurrentContext();
  net::HttpRequest& request = prepared.request;
  if (auto headers = object_param(isolate, params, "headers")) {
    for_each_property(context, *headers, [&](Local<Value> key, Local<Value> value) {
      const std::string header = to_std_string(isolate, key);
      std::erase_if(request.headers, [&](const net::Header& x) { return iequals(x.name, header); });
      request.headers.push_back({header, to_std_string(isolate, value)});
    });
  }
  if (auto tags = object_param(isolate, params, "tags")) {
    for_each_property(context, *tags, [&](Local<Value> key, Local<Value> value) {
      const std::string tag = to_std_string(isolate, key);
      if (tag == "name") {
        name = to_std_string(isolate, value);
      } else {
        extra.emplace_back(tag, to_std_string(isolate, value));
      }
    });
  }
  if (auto cookies = object_param(isolate, params, "cookies")) {
    std::string header;
    for_each_property(context, *cookies, [&](Local<Value> key, Local<Value> value) {
      if (value->IsObject()) value = get_value(context, value.As<v8::Object>(), "value");
      header += (header.empty() ? "" : "; ") + to_std_string(isolate, key) + "=" +
                (value.IsEmpty() ? std::string() : to_std_string(isolate, value));
    });
    if (!header.empty()) request.headers.push_back({"Cookie", header});
  }
}

// params.timeout, redirects, responseType, auth and compression; false after throwing on a bad one.
bool read_option_params(v8::Isolate* isolate, Local<v8::Object> params, PreparedRequest& prepared) {
  auto context = isolate->GetCurrentContext();
  if (auto callback = get_value(context, params, key(isolate, "responseCallback")); !callback.IsEmpty()) {
    prepared.expected.emplace();
    if (!callback->IsNull() && !expected_ranges(isolate, callback, *prepared.expected)) {
      throw_type_error(isolate, "responseCallback takes the result of http.expectedStatuses() or null");
      return false;
    }
  }
  if (auto jar = get_value(context, params, key(isolate, "jar")); !jar.IsEmpty()) {
    prepared.jar = own_cookie_jar(isolate, jar);
    prepared.options.cookie_jar = prepared.jar.get();
  }
  if (auto timeout = get_value(context, params, key(isolate, "timeout"));
      !timeout.IsEmpty() && !read_timeout(isolate, timeout, prepared.options.timeout)) {
    throw_error(isolate,
                "invalid timeout '" + to_std_string(isolate, timeout) + "' (milliseconds or a duration like '10s')");
    return false;
  }
  if (auto redirects = get_value(context, params, key(isolate, "redirects")); !redirects.IsEmpty()) {
    prepared.options.max_redirects =
        static_cast<int>(redirects->NumberValue(context).FromMaybe(prepared.options.max_redirects));
  }
  if (auto type = get_value(context, params, key(isolate, "responseType")); !type.IsEmpty()) {
    const std::string t = to_std_string(isolate, type);
    if (t == "text") {
      prepared.response_type = ResponseType::kText;
    } else if (t == "binary") {
      prepared.response_type = ResponseType::kBinary;
    } else if (t == "none") {
      prepared.response_type = ResponseType::kNone;
    } else {
      throw_error(isolate, "invalid responseType '" + t + "' (text, binary or none)");
      return false;
    }
  }
  if (auto auth = get_value(context, params, key(isolate, "auth")); !auth.IsEmpty()) {
    const std::string a = to_std_string(isolate, auth);
    if (a == "digest") {
      // The credentials answer the server's challenge instead of going out as Basic.
      auto& headers = prepared.request.headers;
      std::erase_if(headers,
                    [](const net::Header& h) { return h.name == "Authorization" && h.value.starts_with("Basic "); });
      prepared.digest = true;
    } else if (a != "basic") {
      throw_error(isolate, "auth '" + a + "' is not supported by squall (basic and digest are: user:pass@ in the URL)");
      return false;
    }
  }
  if (auto compression = get_value(context, params, key(isolate, "compression")); !compression.IsEmpty()) {
    const std::string algorithm = to_std_string(isolate, compression);
    if (!compress(algorithm, prepared.request.body)) {
      throw_error(isolate, "unsupported compression '" + algorithm + "' (gzip or deflate)");
      return false;
    }
    prepared.request.headers.push_back({"Content-Encoding", algorithm});
  }
  return true;
}

// The request's tag set, cached by everything it depends on (the VU's own tags, exec.vu.tags,
// which may change, included).
metrics::TagSetId request_tag_set(JsVu& vu, const std::string& method, const std::string& url, const std::string& name,
                                  metrics::Tags extra) {
  std::string key;
  key.reserve(method.size() + url.size() + name.size() + vu.group().size() + 8);
  key.append(method).append(1, '\0').append(url).append(1, '\0').append(name).append(1, '\0').append(vu.group());
  for (const auto& [k, v] : extra) key.append(1, '\0').append(k).append(1, '\0').append(v);
  key.append(1, '\1');
  for (const auto& [k, v] : vu.vu_tags()) {
    key.append(1, '\0').append(k).append(1, '\0').append(v);
    extra.emplace_back(k, v);
  }
  return vu.intern_cached(key, [&] {
    const std::string scenario = vu.scenario() ? vu.scenario()->name : "";
    metrics::Tags all = extra;
    if (vu.scenario()) all.insert(all.begin(), vu.scenario()->tags.begin(), vu.scenario()->tags.end());
    // A request named by the script carries its name as its url tag too (k6 since v0.41): the
    // remedy k6 documents for URLs with ids in them, which would otherwise make a series each.
    return vu::request_tags(vu.store().tag_sets(),
                            {method, name.empty() ? url : name, name, vu.group(), scenario, all});
  });
}

bool prepare(v8::Isolate* isolate, const std::string& method, Local<Value> url_arg, Local<Value> body,
             Local<Value> params, PreparedRequest& prepared) {
  auto context = isolate->GetCurrentContext();
  JsVu& vu = JsVu::current();
  std::string url_text = to_std_string(isolate, url_arg);
  std::string name;
  if (auto templ = private_value(isolate, url_arg, "k6.url"); !templ.IsEmpty()) {
    name = to_std_string(isolate, templ);
    url_text = to_std_string(isolate, get_value(context, url_arg.As<v8::Object>(), "url"));
  }
  const net::UrlCache::Entry& parsed = IsolateHost::of(isolate).urls().parse(url_text);
  if (!parsed.parsed.url) {
    prepared.invalid_url = "invalid URL: '" + url_text + "': " + parsed.parsed.error;
    return true;
  }
  net::HttpRequest& request = prepared.request;
  request.method = method;
  request.url = *parsed.parsed.url;
  if (!request.url.userinfo.empty()) {
    request.headers.push_back({"Authorization", "Basic " + base64_encode(percent_decode(request.url.userinfo))});
  }
  if (!body.IsEmpty() && !body->IsNullOrUndefined() && !binary_or_string_bytes(isolate, body, request.body)) {
    if (body->IsObject()) {
      object_body(isolate, body.As<v8::Object>(), prepared);
    } else {
      request.body = to_std_string(isolate, body);
    }
  }
  metrics::Tags extra;
  if (vu.run().discard_response_bodies) prepared.response_type = ResponseType::kNone;
  prepared.options.max_redirects = vu.run().max_redirects;
  prepared.options.keep_alive = !vu.run().no_connection_reuse;
  if (!params.IsEmpty() && params->IsObject()) {
    read_header_params(isolate, params.As<v8::Object>(), prepared, name, extra);
    if (!read_option_params(isolate, params.As<v8::Object>(), prepared)) return false;
  }
  prepared.options.discard_body = prepared.response_type == ResponseType::kNone;
  prepared.tags = request_tag_set(vu, method, parsed.text, name, std::move(extra));
  return true;
}

// --http-debug: the request and response heads, as k6 prints them; --http-debug=full: bodies too.
void log_http_exchange(const net::HttpRequest& request, const net::HttpResponse& response) {
  const bool full = JsVu::current().run().http_debug_full;
  std::string text =
      "Request:\n" + request.method + " " + request.url.target + " HTTP/1.1\nHost: " + request.url.authority() + "\n";
  for (const auto& h : request.headers) text += h.name + ": " + h.value + "\n";
  if (full && !request.body.empty()) text += "\n" + request.body + "\n";
  if (response.status) {
    text += "\nResponse:\n" + std::string(response.proto) + " " + std::to_string(response.status) + " " +
            response.status_text + "\n";
    for (const auto& h : response.headers) text += h.name + ": " + h.value + "\n";
    if (full && !response.body.empty()) text += "\n" + response.body + "\n";
  } else {
    text += "\nResponse: none (" + response.error + ")\n";
  }
  std::fwrite(text.data(), 1, text.size(), stderr);
}

// Whether a status counts as expected: the request's responseCallback, else the VU's
// setResponseCallback(expectedStatuses(...)).
std::function<bool(int)> expected_in(const std::vector<std::pair<int, int>>& statuses) {
  return [&ranges = statuses](int status) {
    if (ranges.empty()) return true;
    for (const auto& [lo, hi] : ranges) {
      if (status >= lo && status <= hi) return true;
    }
    return false;
  };
}
std::function<bool(int)> expected_statuses_of(JsVu& vu, const PreparedRequest& prepared) {
  return expected_in(prepared.expected ? *prepared.expected : vu.expected_statuses);
}

bool refuse_in_init(v8::Isolate* isolate, JsVu& vu) {
  if (vu.in_init()) throw_error(isolate, "making HTTP requests in the init context is not supported");
  return vu.in_init();
}

// The Response object of a finished exchange, once k6's log lines about it are written.
Local<Value> response_of(v8::Isolate* isolate, JsVu& vu, const PreparedRequest& prepared,
                         const net::HttpResponse& response) {
  if (response.failed() && vu.run().throw_errors && response.status == 0) {
    // options.throw: k6 turns a request that got no response into an exception.
    if (vu.run().http_debug) log_http_exchange(prepared.request, response);
    throw_error(isolate, response.error);
    return {};
  }
  if (response.failed()) log_line(vu.run(), "WARN", "Request Failed", "error=\"" + response.error + "\"");
  if (vu.run().http_debug) log_http_exchange(prepared.request, response);
  return make_response(isolate->GetCurrentContext(), prepared.request, response, prepared.response_type);
}

// options.rps: waits for `count` requests' turn. False if interrupted meanwhile.
bool pace(JsVu& vu, size_t count) {
  const Nanos wait = vu.run().reserve_requests(count);
  return wait <= 0 || vu.sleep(wait);
}

// Throws "iteration interrupted"; an empty handle.
Local<Value> interrupted(v8::Isolate* isolate) {
  throw_error(isolate, "iteration interrupted");
  return {};
}

// auth: 'digest', as k6 does it: the request goes out without credentials, a 401 (expected, not a
// failure) brings the challenge, and the request goes again with its answer; both are samples.
// False if interrupted. `response` is the last one.
bool send_with_digest(JsVu& vu, PreparedRequest& prepared, net::HttpResponse& response) {
  if (!vu.http(
          prepared.request, prepared.options, prepared.tags, [](int status) { return status == 401; }, response))
    return false;
  if (response.status != 401) return true;
  const auto challenge = net::parse_digest_challenge(net::find_header(response.headers, "www-authenticate"));
  if (!challenge) return true;
  const std::string credentials = percent_decode(prepared.request.url.userinfo);
  const size_t colon = credentials.find(':');
  const std::string cnonce = hex_encode(crypto::random_bytes(8));
  auto answer = net::digest_authorization(*challenge, prepared.request.method, prepared.request.url.target,
                                          credentials.substr(0, colon),
                                          colon == std::string::npos ? "" : credentials.substr(colon + 1), cnonce);
  if (!answer) return true;  // an algorithm or qop squall cannot answer: the 401 stands
  prepared.request.headers.push_back({"Authorization", *answer});
  if (!pace(vu, 1)) return false;
  return vu.http(prepared.request, prepared.options, prepared.tags, expected_statuses_of(vu, prepared), response);
}

// A request whose URL does not parse, as k6 answers it: no request and no sample, a "Request Failed"
// warning and a Response with status 0 and error code 1020 (an exception with options.throw).
Local<Value> invalid_url_response(v8::Isolate* isolate, JsVu& vu, const PreparedRequest& prepared) {
  if (vu.run().throw_errors) return throw_error(isolate, prepared.invalid_url), Local<Value>();
  log_line(vu.run(), "WARN", "Request Failed", "error=\"" + prepared.invalid_url + "\"");
  net::HttpResponse response;
  response.error_code = net::ErrorCode::kInvalidUrl;
  response.error = prepared.invalid_url;
  return make_response(isolate->GetCurrentContext(), prepared.request, response, prepared.response_type);
}

// Sends and returns the Response object; empty with an exception on interruption.
Local<Value> send(v8::Isolate* isolate, PreparedRequest& prepared) {
  JsVu& vu = JsVu::current();
  if (refuse_in_init(isolate, vu)) return {};
  if (!prepared.invalid_url.empty()) return invalid_url_response(isolate, vu, prepared);
  if (!pace(vu, 1)) return interrupted(isolate);
  net::HttpResponse response;
  const bool done = prepared.digest ? send_with_digest(vu, prepared, response)
                                    : vu.http(prepared.request, prepared.options, prepared.tags,
                                              expected_statuses_of(vu, prepared), response);
  if (!done) return interrupted(isolate);
  return response_of(isolate, vu, prepared, response);
}

void request_with(const FunctionCallbackInfo<Value>& info, const std::string& method, int url_at, int body_at,
                  int params_at) {
  v8::Isolate* isolate = info.GetIsolate();
  auto arg = [&](int i) { return i >= 0 && i < info.Length() ? info[i] : Local<Value>(); };
  if (arg(url_at).IsEmpty()) return throw_type_error(isolate, "a request needs a URL");
  PreparedRequest prepared;
  if (!prepare(isolate, method, arg(url_at), arg(body_at), arg(params_at), prepared)) return;
  auto response = send(isolate, prepared);
  if (!response.IsEmpty()) info.GetReturnValue().Set(response);
}

void http_get(const FunctionCallbackInfo<Value>& info) { request_with(info, "GET", 0, -1, 1); }
void http_head(const FunctionCallbackInfo<Value>& info) { request_with(info, "HEAD", 0, -1, 1); }
void http_post(const FunctionCallbackInfo<Value>& info) { request_with(info, "POST", 0, 1, 2); }
void http_put(const FunctionCallbackInfo<Value>& info) { request_with(info, "PUT", 0, 1, 2); }
void http_patch(const FunctionCallbackInfo<Value>& info) { request_with(info, "PATCH", 0, 1, 2); }
void http_del(const FunctionCallbackInfo<Value>& info) { request_with(info, "DELETE", 0, 1, 2); }
void http_options(const FunctionCallbackInfo<Value>& info) { request_with(info, "OPTIONS", 0, 1, 2); }

// asyncRequest: the request goes out now and the promise settles when its response comes, in the
// VU's event loop (JsVu::run_event_loop): requests made before an await run side by side, as in k6.
void http_async_request(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto resolver = v8::Promise::Resolver::New(context).ToLocalChecked();
  info.GetReturnValue().Set(resolver->GetPromise());
  v8::TryCatch try_catch(isolate);
  JsVu& vu = JsVu::current();
  auto prepared = std::make_shared<PreparedRequest>();
  if (info.Length() < 2) {
    throw_type_error(isolate, "asyncRequest(method, url[, body, params])");
  } else if (!refuse_in_init(isolate, vu) &&
             prepare(isolate, to_std_string(isolate, info[0]), info[1], info.Length() > 2 ? info[2] : Local<Value>(),
                     info.Length() > 3 ? info[3] : Local<Value>(), *prepared) &&
             (prepared->invalid_url.empty() || (throw_error(isolate, prepared->invalid_url), false)) &&
             (!prepared->digest ||
              (throw_error(isolate, "auth 'digest' works with http.request and its shortcuts, not asyncRequest yet"),
               false)) &&
             (pace(vu, 1) || (throw_error(isolate, "iteration interrupted"), false))) {
    // (with --rps the VU waits for its turn before sending)
    auto pending = std::make_shared<v8::Global<v8::Promise::Resolver>>(isolate, resolver);
    vu.http_async(prepared->request, prepared->options, prepared->tags, expected_statuses_of(vu, *prepared),
                  [&vu, prepared, pending](const net::HttpResponse& response) {
                    // On the VU, in its event loop, holding the isolate.
                    v8::Isolate* loop_isolate = v8::Isolate::GetCurrent();
                    v8::HandleScope handles(loop_isolate);
                    auto loop_context = loop_isolate->GetCurrentContext();
                    auto settle = pending->Get(loop_isolate);
                    v8::TryCatch failed(loop_isolate);
                    auto value = response_of(loop_isolate, vu, *prepared, response);
                    if (value.IsEmpty()) {
                      // (Settling fails only when the script is being terminated.)
                      if (failed.HasCaught() && !failed.HasTerminated())
                        settle->Reject(loop_context, failed.Exception()).IsJust();
                    } else {
                      settle->Resolve(loop_context, value).IsJust();
                    }
                  });
  }
  if (try_catch.HasCaught() && !try_catch.HasTerminated()) resolver->Reject(context, try_catch.Exception()).Check();
  if (try_catch.HasTerminated()) try_catch.ReThrow();
}

// batch(requests): each request as a URL string, [method, url, body, params] or {method, url, body, params}.
// They go out side by side, within options.batch and batchPerHost, as in k6.
void http_batch(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  if (info.Length() < 1 || !info[0]->IsObject())
    return throw_type_error(isolate, "batch(requests) needs an array or object");
  JsVu& vu = JsVu::current();
  if (refuse_in_init(isolate, vu)) return;
  auto requests = info[0].As<v8::Object>();
  const bool is_array = info[0]->IsArray();
  auto keys = requests->GetOwnPropertyNames(context).ToLocalChecked();
  std::vector<PreparedRequest> prepared(keys->Length());
  for (uint32_t i = 0; i < keys->Length(); ++i) {
    auto item = requests->Get(context, keys->Get(context, i).ToLocalChecked()).ToLocalChecked();
    std::string method = "GET";
    Local<Value> url, body, params;
    if (item->IsArray()) {
      auto a = item.As<v8::Array>();
      auto at = [&](uint32_t j) { return j < a->Length() ? a->Get(context, j).ToLocalChecked() : Local<Value>(); };
      method = to_std_string(isolate, at(0));
      url = at(1);
      body = at(2);
      params = at(3);
    } else if (item->IsObject() && private_value(isolate, item, "k6.url").IsEmpty()) {
      auto o = item.As<v8::Object>();
      if (auto m = get_value(context, o, "method"); !m.IsEmpty()) method = to_std_string(isolate, m);
      url = get_value(context, o, "url");
      body = get_value(context, o, "body");
      params = get_value(context, o, "params");
    } else {
      url = item;
    }
    if (url.IsEmpty()) return throw_type_error(isolate, "a batch request needs a URL");
    if (!prepare(isolate, method, url, body, params, prepared[i])) return;
    if (!prepared[i].invalid_url.empty()) return throw_error(isolate, prepared[i].invalid_url);
    if (prepared[i].digest)
      return throw_error(isolate, "auth 'digest' works with http.request and its shortcuts, not in http.batch yet");
  }
  std::vector<script::ScriptVu::BatchRequest> batch;
  for (const auto& p : prepared) batch.push_back({&p.request, p.options, p.tags});
  std::vector<net::HttpResponse> responses;
  if (!pace(vu, batch.size())) return throw_error(isolate, "iteration interrupted");
  if (!vu.http_batch(batch, vu.run().batch, vu.run().batch_per_host, expected_in(vu.expected_statuses), responses)) {
    return throw_error(isolate, "iteration interrupted");
  }
  Local<v8::Object> out = is_array ? Local<v8::Object>(v8::Array::New(isolate)) : v8::Object::New(isolate);
  for (uint32_t i = 0; i < keys->Length(); ++i) {
    auto response = response_of(isolate, vu, prepared[i], responses[i]);
    if (response.IsEmpty()) return;  // options.throw
    out->Set(context, keys->Get(context, i).ToLocalChecked(), response).Check();
  }
  info.GetReturnValue().Set(out);
}

// http.url`https://x/posts/${id}`: the URL, tagged with the name "https://x/posts/${}".
void http_url(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  if (info.Length() < 1 || !info[0]->IsArray())
    return throw_type_error(isolate, "url must be used as a tagged template");
  auto strings = info[0].As<v8::Array>();
  std::string url, name;
  for (uint32_t i = 0; i < strings->Length(); ++i) {
    const std::string part = to_std_string(isolate, strings->Get(context, i).ToLocalChecked());
    url += part;
    name += part;
    if (static_cast<int>(i + 1) < info.Length() && i + 1 < strings->Length()) {
      url += to_std_string(isolate, info[static_cast<int>(i + 1)]);
      name += "${}";
    }
  }
  auto object = v8::Object::New(isolate);
  set_value(context, object, "url", js_string(isolate, url));
  set_value(context, object, "name", js_string(isolate, name));
  object->SetPrivate(context, marker(isolate, "k6.url"), js_string(isolate, name)).Check();
  auto to_string = v8::Function::New(context, [](const FunctionCallbackInfo<Value>& i) {
                     i.GetReturnValue().Set(get_value(i.GetIsolate()->GetCurrentContext(), i.This(), "url"));
                   }).ToLocalChecked();
  set_value(context, object, "toString", to_string);
  info.GetReturnValue().Set(object);
}

void http_file(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  if (info.Length() < 1) return throw_type_error(isolate, "file(data[, filename, contentType])");
  auto object = v8::Object::New(isolate);
  set_value(context, object, "data", info[0]);
  const std::string filename = info.Length() > 1 && !info[1]->IsUndefined() ? to_std_string(isolate, info[1]) : "file";
  const std::string type =
      info.Length() > 2 && !info[2]->IsUndefined() ? to_std_string(isolate, info[2]) : "application/octet-stream";
  set_value(context, object, "filename", js_string(isolate, filename));
  set_value(context, object, "content_type", js_string(isolate, type));
  object->SetPrivate(context, marker(isolate, "k6.file"), v8::True(isolate)).Check();
  info.GetReturnValue().Set(object);
}

// expectedStatuses(200, 201, {min: 300, max: 399}) -> a response callback.
void expected_statuses(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto ranges = v8::Array::New(isolate);
  uint32_t n = 0;
  for (int i = 0; i < info.Length(); ++i) {
    double lo, hi;
    if (info[i]->IsNumber()) {
      lo = hi = info[i].As<v8::Number>()->Value();
    } else if (info[i]->IsObject()) {
      auto o = info[i].As<v8::Object>();
      auto min = get_value(context, o, "min");
      auto max = get_value(context, o, "max");
      if (min.IsEmpty() || max.IsEmpty()) return throw_type_error(isolate, "expectedStatuses: ranges are {min, max}");
      lo = min->NumberValue(context).FromMaybe(0);
      hi = max->NumberValue(context).FromMaybe(0);
    } else {
      return throw_type_error(isolate, "expectedStatuses takes status codes and {min, max} ranges");
    }
    ranges->Set(context, n++, v8::Number::New(isolate, lo)).Check();
    ranges->Set(context, n++, v8::Number::New(isolate, hi)).Check();
  }
  auto callback = v8::Object::New(isolate);
  callback->SetPrivate(context, marker(isolate, "k6.expected"), ranges).Check();
  info.GetReturnValue().Set(callback);
}

void set_response_callback(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  JsVu& vu = JsVu::current();
  if (info.Length() < 1 || info[0]->IsNullOrUndefined()) {
    vu.expected_statuses.clear();
    return;
  }
  if (!expected_ranges(isolate, info[0], vu.expected_statuses)) {
    return throw_type_error(isolate, "setResponseCallback takes the result of http.expectedStatuses() or null");
  }
}

}  // namespace

void http_request(const FunctionCallbackInfo<Value>& info) {
  if (info.Length() < 2) return throw_type_error(info.GetIsolate(), "request(method, url[, body, params])");
  request_with(info, to_std_string(info.GetIsolate(), info[0]), 1, 2, 3);
}

void build_http_module(Local<v8::Context> context, Local<v8::Object> exports) {
  set_function(context, exports, "get", http_get);
  set_function(context, exports, "head", http_head);
  set_function(context, exports, "post", http_post);
  set_function(context, exports, "put", http_put);
  set_function(context, exports, "patch", http_patch);
  set_function(context, exports, "del", http_del);
  set_function(context, exports, "options", http_options);
  set_function(context, exports, "request", http_request);
  set_function(context, exports, "asyncRequest", http_async_request);
  set_function(context, exports, "batch", http_batch);
  set_function(context, exports, "url", http_url);
  set_function(context, exports, "file", http_file);
  set_function(context, exports, "expectedStatuses", expected_statuses);
  set_function(context, exports, "setResponseCallback", set_response_callback);
  install_cookie_jar(context, exports);
  set_value(context, exports, "TLS_1_0", js_string(context->GetIsolate(), "tls1.0"));
  set_value(context, exports, "TLS_1_1", js_string(context->GetIsolate(), "tls1.1"));
  set_value(context, exports, "TLS_1_2", js_string(context->GetIsolate(), "tls1.2"));
  set_value(context, exports, "TLS_1_3", js_string(context->GetIsolate(), "tls1.3"));
}

}  // namespace squall::k6
