// 'squall/fs': the natives under k6/experimental/fs and k6/experimental/csv (experimental_fs.js,
// experimental_csv.js). Files are the bundle's: read once, shared by every VU.
#include <cstring>
#include <filesystem>

#include "frontends/k6/modules/builtin_modules.h"
#include "frontends/k6/runtime/js_util.h"
#include "frontends/k6/runtime/js_vu.h"

namespace squall::k6 {

namespace {

using v8::FunctionCallbackInfo;
using v8::Value;

// The bundle's file at `path` (relative to the script's folder); null with an exception thrown.
const SourceFile* file_at(const FunctionCallbackInfo<Value>& info, std::string path) {
  v8::Isolate* isolate = info.GetIsolate();
  JsVu& vu = JsVu::current();
  if (path.starts_with("file://")) path = path.substr(7);
  if (!path.starts_with("/")) path = vu.run().bundle.entry_directory() + "/" + path;
  path = normalize_path(path);
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    throw_error(isolate, "'" + path + "' is a directory, not a file");
    return nullptr;
  }
  std::string error;
  const SourceFile* file = vu.run().bundle.file(path, error);
  if (!file) throw_error(isolate, error);
  return file;
}

// stat(path) -> {path, name, size}: init context only, as k6's open().
void stat(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (!JsVu::current().in_init()) return throw_error(isolate, "open() can only be called in the init context");
  const SourceFile* file = file_at(info, to_std_string(isolate, info[0]));
  if (!file) return;
  auto context = isolate->GetCurrentContext();
  auto out = v8::Object::New(isolate);
  set_value(context, out, "path", js_string(isolate, file->path));
  set_value(context, out, "name", js_string(isolate, std::filesystem::path(file->path).filename().string()));
  set_value(context, out, "size", v8::Number::New(isolate, static_cast<double>(file->text.size())));
  info.GetReturnValue().Set(out);
}

// readAt(path, offset, view): copies what fits of the file from `offset` into the view; the count.
void read_at(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  const SourceFile* file = file_at(info, to_std_string(isolate, info[0]));
  if (!file || !info[2]->IsArrayBufferView()) return;
  const auto offset =
      static_cast<size_t>(std::max(0.0, info[1]->NumberValue(isolate->GetCurrentContext()).FromMaybe(0)));
  auto view = info[2].As<v8::ArrayBufferView>();
  const size_t n = offset >= file->text.size() ? 0 : std::min(view->ByteLength(), file->text.size() - offset);
  auto* base = static_cast<char*>(view->Buffer()->GetBackingStore()->Data()) + view->ByteOffset();
  if (n) std::memcpy(base, file->text.data() + offset, n);
  info.GetReturnValue().Set(static_cast<double>(n));
}

// text(path): the file as a string (csv's input).
void text(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (const SourceFile* file = file_at(info, to_std_string(isolate, info[0])))
    info.GetReturnValue().Set(js_string(isolate, file->text));
}

}  // namespace

void build_fs_module(v8::Local<v8::Context> context, v8::Local<v8::Object> exports) {
  set_function(context, exports, "stat", stat);
  set_function(context, exports, "readAt", read_at);
  set_function(context, exports, "text", text);
}

}  // namespace squall::k6
