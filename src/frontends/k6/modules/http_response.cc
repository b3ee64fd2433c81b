#include "frontends/k6/modules/http_response.h"
#include "common/text.h"

#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/bounded_json.h"
#include "frontends/k6/modules/builtin_modules.h"
#include "frontends/k6/modules/json_selector.h"
#include "frontends/k6/runtime/isolate_host.h"
#include "frontends/k6/runtime/js_util.h"
#include "frontends/k6/runtime/js_vu.h"
#include "net/cookie_jar.h"
#include "net/http1_parser.h"

namespace squall::k6 {

namespace {

using v8::FunctionCallbackInfo;
using v8::Local;
using v8::Value;

double ms(Nanos ns) { return static_cast<double>(ns) / 1e6; }

// res.json([selector]): the body parsed as JSON, or the part the GJSON selector names (undefined if none).
void response_json(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto body = get_value(context, info.This(), "body");
  if (body.IsEmpty() || !body->IsString())
    return throw_error(isolate, "the response has no body to parse as JSON (responseType none?)");
  if (info.Length() == 0 || info[0]->IsUndefined()) {
    Local<Value> parsed;
    if (v8::JSON::Parse(context, body.As<v8::String>()).ToLocal(&parsed)) info.GetReturnValue().Set(parsed);
    return;
  }
  bool too_deep = false;
  const auto document = parse_bounded_json(to_std_string(isolate, body), &too_deep);
  if (too_deep) {
    return throw_error(isolate, "res.json(selector): the body nests deeper than " + std::to_string(kMaxJsonDepth) +
                                    " levels (squall's limit for selectors; res.json() without one has none)");
  }
  if (document.is_discarded()) return throw_error(isolate, "the response body is not valid JSON");
  auto selected = select_json(document, to_std_string(isolate, info[0]));
  if (!selected) return;
  Local<Value> out;
  if (v8::JSON::Parse(context, js_string(isolate, selected->dump())).ToLocal(&out)) info.GetReturnValue().Set(out);
}

// res.html([selector]): the body as k6/html's Selection (of the document, or of `selector` in it).
void response_html(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto library = html_library(context);
  auto parse_html = get_value(context, library, "parseHTML").As<v8::Function>();
  Local<Value> body = get_value(context, info.This(), "body");
  if (body.IsEmpty() || !body->IsString()) body = js_string(isolate, "");
  Local<Value> selection;
  if (!parse_html->Call(context, v8::Undefined(isolate), 1, &body).ToLocal(&selection)) return;
  if (info.Length() > 0 && !info[0]->IsUndefined()) {
    auto find = get_value(context, selection.As<v8::Object>(), "find").As<v8::Function>();
    Local<Value> selector = info[0];
    if (!find->Call(context, selection, 1, &selector).ToLocal(&selection)) return;
  }
  info.GetReturnValue().Set(selection);
}

// The Response class, written in JavaScript so V8 builds every response with one fixed shape, and
// its header objects from flat [name, value, ...] lists in generated code (setting properties one
// by one from C++ takes V8's slow path, and cost more than the request itself). Values of a
// repeated response header arrive joined; request headers list their values, as in k6.
constexpr char kResponseClass[] = R"js(
(function (json, html, request) {
  class Response {
    constructor(status, status_text, body, header_list, cookies, duration, blocked, looking_up, connecting,
                tls_handshaking, sending, waiting, receiving, remote_ip, remote_port, proto, tls_version,
                tls_cipher_suite, url, error, error_code, method, request_url, request_header_list, request_body) {
      const headers = {};
      for (let i = 0; i < header_list.length; i += 2) headers[header_list[i]] = header_list[i + 1];
      const request_headers = {};
      for (let i = 0; i < request_header_list.length; i += 2) {
        const name = request_header_list[i];
        const values = request_headers[name];
        if (values === undefined) request_headers[name] = [request_header_list[i + 1]];
        else values.push(request_header_list[i + 1]);
      }
      this.status = status;
      this.status_text = status_text;
      this.body = body;
      this.headers = headers;
      this.cookies = cookies === undefined ? {} : cookies;
      this.timings = {duration, blocked, looking_up, connecting, tls_handshaking, sending, waiting, receiving};
      this.remote_ip = remote_ip;
      this.remote_port = remote_port;
      this.proto = proto;
      this.tls_version = tls_version;
      this.tls_cipher_suite = tls_cipher_suite;
      this.url = url;
      this.error = error;
      this.error_code = error_code;
      this.request = {method, url: request_url, headers: request_headers, body: request_body, cookies: {}};
    }
  }
  Object.defineProperty(Response.prototype, 'json', {value: json, writable: true});
  Object.defineProperty(Response.prototype, 'html', {value: html, writable: true});

  // `href` against the page's URL, as a browser resolves a link.
  function resolve(base, href) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return href;
    const m = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#]*)([^?#]*)/i.exec(base);
    if (!m) return href;
    if (href.startsWith('//')) return m[1] + href;
    if (href.startsWith('/')) return `${m[1]}//${m[2]}${href}`;
    if (href.startsWith('?') || href.startsWith('#')) return `${m[1]}//${m[2]}${m[3]}${href}`;
    return `${m[1]}//${m[2]}${m[3].slice(0, m[3].lastIndexOf('/') + 1) || '/'}${href}`;
  }
  // res.clickLink({selector, params}): GET the link's href.
  Object.defineProperty(Response.prototype, 'clickLink', {writable: true, value: function ({selector = 'a[href]', params} = {}) {
    const link = this.html(selector);
    if (link.size() === 0) throw new Error(`clickLink: no element found for selector '${selector}' in the response from ${this.url}`);
    const href = link.attr('href');
    if (href === undefined) throw new Error(`clickLink: the element '${selector}' has no href`);
    return request('GET', resolve(this.url, href), null, params);
  }});
  // res.submitForm({formSelector, fields, submitSelector, params}): the form's fields (and the
  // submit button's), overridden by `fields`, sent to its action with its method.
  Object.defineProperty(Response.prototype, 'submitForm', {writable: true, value: function (
      {formSelector = 'form', fields = {}, submitSelector = '[type="submit"]', params} = {}) {
    const form = this.html(formSelector);
    if (form.size() === 0) throw new Error(`submitForm: no form found for selector '${formSelector}' in the response from ${this.url}`);
    const method = (form.attr('method') || 'GET').toUpperCase();
    const action = resolve(this.url, form.attr('action') || this.url);
    const values = form.first().serializeObject();
    const submit = form.find(submitSelector);
    if (submit.size() && submit.attr('name')) values[submit.attr('name')] = submit.attr('value') || '';
    Object.assign(values, fields);
    if (method !== 'GET') return request(method, action, values, params);
    const query = Object.entries(values).flatMap(([k, v]) => [].concat(v).map((x) =>
      `${encodeURIComponent(k)}=${encodeURIComponent(x)}`)).join('&');
    return request('GET', query ? `${action.split('#')[0]}${action.includes('?') ? '&' : '?'}${query}` : action, null, params);
  }});
  return Response;
})
)js";

Local<v8::Function> make_response_class(Local<v8::Context> context) {
  v8::Isolate* isolate = context->GetIsolate();
  auto script = v8::Script::Compile(context, js_string(isolate, kResponseClass)).ToLocalChecked();
  auto factory = script->Run(context).ToLocalChecked().As<v8::Function>();
  Local<Value> natives[] = {v8::Function::New(context, response_json).ToLocalChecked(),
                            v8::Function::New(context, response_html).ToLocalChecked(),
                            v8::Function::New(context, http_request).ToLocalChecked()};
  return factory->Call(context, v8::Undefined(isolate), 3, natives).ToLocalChecked().As<v8::Function>();
}

// Whether a header of the same name comes before position `i` (rare: then values are joined or listed).
bool repeats_earlier(const net::Headers& headers, size_t i) {
  for (size_t j = 0; j < i; ++j) {
    if (iequals(headers[j].name, headers[i].name)) return true;
  }
  return false;
}

// [name, value, ...] with canonical names; a repeated name's values joined by ", " at its first place.
Local<v8::Array> response_header_list(v8::Isolate* isolate, const net::Headers& headers) {
  IsolateHost& host = IsolateHost::of(isolate);
  std::vector<Local<Value>> list;
  list.reserve(headers.size() * 2);
  for (size_t i = 0; i < headers.size(); ++i) {
    if (repeats_earlier(headers, i)) continue;
    std::string joined;
    for (size_t j = i + 1; j < headers.size(); ++j) {
      if (!iequals(headers[j].name, headers[i].name)) continue;
      if (joined.empty()) joined = headers[i].value;
      joined.append(", ").append(headers[j].value);
    }
    if (joined.empty()) {
      auto [name, value] = host.header(headers[i].name, headers[i].value);
      list.push_back(name);
      list.push_back(value);
    } else {
      list.push_back(host.header_name(headers[i].name));
      list.push_back(js_string(isolate, joined));
    }
  }
  return v8::Array::New(isolate, list.data(), list.size());
}

// [name, value, ...] in the order sent, canonical names (the class groups the values by name).
Local<v8::Array> request_header_list(v8::Isolate* isolate, const net::Headers& headers) {
  IsolateHost& host = IsolateHost::of(isolate);
  std::vector<Local<Value>> list;
  list.reserve(headers.size() * 2);
  for (const auto& h : headers) {
    auto [name, value] = host.header(h.name, h.value);
    list.push_back(name);
    list.push_back(value);
  }
  return v8::Array::New(isolate, list.data(), list.size());
}

Local<v8::Object> cookie_object(Local<v8::Context> context, const net::Cookie& c, int64_t now) {
  v8::Isolate* isolate = context->GetIsolate();
  auto o = v8::Object::New(isolate);
  set_value(context, o, "name", js_string(isolate, c.name));
  set_value(context, o, "value", js_string(isolate, c.value));
  set_value(context, o, "domain", js_string(isolate, c.host_only ? c.domain : "." + c.domain));
  set_value(context, o, "path", js_string(isolate, c.path));
  set_value(context, o, "http_only", v8::Boolean::New(isolate, c.http_only));
  set_value(context, o, "secure", v8::Boolean::New(isolate, c.secure));
  set_value(context, o, "max_age", v8::Number::New(isolate, c.expires < 0 ? 0 : static_cast<double>(c.expires - now)));
  set_value(context, o, "expires", v8::Number::New(isolate, c.expires < 0 ? 0 : static_cast<double>(c.expires) * 1000));
  return o;
}

}  // namespace

std::string canonical_header_name(std::string_view name) {
  std::string out(name);
  bool upper = true;
  for (char& c : out) {
    c = upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    upper = c == '-';
  }
  return out;
}

Local<v8::Object> make_response(Local<v8::Context> context, const net::HttpRequest& request, const net::HttpResponse& r,
                                ResponseType type) {
  v8::Isolate* isolate = context->GetIsolate();
  IsolateHost& host = IsolateHost::of(isolate);
  Local<Value> body;
  if (type == ResponseType::kNone || r.failed()) {  // a failed request has no body (null), as in k6
    body = v8::Null(isolate);
  } else if (type == ResponseType::kBinary) {
    auto buffer = v8::ArrayBuffer::New(isolate, r.body.size());
    std::memcpy(buffer->GetBackingStore()->Data(), r.body.data(), r.body.size());
    body = buffer;
  } else {
    body = js_string(isolate, r.body);
  }
  Local<Value> cookies = v8::Undefined(isolate);  // the class makes it {}
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  for (const auto& h : r.headers) {
    if (!iequals(h.name, "set-cookie")) continue;
    auto url = net::parse_url(r.url.empty() ? request.url.to_string() : r.url);
    if (!url.url) break;
    if (cookies->IsUndefined()) cookies = v8::Object::New(isolate);
    auto by_name = cookies.As<v8::Object>();
    net::CookieJar one;
    one.store(*url.url, h.value, now);
    for (const auto& c : one.cookies()) {
      auto name = js_string(isolate, c.name);
      Local<Value> list;
      if (!by_name->Get(context, name).ToLocal(&list) || !list->IsArray()) {
        list = v8::Array::New(isolate);
        by_name->Set(context, name, list).Check();
      }
      auto array = list.As<v8::Array>();
      array->Set(context, array->Length(), cookie_object(context, c, now)).Check();
    }
  }
  const auto& t = r.timings;
  // The final URL is the request's unless it was redirected (r.url is empty if nothing was sent).
  Local<v8::String> url = js_string(isolate, r.url.empty() ? request.url.to_string() : r.url);
  Local<v8::String> request_url = r.redirects == 0 || r.url.empty() ? url : js_string(isolate, request.url.to_string());
  Local<Value> args[] = {
      v8::Integer::New(isolate, r.status),
      host.recurring(r.status ? std::to_string(r.status) + " " + r.status_text : ""),
      body,
      response_header_list(isolate, r.headers),
      cookies,
      v8::Number::New(isolate, ms(t.duration())),
      v8::Number::New(isolate, ms(t.blocked)),
      v8::Number::New(isolate, ms(t.looking_up)),
      v8::Number::New(isolate, ms(t.connecting)),
      v8::Number::New(isolate, ms(t.tls_handshaking)),
      v8::Number::New(isolate, ms(t.sending)),
      v8::Number::New(isolate, ms(t.waiting)),
      v8::Number::New(isolate, ms(t.receiving)),
      host.recurring(r.remote_ip),
      v8::Integer::New(isolate, r.remote_port),
      host.recurring(r.proto),
      host.recurring(r.tls_version),
      host.recurring(r.tls_cipher_suite),
      url,
      r.error.empty() ? v8::String::Empty(isolate) : js_string(isolate, r.error),
      v8::Integer::New(isolate, static_cast<int>(r.error_code)),
      host.recurring(request.method),
      request_url,
      request_header_list(isolate, request.headers),
      js_string(isolate, request.body),
  };
  // Empty when the script is being terminated (an interrupted setup(), a stopped VU).
  return host.per_context(context, "k6.Response", make_response_class)
      ->NewInstance(context, static_cast<int>(std::size(args)), args)
      .FromMaybe(Local<v8::Object>());
}

namespace {

v8::Local<v8::Private> jar_marker(v8::Isolate* isolate) {
  return v8::Private::ForApi(isolate, js_string(isolate, "k6.jar"));
}

// A jar of its own (new http.CookieJar()); a request that uses it holds a reference of its own
// until it ends. The object keeps it as the backing store of a private ArrayBuffer, whose deleter
// V8 runs when the buffer is collected or the isolate goes (a weak handle's callback would not
// run then, and the jar would leak).
struct OwnJar {
  std::shared_ptr<net::CookieJar> jar = std::make_shared<net::CookieJar>();
};

// The jar `value` stands for: its own, or null for the VU's (http.cookieJar()).
std::shared_ptr<net::CookieJar> jar_of(v8::Isolate* isolate, Local<Value> value) {
  if (!value->IsObject()) return nullptr;
  Local<Value> stored;
  if (!value.As<v8::Object>()->GetPrivate(isolate->GetCurrentContext(), jar_marker(isolate)).ToLocal(&stored) ||
      !stored->IsArrayBuffer())
    return nullptr;
  return static_cast<OwnJar*>(stored.As<v8::ArrayBuffer>()->GetBackingStore()->Data())->jar;
}

// The jar a method was called on.
net::CookieJar& this_jar(const FunctionCallbackInfo<Value>& info) {
  auto own = jar_of(info.GetIsolate(), info.This());
  return own ? *own : JsVu::current().client().cookie_jar();
}

// jar.cookiesForURL(url) -> {name: [values]}
void jar_cookies_for_url(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto url = net::parse_url(info.Length() ? to_std_string(isolate, info[0]) : "");
  if (!url.url) return throw_error(isolate, "cookiesForURL: invalid URL");
  std::vector<net::Cookie> cookies;
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  net::CookieJar& jar = this_jar(info);
  // header_for applies the matching rules; the jar's cookies are then filtered by that header.
  const std::string header = jar.header_for(*url.url, now);
  for (const auto& c : jar.cookies()) {
    if (header.find(c.name + "=" + c.value) != std::string::npos) cookies.push_back(c);
  }
  auto out = v8::Object::New(isolate);
  for (const auto& c : cookies) {
    auto key = js_string(isolate, c.name);
    Local<Value> list;
    if (!out->Get(context, key).ToLocal(&list) || !list->IsArray()) {
      list = v8::Array::New(isolate);
      out->Set(context, key, list).Check();
    }
    list.As<v8::Array>()->Set(context, list.As<v8::Array>()->Length(), js_string(isolate, c.value)).Check();
  }
  info.GetReturnValue().Set(out);
}

// jar.set(url, name, value[, {domain, path, expires, max_age, secure, http_only}])
void jar_set(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  if (info.Length() < 3) return throw_type_error(isolate, "set(url, name, value[, options])");
  auto url = net::parse_url(to_std_string(isolate, info[0]));
  if (!url.url) return throw_error(isolate, "set: invalid URL");
  net::Cookie c;
  c.name = to_std_string(isolate, info[1]);
  c.value = to_std_string(isolate, info[2]);
  c.domain = url.url->host;
  c.path = "/";
  if (info.Length() > 3 && info[3]->IsObject()) {
    auto o = info[3].As<v8::Object>();
    if (auto d = get_value(context, o, "domain"); !d.IsEmpty()) {
      c.domain = to_std_string(isolate, d);
      if (c.domain.starts_with(".")) c.domain.erase(0, 1);
      c.host_only = false;
    }
    if (auto p = get_value(context, o, "path"); !p.IsEmpty()) c.path = to_std_string(isolate, p);
    if (auto s = get_value(context, o, "secure"); !s.IsEmpty()) c.secure = s->BooleanValue(isolate);
    if (auto h = get_value(context, o, "http_only"); !h.IsEmpty()) c.http_only = h->BooleanValue(isolate);
    if (auto m = get_value(context, o, "max_age"); !m.IsEmpty()) {
      c.expires = static_cast<int64_t>(std::time(nullptr)) + static_cast<int64_t>(m->NumberValue(context).FromMaybe(0));
    }
  }
  this_jar(info).set(c);
}

void jar_clear(const FunctionCallbackInfo<Value>& info) { this_jar(info).clear(); }

void jar_delete(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 2) return throw_type_error(isolate, "delete(url, name)");
  const std::string name = to_std_string(isolate, info[1]);
  net::CookieJar& jar = this_jar(info);
  std::vector<net::Cookie> keep;
  for (const auto& c : jar.cookies()) {
    if (c.name != name) keep.push_back(c);
  }
  jar.clear();
  for (auto& c : keep) jar.set(c);
}

// http.cookieJar(): the VU's jar. new http.CookieJar(): a jar of its own, apart from the VU's.
void make_jar(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto jar = info.IsConstructCall() ? info.This() : v8::Object::New(isolate);
  if (info.IsConstructCall()) {
    auto store = v8::ArrayBuffer::NewBackingStore(
        new OwnJar, sizeof(OwnJar), [](void* data, size_t, void*) { delete static_cast<OwnJar*>(data); }, nullptr);
    jar->SetPrivate(context, jar_marker(isolate), v8::ArrayBuffer::New(isolate, std::move(store))).Check();
  }
  set_function(context, jar, "cookiesForURL", jar_cookies_for_url);
  set_function(context, jar, "set", jar_set);
  set_function(context, jar, "clear", jar_clear);
  set_function(context, jar, "delete", jar_delete);
  info.GetReturnValue().Set(jar);
}

}  // namespace

std::shared_ptr<net::CookieJar> own_cookie_jar(v8::Isolate* isolate, Local<Value> jar) { return jar_of(isolate, jar); }

void install_cookie_jar(Local<v8::Context> context, Local<v8::Object> exports) {
  set_function(context, exports, "cookieJar", make_jar);
  set_function(context, exports, "CookieJar", make_jar);
}

}  // namespace squall::k6
