// Reading and writing a whole file, with the error messages the callers report. A write is
// checked to the end (flush and close included: a full disk shows only there).
#pragma once

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace squall {

// The file's bytes, or nullopt with `error` = "cannot read <what> '<path>'".
inline std::optional<std::string> read_whole_file(const std::string& path, const std::string& what,
                                                  std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + what + " '" + path + "'";
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes `text` to `path`; nullopt, or "cannot write <what> '<path>': <reason>".
inline std::optional<std::string> write_whole_file(const std::string& path, std::string_view text,
                                                   const std::string& what) {
  auto failed = [&](int err) { return "cannot write " + what + " '" + path + "': " + std::strerror(err); };
  FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) return failed(errno);
  const bool wrote = std::fwrite(text.data(), 1, text.size(), file) == text.size() && std::fflush(file) == 0;
  const int err = errno;
  if (std::fclose(file) != 0 || !wrote) return failed(wrote ? errno : err);
  return std::nullopt;
}

// Whether `path` can be written, checked before a test starts so that a run never ends in an
// output it cannot write: an existing file must be writable, a new one's folder must exist and
// be writable. nullopt, or the reason.
inline std::optional<std::string> check_writable(const std::string& path, const std::string& what) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path p(path);
  if (fs::is_directory(p, ec)) return "cannot write " + what + " '" + path + "': it is a directory";
  const bool exists = fs::exists(p, ec);
  const fs::path folder = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!exists && !fs::is_directory(folder, ec)) {
    return "cannot write " + what + " '" + path + "': no such directory '" + folder.string() + "'";
  }
  if (::access(exists ? path.c_str() : folder.c_str(), W_OK) != 0) {
    return "cannot write " + what + " '" + path + "': " + std::strerror(errno);
  }
  return std::nullopt;
}

}  // namespace squall
