#include "bottleneck/atomic_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "bottleneck/error.hpp"
#include "core/temporary_files.hpp"

namespace bottleneck {

namespace {
// "<path><tag><pid>", its file name shortened (and told apart by a hash of the whole name)
// when that would pass NAME_MAX: any name valid as an output has a valid temporary name.
std::string temporary_name(const std::string& path, const char* tag) {
  const std::string suffix = tag + std::to_string(::getpid());
  const size_t slash = path.rfind('/');
  const size_t name_start = slash == std::string::npos ? 0 : slash + 1;
  const std::string name = path.substr(name_start);
  if (name.size() + suffix.size() <= NAME_MAX) return path + suffix;
  char hash[24];
  std::snprintf(hash, sizeof hash, "~%016zx", std::hash<std::string>{}(name));
  return path.substr(0, name_start) + name.substr(0, NAME_MAX - suffix.size() - std::strlen(hash)) + hash + suffix;
}

void rename_into_place(const std::string& from, const std::string& to) {
  const auto lock = hold_temporaries();
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    int err = errno;
    std::remove(from.c_str());
    forget_temporary(from);
    throw Error("cannot write " + to + ": " + std::strerror(err));
  }
  forget_temporary(from);
}

void remove_temporary(const std::string& path) {
  std::remove(path.c_str());
  forget_temporary(path);
}
}  // namespace

// An immediate stop removes it; a resumable one stays, as after a kill (its progress record
// says how much of it counts).
AtomicFile::AtomicFile(std::string path) : AtomicFile(path, temporary_name(path, ".tmp-"), 0) {
  remember_temporary(temporary_path_);
}

AtomicFile::AtomicFile(std::string path, std::string temporary_path, uint64_t keep_bytes)
    : path_(std::move(path)), temporary_path_(std::move(temporary_path)) {
  if (std::filesystem::is_directory(path_)) throw Error("cannot write " + path_ + ": it is a directory");
  stream_ = std::fopen(temporary_path_.c_str(), keep_bytes ? "r+b" : "wb");
  if (!stream_) throw Error("cannot write " + (keep_bytes ? temporary_path_ : path_) + ": " + std::strerror(errno));
  if (!keep_bytes) return;
  // A constructor that throws removes nothing: the earlier run's file stays as it was.
  auto fail = [this](const std::string& why) {
    std::fclose(stream_);
    stream_ = nullptr;
    throw Error(why);
  };
  struct stat info {};
  if (::fstat(::fileno(stream_), &info) != 0 || static_cast<uint64_t>(info.st_size) < keep_bytes)
    fail(temporary_path_ + " holds fewer than the " + std::to_string(keep_bytes) + " bytes recorded for it");
  if (::ftruncate(::fileno(stream_), static_cast<off_t>(keep_bytes)) != 0 ||
      std::fseek(stream_, static_cast<long>(keep_bytes), SEEK_SET) != 0)
    fail("cannot write " + temporary_path_ + ": " + std::strerror(errno));
}

AtomicFile::~AtomicFile() {
  if (stream_) std::fclose(stream_);
  if (!committed_ && !kept_) remove_temporary(temporary_path_);
  else forget_temporary(temporary_path_);
}

void AtomicFile::sync() {
  if (std::fflush(stream_) != 0 || ::fdatasync(::fileno(stream_)) != 0)
    throw Error("cannot write " + path_ + ": " + std::strerror(errno));
}

void AtomicFile::keep_temporary() { kept_ = true; }

void AtomicFile::write(const void* data, size_t bytes) {
  if (bytes && std::fwrite(data, 1, bytes, stream_) != bytes)
    throw Error("cannot write " + path_ + ": " + std::strerror(errno));
}

void AtomicFile::commit() {
  bool ok = std::fflush(stream_) == 0 && ::fsync(::fileno(stream_)) == 0;
  int err = errno;
  ok = std::fclose(stream_) == 0 && ok;
  stream_ = nullptr;
  if (!ok) throw Error("cannot write " + path_ + ": " + std::strerror(err ? err : EIO));
  rename_into_place(temporary_path_, path_);
  committed_ = true;
}

AtomicPath::AtomicPath(std::string path) : path_(std::move(path)), temporary_path_(temporary_name(path_, ".tmp-")) {
  if (std::filesystem::is_directory(path_)) throw Error("cannot write " + path_ + ": it is a directory");
  remember_temporary(temporary_path_);
}

AtomicPath::~AtomicPath() {
  if (!committed_) remove_temporary(temporary_path_);
}

void AtomicPath::commit() {
  rename_into_place(temporary_path_, path_);
  committed_ = true;
}

AtomicFileSet::~AtomicFileSet() {
  if (published_) return;
  for (const auto& [path, staged] : staged_) remove_temporary(staged);
}

std::string AtomicFileSet::stage(const std::string& path) {
  // Checked here, before the work that produces the outputs, as far as can be known up front.
  namespace fs = std::filesystem;
  if (fs::is_directory(path)) throw Error("cannot write " + path + ": it is a directory");
  const fs::path folder = fs::absolute(path).parent_path();
  if (!fs::is_directory(folder)) throw Error("cannot write " + path + ": no folder " + folder.string());
  if (::access(folder.c_str(), W_OK) != 0) throw Error("cannot write " + path + ": " + std::strerror(errno));
  staged_.emplace_back(path, temporary_name(path, ".staged-"));
  remember_temporary(staged_.back().second);
  return staged_.back().second;
}

void AtomicFileSet::publish() {
  const auto lock = hold_temporaries();  // all renamed, or none if stopped at once
  for (const auto& [path, staged] : staged_) rename_into_place(staged, path);
  published_ = true;
}

void write_text_file(const std::string& path, const std::string& text) {
  AtomicFile file(path);
  file.write(text.data(), text.size());
  file.commit();
}

}  // namespace bottleneck
