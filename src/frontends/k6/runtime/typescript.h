// TypeScript, as k6 v1 runs it: the types are stripped when the file is loaded (by esbuild, as k6
// does; Debian's `esbuild` package), and positions in errors are mapped back to the .ts source
// through the source map esbuild writes.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace squall::k6 {

// A decoded source map of one generated file with one source (esbuild's output for one file).
class SourceMap {
 public:
  // The map in the "//# sourceMappingURL=data:application/json;base64,..." comment at the end of
  // `javascript`; nullopt when there is none or it cannot be read.
  static std::optional<SourceMap> from_inline_comment(const std::string& javascript);

  // The source position of generated `line` and `column` (both 1-based); false if unmapped.
  bool original(int line, int column, int& source_line, int& source_column) const;

 private:
  struct Segment {
    int column;                      // generated, 0-based
    int source_line, source_column;  // 0-based
  };
  std::vector<std::vector<Segment>> lines_;  // by generated line, 0-based
};

// `source` (the file at `path`) with its types stripped, as an ES module with an inline source map;
// nullopt with `error` (esbuild's message, naming file:line:column) when it is no valid TypeScript
// or esbuild is missing.
std::optional<std::string> strip_types(const std::string& path, const std::string& source, std::string& error);

// Whether `path` names a TypeScript file (.ts, .mts).
bool is_typescript(const std::string& path);

}  // namespace squall::k6
