// Reading a whole file, with the error message the callers report.
#pragma once

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace squall {

// The file's bytes, or nullopt with `error` = "cannot read <what> '<path>'".
inline std::optional<std::string> read_whole_file(const std::string& path, const std::string& what, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + what + " '" + path + "'";
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace squall
