#include "io/hdf5_global_heaps.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "bottleneck/error.hpp"

namespace bottleneck::hdf5 {

namespace {

// A collection starts with "GCOL", version 1, 3 reserved bytes and its size in bytes (8, as the
// files h5py and HDF5 write give lengths); each object with its index (2 bytes), reference
// count (2), 4 reserved bytes and its size (8), then its data padded to 8 bytes. Object 0 is
// the free space, its size counting its header. HDF5 finds collections by this signature, so
// every collection it could read is one of those checked.
constexpr std::string_view collection_signature("GCOL\x01", 5);
constexpr uint64_t collection_header_bytes = 16;
constexpr uint64_t object_header_bytes = 16;

uint64_t little_endian(std::string_view bytes, size_t at, int width) {
  uint64_t value = 0;
  for (int i = width - 1; i >= 0; --i) value = value << 8 | static_cast<uint8_t>(bytes[at + static_cast<size_t>(i)]);
  return value;
}

// Whether the objects of the collection at `start` tile it as HDF5 walks them.
bool collection_holds_its_objects(std::string_view bytes, size_t start) {
  if (bytes.size() - start < collection_header_bytes) return false;
  const uint64_t size = little_endian(bytes, start + 8, 8);
  if (size < collection_header_bytes || size > bytes.size() - start) return false;
  const uint64_t end = start + size;
  for (uint64_t object = start + collection_header_bytes; end - object >= object_header_bytes;) {
    const uint64_t index = little_endian(bytes, object, 2);
    const uint64_t object_size = little_endian(bytes, object + 8, 8);
    const uint64_t room = end - object;
    if (index == 0 ? object_size < object_header_bytes || object_size > room
                   : object_size > room - object_header_bytes)
      return false;
    const uint64_t padded = (object_size + 7) / 8 * 8;
    object += index == 0 ? object_size : std::min(room, object_header_bytes + padded);
  }
  return true;
}

}  // namespace

void check_global_heaps(std::string_view bytes, const std::string& display_path) {
  for (size_t at = bytes.find(collection_signature); at != std::string_view::npos;
       at = bytes.find(collection_signature, at + 1))
    if (!collection_holds_its_objects(bytes, at))
      throw Error(display_path + ": damaged HDF5 file (the global heap at byte " + std::to_string(at) +
                  " holds more than its size)");
}

void check_global_heaps_in_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open " + path + ": " + std::strerror(errno));
  struct stat status {};
  if (::fstat(fd, &status) != 0 || status.st_size == 0) {
    ::close(fd);
    return;  // HDF5 reports what it cannot read
  }
  const auto size = static_cast<size_t>(status.st_size);
  void* mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (mapping == MAP_FAILED) throw Error("cannot read " + path + ": " + std::strerror(errno));
  try {
    check_global_heaps(std::string_view(static_cast<const char*>(mapping), size), path);
  } catch (...) {
    ::munmap(mapping, size);
    throw;
  }
  ::munmap(mapping, size);
}

}  // namespace bottleneck::hdf5
