// Test files: a directory private to the test process, removed with all in it when the process exits.
#pragma once

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace squall::testing {

// `name` in this process's directory (ctest runs tests in parallel processes).
inline std::string temp_path(const std::string& name) {
  struct PrivateDirectory {
    std::string path = ::testing::TempDir() + "squall-test-XXXXXX";
    PrivateDirectory() {
      if (!mkdtemp(path.data())) ADD_FAILURE() << "mkdtemp " << path << ": " << std::strerror(errno);
    }
    ~PrivateDirectory() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  };
  static const PrivateDirectory directory;
  return directory.path + "/" + name;
}

}  // namespace squall::testing
