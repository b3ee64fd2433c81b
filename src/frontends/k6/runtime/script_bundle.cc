#include "frontends/k6/runtime/script_bundle.h"

#include <unistd.h>

#include <cctype>
#include <vector>

#include "common/files.h"
#include "frontends/k6/modules/jslib_modules.h"

namespace squall::k6 {

std::string normalize_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string::npos) slash = path.size();
    const std::string part = path.substr(i, slash - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

namespace {

std::string absolute(const std::string& path) {
  if (!path.empty() && path[0] == '/') return normalize_path(path);
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) return normalize_path("/" + path);
  return normalize_path(std::string(cwd) + "/" + path);
}

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::unique_ptr<ScriptBundle> ScriptBundle::load(const std::string& entry, std::string& error) {
  auto bundle = std::make_unique<ScriptBundle>();
  bundle->entry_ = bundle->file(absolute(entry), error);
  if (!bundle->entry_) return nullptr;
  return bundle;
}

std::string ScriptBundle::entry_directory() const { return directory_of(entry_->path); }

std::optional<std::string> ScriptBundle::resolve(const std::string& referrer_path, const std::string& specifier,
                                                 std::string& error) {
  if (specifier.starts_with("file://")) return normalize_path(specifier.substr(7));
  if (specifier.starts_with("/")) return normalize_path(specifier);
  if (specifier.starts_with("./") || specifier.starts_with("../")) {
    return normalize_path(directory_of(referrer_path) + "/" + specifier);
  }
  if (auto bundled = jslib_path(specifier)) return bundled;
  if (auto bundled = k6_js_module_path(specifier)) return bundled;
  if (specifier.starts_with("http://") || specifier.starts_with("https://")) {
    error = "remote module '" + specifier +
            "' is not supported (squall carries jslib.k6.io's k6-utils and k6-summary "
            "only): download it next to the script and import it by a relative path";
  } else {
    static const std::string kImplemented =
        "squall has k6, k6/http, k6/metrics, k6/execution, k6/data, k6/encoding, k6/crypto, k6/timers, "
        "k6/secrets, k6/html, k6/experimental/webcrypto, k6/experimental/fs and k6/experimental/csv";
    error = specifier == "k6" || specifier.starts_with("k6/")
                ? "k6 module '" + specifier + "' is not implemented by squall yet (" + kImplemented + ")"
                : "unknown module '" + specifier + "' (" + kImplemented + "; local files start with ./ or ../)";
  }
  return std::nullopt;
}

const SourceFile* ScriptBundle::file(const std::string& path, std::string& error) const {
  std::lock_guard<std::mutex> guard(mutex_);
  auto it = files_.find(path);
  if (it != files_.end()) return it->second.get();
  if (const std::string* bundled = jslib_source(path)) {
    const std::string library = path.substr(path.find(':') + 1);
    auto file = std::make_unique<SourceFile>(
        SourceFile{path, "https://jslib.k6.io/" + library + "/index.js", *bundled, nullptr});
    return files_.emplace(path, std::move(file)).first->second.get();
  }
  auto text = read_whole_file(path, "file", error);
  if (!text) return nullptr;
  std::shared_ptr<const SourceMap> map;
  if (is_typescript(path)) {
    text = strip_types(path, *text, error);
    if (!text) return nullptr;
    if (auto decoded = SourceMap::from_inline_comment(*text)) map = std::make_shared<const SourceMap>(*decoded);
  }
  auto file = std::make_unique<SourceFile>(SourceFile{path, "file://" + path, std::move(*text), std::move(map)});
  const SourceFile* out = file.get();
  files_.emplace(path, std::move(file));
  return out;
}

std::vector<ArchivedFile> ScriptBundle::local_files() const {
  std::lock_guard<std::mutex> guard(mutex_);
  std::vector<ArchivedFile> out{{entry_->path, entry_->text}};
  for (const auto& [path, file] : files_) {
    if (file.get() != entry_ && path.starts_with("/")) out.push_back({path, file->text});
  }
  return out;
}

std::string ScriptBundle::with_source_positions(std::string text) const {
  std::lock_guard<std::mutex> guard(mutex_);
  for (const auto& [path, file] : files_) {
    if (!file->source_map) continue;
    const std::string prefix = file->url + ":";
    for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + prefix.size())) {
      const size_t start = at + prefix.size();
      size_t colon = start, end = 0;
      while (colon < text.size() && std::isdigit(static_cast<unsigned char>(text[colon]))) ++colon;
      if (colon == start || colon >= text.size() || text[colon] != ':') continue;
      end = colon + 1;
      while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
      if (end == colon + 1) continue;
      int line = 0, column = 0;
      if (!file->source_map->original(std::stoi(text.substr(start, colon - start)),
                                      std::stoi(text.substr(colon + 1, end - colon - 1)), line, column))
        continue;
      text.replace(start, end - start, std::to_string(line) + ":" + std::to_string(column));
    }
  }
  return text;
}

}  // namespace squall::k6
