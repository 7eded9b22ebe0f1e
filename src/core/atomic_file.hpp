#pragma once
// Outputs appear under their final name only when complete: write to a temporary file in
// the same folder, then rename over the target (atomic on POSIX file systems).
#include <cstdio>
#include <string>

namespace bottleneck {

class AtomicFile {
public:
  explicit AtomicFile(std::string path);  // opens "<path>.tmp-<pid>" for writing
  ~AtomicFile();                          // removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::FILE* stream() { return stream_; }
  const std::string& temporary_path() const { return temporary_path_; }
  void write(const void* data, size_t bytes);
  void commit();  // flush, fsync, rename

private:
  std::string path_;
  std::string temporary_path_;
  std::FILE* stream_ = nullptr;
  bool committed_ = false;
};

// For libraries that write files themselves (HDF5): a temporary name beside `path`, renamed
// by commit(), removed otherwise.
class AtomicPath {
public:
  explicit AtomicPath(std::string path);
  ~AtomicPath();
  AtomicPath(const AtomicPath&) = delete;
  AtomicPath& operator=(const AtomicPath&) = delete;

  const std::string& temporary_path() const { return temporary_path_; }
  void commit();

private:
  std::string path_;
  std::string temporary_path_;
  bool committed_ = false;
};

// Writes a whole text file atomically.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace bottleneck
