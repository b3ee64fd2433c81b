// k6's built-in modules. Each builder fills an exports object once per
// isolate; the module's default export is that object, and each of its
// properties is also a named export (`import http from 'k6/http'` and
// `import { check } from 'k6'` both work).
#pragma once

#include <v8.h>

#include <string_view>

namespace squall::k6 {

using ModuleBuilder = void (*)(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);

// nullptr for a specifier that is not a built-in module.
ModuleBuilder find_builtin_module(std::string_view specifier);

void build_k6_module(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);
void build_http_module(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);
void build_metrics_module(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);
void build_execution_module(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);
void build_data_module(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);
void build_encoding_module(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);
void build_crypto_module(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);
void build_timers_module(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);
// 'k6/html': parseHTML, Selection, Element (html_module.cc, html.js).
void build_html_module(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);
// The k6/html library of `context` ({parseHTML, Selection, Element}), built on first use.
v8::Local<v8::Object> html_library(v8::Local<v8::Context> context);
// 'squall/fs': the natives of k6/experimental/fs and k6/experimental/csv (written in JavaScript).
void build_fs_module(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);
void build_secrets_module(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);
// 'k6/experimental/webcrypto': exports the global `crypto`.
void build_webcrypto_module(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);
// squall's own: text(), the end-of-test summary text (for the bundled k6-summary's textSummary).
void build_summary_module(v8::Local<v8::Context> context, v8::Local<v8::Object> exports);

// The globals of k6's runtime: console, open, __ENV, __VU, __ITER, setTimeout & co.
void install_globals(v8::Local<v8::Context> context);
// The global `crypto` (WebCrypto): getRandomValues, randomUUID, subtle.
void install_webcrypto(v8::Local<v8::Context> context);

}  // namespace squall::k6
