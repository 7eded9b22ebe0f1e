#pragma once
// One writer per output folder: an advisory lock (flock) on the folder itself, held while
// the object lives. A second run into the same folder is refused, naming the holder's PID,
// instead of tearing the first run's outputs.
#include <string>

namespace bottleneck {

class FolderLock {
public:
  // Throws Error "<folder> is in use by PID n ..." when another process holds it.
  explicit FolderLock(const std::string& folder);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

private:
  int fd_ = -1;
};

}  // namespace bottleneck
