#pragma once
// The readers of .npy, HDF5 and .keras files take paths: the fuzzer's bytes become a file in
// /dev/shm (memory, so no disk is touched between runs), removed after the run. A named file
// rather than a memfd: HDF5 1.10 cannot open /proc/self/fd/N of a memfd ("can't retrieve real
// path for file"), so the weights reader was never reached that way.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace bottleneck::fuzz {

class MemoryFile {
public:
  MemoryFile(const uint8_t* data, size_t size) : path_("/dev/shm/bottleneck-fuzz-XXXXXX") {
    const int fd = ::mkstemp(path_.data());
    if (fd < 0) __builtin_trap();
    for (size_t done = 0; done < size;) {
      const ssize_t n = ::write(fd, data + done, size - done);
      if (n <= 0) __builtin_trap();
      done += static_cast<size_t>(n);
    }
    ::close(fd);
  }
  ~MemoryFile() { ::unlink(path_.c_str()); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  const std::string& path() const { return path_; }

private:
  std::string path_;
};

}  // namespace bottleneck::fuzz
