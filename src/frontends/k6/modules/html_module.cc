// k6/html and Response.html(): HTML parsed by gumbo (the HTML5 parsing algorithm, as browsers
// parse), handed to html.js as a tree of plain objects; html.js gives k6's Selection API
// (goquery's, with cascadia's CSS selectors) over it. The library is built once per context, the
// first time a script parses HTML.
#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <string_view>

#include "common/text.h"

#include "frontends/k6/modules/builtin_modules.h"
#include "frontends/k6/runtime/js_util.h"

namespace squall::k6 {

const std::string& html_source();  // html.js, embedded at build time

namespace {

using v8::FunctionCallbackInfo;
using v8::Local;
using v8::Value;

constexpr int kMaxDepth = 512;  // deeper markup is cut (gumbo itself nests without a limit)

// {t: 1, name, attrs: {..}, kids: [..]} for an element, {t: 3, text} for text; comments are left out.
Local<Value> node_object(v8::Isolate* isolate, Local<v8::Context> context, const GumboNode* node, int depth) {
  auto out = v8::Object::New(isolate);
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE || node->type == GUMBO_NODE_CDATA) {
    set_value(context, out, "t", v8::Integer::New(isolate, 3));
    set_value(context, out, "text", js_string(isolate, node->v.text.text));
    return out;
  }
  const GumboVector* children = nullptr;
  if (node->type == GUMBO_NODE_DOCUMENT) {
    set_value(context, out, "t", v8::Integer::New(isolate, 9));
    children = &node->v.document.children;
  } else {
    const GumboElement& element = node->v.element;
    set_value(context, out, "t", v8::Integer::New(isolate, 1));
    std::string name;
    if (element.tag != GUMBO_TAG_UNKNOWN) {
      name = gumbo_normalized_tagname(element.tag);
    } else {  // a custom element: its name from the source ("<my-widget a=b>" -> "my-widget")
      GumboStringPiece original = element.original_tag;
      gumbo_tag_from_original_text(&original);
      name.assign(original.data, original.length);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    set_value(context, out, "name", js_string(isolate, name));
    auto attrs = v8::Object::New(isolate);
    for (unsigned i = 0; i < element.attributes.length; ++i) {
      const auto* attribute = static_cast<const GumboAttribute*>(element.attributes.data[i]);
      set_value(context, attrs, attribute->name, js_string(isolate, attribute->value));
    }
    set_value(context, out, "attrs", attrs);
    children = &element.children;
  }
  auto kids = v8::Array::New(isolate);
  uint32_t n = 0;
  for (unsigned i = 0; depth < kMaxDepth && i < children->length; ++i) {
    const auto* child = static_cast<const GumboNode*>(children->data[i]);
    if (child->type == GUMBO_NODE_COMMENT) continue;
    kids->Set(context, n++, node_object(isolate, context, child, depth + 1)).Check();
  }
  set_value(context, out, "kids", kids);
  return out;
}

// How deep start tags nest, by a quick scan (void and self-closed elements not counted): gumbo's
// time grows with the square of the depth, so a page nested absurdly deep is refused, not parsed
// for minutes. An estimate: misnested or unclosed markup only makes it larger.
size_t nesting_depth(std::string_view html) {
  static constexpr std::string_view kVoid[] = {"area",  "base", "br",   "col",    "embed", "hr", "img",
                                               "input", "link", "meta", "source", "track", "wbr"};
  size_t depth = 0, deepest = 0;
  for (size_t at = html.find('<'); at != std::string_view::npos && at + 1 < html.size(); at = html.find('<', at + 1)) {
    const size_t end = html.find('>', at);
    if (end == std::string_view::npos) break;
    const std::string_view tag = html.substr(at + 1, end - at - 1);
    if (tag.starts_with('/')) {
      depth -= depth > 0;
    } else if (!tag.empty() && std::isalpha(static_cast<unsigned char>(tag[0])) && !tag.ends_with('/')) {
      const std::string_view name = tag.substr(0, tag.find_first_of(" \t\n\r/"));
      bool is_void = false;
      for (std::string_view v : kVoid) is_void = is_void || iequals(name, v);
      if (!is_void) deepest = std::max(deepest, ++depth);
    }
    at = end;
  }
  return deepest;
}

constexpr size_t kMaxNesting = 4096;

// parse(text) -> the document's tree.
void parse(const FunctionCallbackInfo<Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  const std::string text = to_std_string(isolate, info[0]);
  if (nesting_depth(text) > kMaxNesting) {
    return throw_error(isolate, "k6/html: the document nests elements more than " + std::to_string(kMaxNesting) +
                                    " deep; squall does not parse it (the parser's time grows with the square of "
                                    "the depth)");
  }
  GumboOutput* output = gumbo_parse_with_options(&kGumboDefaultOptions, text.data(), text.size());
  info.GetReturnValue().Set(node_object(isolate, isolate->GetCurrentContext(), output->document, 0));
  gumbo_destroy_output(&kGumboDefaultOptions, output);
}

}  // namespace

Local<v8::Object> html_library(Local<v8::Context> context) {
  v8::Isolate* isolate = context->GetIsolate();
  auto key = v8::Private::ForApi(isolate, js_string(isolate, "squall.html"));
  Local<Value> cached;
  if (context->Global()->GetPrivate(context, key).ToLocal(&cached) && cached->IsObject())
    return cached.As<v8::Object>();
  v8::ScriptOrigin origin(isolate, js_string(isolate, "squall:html.js"));
  auto script = v8::Script::Compile(context, js_string(isolate, html_source()), &origin).ToLocalChecked();
  auto factory = script->Run(context).ToLocalChecked().As<v8::Function>();
  Local<Value> argv[] = {v8::Function::New(context, parse).ToLocalChecked()};
  auto library = factory->Call(context, context->Global(), 1, argv).ToLocalChecked().As<v8::Object>();
  context->Global()->SetPrivate(context, key, library).Check();
  return library;
}

void build_html_module(Local<v8::Context> context, Local<v8::Object> exports) {
  auto library = html_library(context);
  for (const char* name : {"parseHTML", "Selection", "Element"})
    set_value(context, exports, name, get_value(context, library, name));
}

}  // namespace squall::k6
