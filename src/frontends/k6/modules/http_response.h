// k6's Response object for one finished request: status, body (by
// responseType), headers with canonical names, cookies, timings in ms,
// remote address, proto, TLS version, error and error_code, the request, and
// json(selector) on a shared prototype. And the VU's cookie jar object.
#pragma once

#include <v8.h>

#include <memory>

#include "net/http_types.h"

namespace squall::k6 {

enum class ResponseType { kText, kBinary, kNone };

// Empty when the script is being terminated.
v8::Local<v8::Object> make_response(v8::Local<v8::Context> context, const net::HttpRequest& request,
                                    const net::HttpResponse& response, ResponseType type);

// http.cookieJar() and new http.CookieJar() on `exports`: the VU's own jar.
// http.request(method, url[, body, params]) (http_module.cc): submitForm() and clickLink() send with it.
void http_request(const v8::FunctionCallbackInfo<v8::Value>& info);
void install_cookie_jar(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);
// The jar of a `new http.CookieJar()` object (the `jar` request param); null for the VU's own jar.
std::shared_ptr<net::CookieJar> own_cookie_jar(v8::Isolate* isolate, v8::Local<v8::Value> jar);

// "content-type" -> "Content-Type", as Go's net/http (and so k6) names headers.
std::string canonical_header_name(std::string_view name);

}  // namespace squall::k6
