#pragma once
// Outputs appear under their final name only when complete: write to a temporary file in
// the same folder, then rename over the target (atomic on POSIX file systems).
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace bottleneck {

class AtomicFile {
public:
  explicit AtomicFile(std::string path);  // opens "<path>.tmp-<pid>" for writing
  // A resumable file: writes go to `temporary_path`, whose first `keep_bytes` bytes (left
  // by an earlier, interrupted writer) are kept and the rest cut off.
  AtomicFile(std::string path, std::string temporary_path, uint64_t keep_bytes);
  ~AtomicFile();  // removes the temporary file unless committed or kept
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::FILE* stream() { return stream_; }
  const std::string& temporary_path() const { return temporary_path_; }
  void write(const void* data, size_t bytes);
  void sync();            // flush and fdatasync what was written: a point to resume from
  void keep_temporary();  // leave the temporary file behind (to resume from) if not committed
  void commit();          // flush, fsync, rename

private:
  std::string path_;
  std::string temporary_path_;
  std::FILE* stream_ = nullptr;
  bool committed_ = false;
  bool kept_ = false;
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

// Outputs that belong together (a model and its training history): each is written under a
// temporary name beside its final one, and all are renamed into place once every one is
// complete, so a failure while writing any of them leaves none.
class AtomicFileSet {
public:
  AtomicFileSet() = default;
  ~AtomicFileSet();  // removes the staged files unless published
  AtomicFileSet(const AtomicFileSet&) = delete;
  AtomicFileSet& operator=(const AtomicFileSet&) = delete;

  // The name to write `path` under meanwhile; throws if its folder is missing or read-only.
  std::string stage(const std::string& path);
  void publish();                              // renames them all, in the order staged

private:
  std::vector<std::pair<std::string, std::string>> staged_;  // (final path, staged path)
  bool published_ = false;
};

// Writes a whole text file atomically.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace bottleneck
