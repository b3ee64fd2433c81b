// k6's test archive (`k6 archive`, a .tar that `k6 run` and `squall run` both take): metadata.json
// (type, options, filename and pwd as file:/// URLs, env, compatibilityMode, k6version), `data`
// (the entry script) and file/<absolute path> for every local module and open()ed file. Written
// and read with libarchive.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace squall::k6 {

struct ArchivedFile {
  std::string path;  // absolute
  std::string text;
};

// Writes the archive of a test whose entry script is `files.front()`; false with `error`.
bool write_k6_archive(const std::string& out_path, const std::vector<ArchivedFile>& files,
                      const std::string& options_json, const std::map<std::string, std::string>& env,
                      std::string& error);

struct ExtractedArchive {
  std::string entry;                       // the entry script, under the directory
  std::map<std::string, std::string> env;  // metadata.json's env (the -e values it was made with)
};

// Extracts `tar_path` under `directory` (each file at directory + its absolute path); nullopt
// with `error` for what is no k6 archive, or a path that would leave the directory.
std::optional<ExtractedArchive> extract_k6_archive(const std::string& tar_path, const std::string& directory,
                                                   std::string& error);

}  // namespace squall::k6
