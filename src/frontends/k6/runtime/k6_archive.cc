#include "frontends/k6/runtime/k6_archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

namespace squall::k6 {

namespace {

constexpr size_t kMaxArchiveBytes = size_t{1} << 30;  // what squall unpacks at most, all files together

struct WriterFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct ReaderFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

bool add_file(archive* a, const std::string& name, const std::string& data, std::string& error) {
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, name.c_str());
  archive_entry_set_size(entry, static_cast<la_int64_t>(data.size()));
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_perm(entry, 0644);
  archive_entry_set_mtime(entry, std::time(nullptr), 0);
  bool ok = archive_write_header(a, entry) == ARCHIVE_OK &&
            archive_write_data(a, data.data(), data.size()) == static_cast<la_ssize_t>(data.size());
  if (!ok) error = std::string("writing ") + name + ": " + archive_error_string(a);
  archive_entry_free(entry);
  return ok;
}

std::string directory_of(const std::string& path) { return path.substr(0, path.rfind('/') + 1); }

// "file:///a/b.js" -> "/a/b.js"; "" for anything else.
std::string path_of_file_url(const std::string& url) { return url.starts_with("file://") ? url.substr(7) : ""; }

// Whether `path` (absolute) stays where it is put: no "..", no empty name.
bool safe_path(const std::string& path) {
  if (!path.starts_with("/")) return false;
  for (const auto& part : std::filesystem::path(path)) {
    if (part == "..") return false;
  }
  return true;
}

bool write_out(const std::string& directory, const std::string& path, const std::string& data, std::string& error) {
  const std::filesystem::path target = directory + path;
  std::error_code ec;
  std::filesystem::create_directories(target.parent_path(), ec);
  std::ofstream out(target, std::ios::binary | std::ios::trunc);
  out << data;
  if (!out) error = "cannot write " + target.string();
  return static_cast<bool>(out);
}

}  // namespace

bool write_k6_archive(const std::string& out_path, const std::vector<ArchivedFile>& files,
                      const std::string& options_json, const std::map<std::string, std::string>& env,
                      std::string& error) {
  if (files.empty()) return error = "nothing to archive", false;
  const ArchivedFile& entry = files.front();
  nlohmann::json metadata = {{"type", "js"},
                             {"options", nlohmann::json::parse(options_json, nullptr, false)},
                             {"filename", "file://" + entry.path},
                             {"pwd", "file://" + directory_of(entry.path)},
                             {"env", env},
                             {"compatibilityMode", "extended"},
                             {"k6version", "1.3.0"},
                             {"goos", "linux"}};
  if (metadata["options"].is_discarded()) metadata["options"] = nlohmann::json::object();
  std::unique_ptr<archive, WriterFree> a(archive_write_new());
  archive_write_set_format_pax_restricted(a.get());
  if (archive_write_open_filename(a.get(), out_path.c_str()) != ARCHIVE_OK) {
    error = "cannot write " + out_path + ": " + archive_error_string(a.get());
    return false;
  }
  if (!add_file(a.get(), "metadata.json", metadata.dump(), error) || !add_file(a.get(), "data", entry.text, error))
    return false;
  for (const auto& file : files) {
    if (!add_file(a.get(), "file" + file.path, file.text, error)) return false;
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) {
    error = "writing " + out_path + ": " + archive_error_string(a.get());
    return false;
  }
  return true;
}

std::optional<ExtractedArchive> extract_k6_archive(const std::string& tar_path, const std::string& directory,
                                                   std::string& error) {
  std::unique_ptr<archive, ReaderFree> a(archive_read_new());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), tar_path.c_str(), 1 << 16) != ARCHIVE_OK) {
    error = tar_path + ": " + archive_error_string(a.get());
    return std::nullopt;
  }
  std::optional<nlohmann::json> metadata;
  std::optional<std::string> data;
  size_t total = 0;
  archive_entry* entry = nullptr;
  int status = ARCHIVE_OK;
  while ((status = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
    const std::string name = archive_entry_pathname(entry);
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    std::string bytes;
    char buffer[65536];
    for (la_ssize_t n; (n = archive_read_data(a.get(), buffer, sizeof buffer)) > 0;) {
      total += static_cast<size_t>(n);
      if (total > kMaxArchiveBytes) {
        error = tar_path + ": more than 1 GiB of files";
        return std::nullopt;
      }
      bytes.append(buffer, static_cast<size_t>(n));
    }
    if (name == "metadata.json") {
      metadata = nlohmann::json::parse(bytes, nullptr, false);
    } else if (name == "data") {
      data = std::move(bytes);
    } else if (name.starts_with("file/")) {
      const std::string path = name.substr(4);
      if (!safe_path(path)) {
        error = tar_path + ": '" + name + "' would leave the archive's folder";
        return std::nullopt;
      }
      if (!write_out(directory, path, bytes, error)) return std::nullopt;
    }  // https/...: remote modules, which squall does not load (jslib's are bundled)
  }
  if (status != ARCHIVE_EOF) {
    error = tar_path + ": " + archive_error_string(a.get());
    return std::nullopt;
  }
  if (!metadata || metadata->is_discarded() || !data || !(*metadata)["filename"].is_string()) {
    error = tar_path + ": not a k6 archive (expected metadata.json with a filename, and data)";
    return std::nullopt;
  }
  const std::string entry_path = path_of_file_url((*metadata)["filename"].get<std::string>());
  if (!safe_path(entry_path)) {
    error = tar_path + ": its script is not a local file (" + (*metadata)["filename"].get<std::string>() + ")";
    return std::nullopt;
  }
  if (!write_out(directory, entry_path, *data, error)) return std::nullopt;
  ExtractedArchive out;
  out.entry = directory + entry_path;
  if ((*metadata)["env"].is_object()) {
    for (const auto& [name, value] : (*metadata)["env"].items()) {
      if (value.is_string()) out.env[name] = value.get<std::string>();
    }
  }
  return out;
}

}  // namespace squall::k6
