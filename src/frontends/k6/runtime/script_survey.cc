#include "frontends/k6/runtime/script_survey.h"

#include "frontends/k6/runtime/js_util.h"
#include "frontends/k6/runtime/script_bundle.h"

namespace squall::k6 {

const std::string& acorn_source();  // acorn.js, embedded at build time (cmake/embed_text.cmake)

namespace {

// Given acorn and [[url, text], ...], returns {tails: [[url, line, column], ...], promises}.
// tails: the callee positions of the calls in tail position of every function. A call is in tail
// position when it is the expression of the last statement of the function's body, or of an arrow
// function's concise body, or what a `return` returns — where that statement is reached from the
// body through blocks and `if`s only (no loop, `try`, `switch` or label in between: code could run
// after it). Function declarations and empty statements after the last statement do not run. Only
// plain calls count (`f(x)`, `a.f(x)`): V8 reports the position of `f` for them, as acorn does.
// promises: an await, an async function, a call of .then/.catch/.finally, or the name Promise.
constexpr char kSurvey[] = R"js(
(function (acorn, files) {
  const found = [];
  let promises = false;
  const isFunction = (n) =>
    n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression';
  const tailsOfStatement = (statement, isLast, out) => {
    switch (statement.type) {
      case 'ReturnStatement': if (statement.argument) out.push(statement.argument); break;
      case 'ExpressionStatement': if (isLast) out.push(statement.expression); break;
      case 'BlockStatement': tailsOfList(statement.body, isLast, out); break;
      case 'IfStatement':
        tailsOfStatement(statement.consequent, isLast, out);
        if (statement.alternate) tailsOfStatement(statement.alternate, isLast, out);
        break;
    }
  };
  const tailsOfList = (list, isTail, out) => {
    let last = list.length - 1;
    while (last >= 0 && (list[last].type === 'FunctionDeclaration' || list[last].type === 'EmptyStatement')) last--;
    list.forEach((statement, i) => tailsOfStatement(statement, isTail && i === last, out));
  };
  for (const [url, text] of files) {
    let ast;
    try {
      ast = acorn.parse(text, { ecmaVersion: 'latest', sourceType: 'module', locations: true, allowHashBang: true });
    } catch (e) {
      promises = true;
      continue;
    }
    const stack = [ast];
    while (stack.length > 0) {
      const node = stack.pop();
      if (node.type === 'AwaitExpression' || (isFunction(node) && node.async) ||
          (node.type === 'Identifier' && node.name === 'Promise') ||
          (node.type === 'MemberExpression' && !node.computed && ['then', 'catch', 'finally'].includes(node.property.name))) {
        promises = true;
      }
      if (isFunction(node) && !node.generator) {
        const tails = [];
        if (node.body.type === 'BlockStatement') tailsOfList(node.body.body, true, tails);
        else tails.push(node.body);
        for (const call of tails) {
          if (call.type !== 'CallExpression' || call.optional) continue;
          const callee = call.callee;
          const at = callee.type === 'Identifier' ? callee
            : callee.type === 'MemberExpression' && !callee.computed && !callee.optional ? callee.property : null;
          if (at) found.push([url, at.loc.start.line, at.loc.start.column + 1]);
        }
      }
      for (const key in node) {
        const value = node[key];
        if (key === 'loc' || !value || typeof value !== 'object') continue;
        if (Array.isArray(value)) {
          for (const child of value) if (child && typeof child.type === 'string') stack.push(child);
        } else if (typeof value.type === 'string') {
          stack.push(value);
        }
      }
    }
  }
  return { tails: found, promises };
})
)js";

v8::MaybeLocal<v8::Value> run_script(v8::Local<v8::Context> context, const std::string& text, const char* name) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::ScriptOrigin origin(isolate, js_string(isolate, name));
  v8::Local<v8::Script> script;
  if (!v8::Script::Compile(context, js_string(isolate, text), &origin).ToLocal(&script)) return {};
  return script->Run(context);
}

}  // namespace

size_t TailCalls::size() const {
  size_t n = 0;
  for (const auto& [url, positions] : positions_) n += positions.size();
  return n;
}

ScriptSurvey survey_script(v8::Isolate* isolate, const std::vector<const SourceFile*>& files) {
  ScriptSurvey survey;
  survey.queues_promise_jobs = true;  // unless the survey says otherwise
  v8::HandleScope handles(isolate);
  // A context of its own: acorn's global stays out of the VUs' context.
  auto context = v8::Context::New(isolate);
  v8::Context::Scope scope(context);
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Value> surveyor;
  if (run_script(context, acorn_source(), "squall:acorn.js").IsEmpty() ||
      !run_script(context, kSurvey, "squall:script_survey.js").ToLocal(&surveyor) || !surveyor->IsFunction()) {
    return survey;
  }
  auto list = v8::Array::New(isolate, static_cast<int>(files.size()));
  for (uint32_t i = 0; i < files.size(); ++i) {
    v8::Local<v8::Value> pair[] = {js_string(isolate, files[i]->url), js_string(isolate, files[i]->text)};
    list->Set(context, i, v8::Array::New(isolate, pair, 2)).Check();
  }
  v8::Local<v8::Value> args[] = {get_value(context, context->Global(), "acorn"), list};
  v8::Local<v8::Value> found;
  if (!surveyor.As<v8::Function>()->Call(context, v8::Undefined(isolate), 2, args).ToLocal(&found) ||
      !found->IsObject()) {
    return survey;
  }
  survey.queues_promise_jobs = get_value(context, found.As<v8::Object>(), "promises")->BooleanValue(isolate);
  auto positions = get_value(context, found.As<v8::Object>(), "tails").As<v8::Array>();
  for (uint32_t i = 0; i < positions->Length(); ++i) {
    auto entry = positions->Get(context, i).ToLocalChecked().As<v8::Array>();
    const std::string url = to_std_string(isolate, entry->Get(context, 0).ToLocalChecked());
    const int line = entry->Get(context, 1).ToLocalChecked()->Int32Value(context).FromMaybe(0);
    const int column = entry->Get(context, 2).ToLocalChecked()->Int32Value(context).FromMaybe(0);
    survey.tail_calls.add(url, line, column);
  }
  return survey;
}

}  // namespace squall::k6
