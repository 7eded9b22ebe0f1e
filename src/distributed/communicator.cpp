// What every job has: the broadcast of a string (built on the byte broadcast) and the job of
// one process, whose collective calls are the identity.
#include "bottleneck/distributed/communicator.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "bottleneck/error.hpp"

namespace bottleneck::distributed {

std::string Communicator::broadcast(std::string text, int root) {
  uint64_t length = text.size();
  broadcast(&length, sizeof length, root);
  text.resize(length);
  broadcast(text.data(), length, root);
  return text;
}

namespace {

class LocalFile : public SharedFile {
public:
  explicit LocalFile(const std::string& path) : path_(path), fd_(::open(path.c_str(), O_WRONLY | O_CLOEXEC)) {
    if (fd_ < 0) throw Error("cannot write " + path_ + ": " + std::strerror(errno));
  }
  ~LocalFile() override { ::close(fd_); }

  void write_at_all(uint64_t offset, const void* data, size_t bytes) override {
    const char* next = static_cast<const char*>(data);
    while (bytes > 0) {
      const ssize_t written = ::pwrite(fd_, next, bytes, static_cast<off_t>(offset));
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) throw Error("cannot write " + path_ + ": " + std::strerror(errno));
      next += written;
      offset += static_cast<uint64_t>(written);
      bytes -= static_cast<size_t>(written);
    }
  }
  void sync() override {
    if (::fdatasync(fd_) != 0) throw Error("cannot write " + path_ + ": " + std::strerror(errno));
  }

private:
  std::string path_;
  int fd_;
};

class SingleProcess : public Communicator {
public:
  using Communicator::broadcast;
  int rank() const override { return 0; }
  int size() const override { return 1; }
  int64_t all_sum(int64_t value) override { return value; }
  int64_t exclusive_scan_sum(int64_t) override { return 0; }
  int all_min(int value) override { return value; }
  void all_sum(float*, size_t) override {}
  void all_sum(double*, size_t) override {}
  void broadcast(void*, size_t, int) override {}
  std::vector<std::string> all_gather(const std::string& text) override { return {text}; }
  std::unique_ptr<SharedFile> open_shared_file(const std::string& path) override {
    return std::make_unique<LocalFile>(path);
  }
  [[noreturn]] void abort(int exit_code) override { std::exit(exit_code); }
};

}  // namespace

Communicator& single_process() {
  static SingleProcess job;
  return job;
}

}  // namespace bottleneck::distributed
