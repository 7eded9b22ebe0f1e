#include "core/atomic_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "bottleneck/error.hpp"

namespace bottleneck {

namespace {
std::string temporary_name(const std::string& path) {
  return path + ".tmp-" + std::to_string(::getpid());
}

void rename_into_place(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    int err = errno;
    std::remove(from.c_str());
    throw Error("cannot write " + to + ": " + std::strerror(err));
  }
}
}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), temporary_path_(temporary_name(path_)) {
  if (std::filesystem::is_directory(path_)) throw Error("cannot write " + path_ + ": it is a directory");
  stream_ = std::fopen(temporary_path_.c_str(), "wb");
  if (!stream_) throw Error("cannot write " + path_ + ": " + std::strerror(errno));
}

AtomicFile::~AtomicFile() {
  if (stream_) std::fclose(stream_);
  if (!committed_) std::remove(temporary_path_.c_str());
}

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

AtomicPath::AtomicPath(std::string path) : path_(std::move(path)), temporary_path_(temporary_name(path_)) {
  if (std::filesystem::is_directory(path_)) throw Error("cannot write " + path_ + ": it is a directory");
}

AtomicPath::~AtomicPath() {
  if (!committed_) std::remove(temporary_path_.c_str());
}

void AtomicPath::commit() {
  rename_into_place(temporary_path_, path_);
  committed_ = true;
}

void write_text_file(const std::string& path, const std::string& text) {
  AtomicFile file(path);
  file.write(text.data(), text.size());
  file.commit();
}

}  // namespace bottleneck
