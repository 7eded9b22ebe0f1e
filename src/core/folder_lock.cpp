#include "bottleneck/folder_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "bottleneck/error.hpp"

namespace bottleneck {

namespace {
// The process holding a flock on the file `info` describes, from /proc/locks
// ("1: FLOCK  ADVISORY  WRITE 4242 08:01:1234 0 EOF"), or 0 when it cannot be told.
long lock_holder(const struct stat& info) {
  std::ifstream locks("/proc/locks");
  for (std::string line; std::getline(locks, line);) {
    std::istringstream fields(line);
    std::string number, kind, mode, access, device_and_inode;
    long pid = 0;
    if (!(fields >> number >> kind) || kind != "FLOCK") continue;
    if (!(fields >> mode >> access >> pid >> device_and_inode)) continue;
    unsigned major_number = 0, minor_number = 0;
    unsigned long long inode = 0;
    if (std::sscanf(device_and_inode.c_str(), "%x:%x:%llu", &major_number, &minor_number, &inode) == 3 &&
        makedev(major_number, minor_number) == info.st_dev && inode == info.st_ino)
      return pid;
  }
  return 0;
}
}  // namespace

FolderLock::FolderLock(const std::string& folder) {
  fd_ = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) throw Error("cannot open " + folder + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
  const int err = errno;
  struct stat info {};
  const long holder = err == EWOULDBLOCK && ::fstat(fd_, &info) == 0 ? lock_holder(info) : 0;
  ::close(fd_);
  fd_ = -1;
  if (err != EWOULDBLOCK) throw Error("cannot lock " + folder + ": " + std::strerror(err));
  throw Error(folder + " is in use by " + (holder ? "PID " + std::to_string(holder) : std::string("another process")) +
              " writing into it; wait for it to finish or choose another output folder");
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace bottleneck
