// Global heap collections, where variable-length strings live. HDF5 1.10 trusts their sizes:
// an object claiming more bytes than its collection holds is copied from past its end.
#include <algorithm>
#include <cstdint>

#include "io/hdf5_structure_walk.hpp"

namespace bottleneck::hdf5::format {

namespace {

// A collection starts with "GCOL", version 1, 3 reserved bytes and its size in bytes (8, as the
// files h5py and HDF5 write give lengths); each object with its index (2 bytes), reference
// count (2), 4 reserved bytes and its size (8), then its data padded to 8 bytes. Object 0 is
// the free space, its size counting its header.
constexpr std::string_view collection_signature("GCOL\x01", 5);
constexpr uint64_t collection_header_bytes = 16;
constexpr uint64_t object_header_bytes = 16;

// Walks the objects of the collection at `start` as HDF5 does, calling visit(index, size) for
// each until it returns false. Object 0 is the free space, its size counting its header.
template <typename Visit>
void walk_collection(std::string_view file, uint64_t start, Visit visit) {
  Cursor header(file, start, file.size(), "global heap");
  header.skip(8);  // signature, version, reserved
  const uint64_t size = header.read(8);
  if (size < collection_header_bytes || size > file.size() - start) header.damaged("holds more than its size");
  Cursor objects(file, start + collection_header_bytes, start + size, "global heap");
  while (objects.remaining() >= object_header_bytes) {
    const uint64_t index = objects.read(2);
    objects.skip(6);  // reference count, reserved
    const uint64_t object_size = objects.read(8);
    if (index == 0 ? object_size < object_header_bytes || object_size - object_header_bytes > objects.remaining()
                   : object_size > objects.remaining())
      header.damaged("holds more than its size");
    if (index != 0 && !visit(index, object_size)) return;
    objects.skip(index == 0 ? object_size - object_header_bytes
                            : std::min(objects.remaining(), (object_size + 7) / 8 * 8));
  }
}

}  // namespace

void check_global_heaps(std::string_view file) {
  for (size_t at = file.find(collection_signature); at != std::string_view::npos;
       at = file.find(collection_signature, at + 1))
    walk_collection(file, at, [](uint64_t, uint64_t) { return true; });
}

std::optional<uint64_t> global_heap_object_size(std::string_view file, uint64_t collection, uint64_t index) {
  if (collection > file.size() || file.substr(collection, collection_signature.size()) != collection_signature)
    return std::nullopt;
  std::optional<uint64_t> size;
  walk_collection(file, collection, [&](uint64_t object, uint64_t object_size) {
    if (object == index) size = object_size;
    return !size;
  });
  return size;
}

}  // namespace bottleneck::hdf5::format
