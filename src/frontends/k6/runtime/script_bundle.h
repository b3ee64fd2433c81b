// The files of a k6 test: the entry script, the local modules it imports and
// the files it open()s. Each file is read once and shared by every isolate
// and VU (VUs compile modules from these texts; open() hands out the bytes).
// Specifiers resolve as in k6: relative ('./lib.js', '../x.js'), absolute
// paths and file:// URLs; jslib.k6.io's k6-utils and k6-summary are squall's own
// (jslib_modules.h); other remote URLs are refused with a clear error.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "frontends/k6/runtime/k6_archive.h"
#include "frontends/k6/runtime/typescript.h"

namespace squall::k6 {

struct SourceFile {
  std::string path;                             // absolute, normalised
  std::string url;                              // file:///path, as k6 names scripts in stack traces
  std::string text;                             // for TypeScript, the JavaScript its types were stripped to
  std::shared_ptr<const SourceMap> source_map;  // TypeScript: generated -> .ts positions
};

class ScriptBundle {
 public:
  // Reads the entry script; nullopt with `error` when it cannot be read.
  static std::unique_ptr<ScriptBundle> load(const std::string& entry, std::string& error);

  const SourceFile& entry() const { return *entry_; }
  // The directory the entry script is in (open() resolves relative paths against it).
  std::string entry_directory() const;

  // The absolute path `specifier` names when imported by `referrer_path`;
  // nullopt with `error` for remote or unsupported specifiers.
  static std::optional<std::string> resolve(const std::string& referrer_path, const std::string& specifier,
                                            std::string& error);
  // The file at an absolute path, read on first use. Thread-safe; the result lives as long as the bundle.
  // A .ts file's text is its types stripped (typescript.h), open() included.
  const SourceFile* file(const std::string& path, std::string& error) const;
  // The entry script, then every other local file read so far (modules, open()ed files), for an archive.
  std::vector<ArchivedFile> local_files() const;
  // `text` (an error and its stack) with each "file:///x.ts:LINE:COLUMN" of a loaded TypeScript file
  // moved to its place in the .ts source.
  std::string with_source_positions(std::string text) const;

 private:
  const SourceFile* entry_ = nullptr;
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::unique_ptr<SourceFile>> files_;
};

// "a/./b/../c" -> "a/c" for an absolute path.
std::string normalize_path(const std::string& path);

}  // namespace squall::k6
