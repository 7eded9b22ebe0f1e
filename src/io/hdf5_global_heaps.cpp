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

uint64_t little_endian(std::string_view bytes, uint64_t at, int width) {
  uint64_t value = 0;
  for (int i = width - 1; i >= 0; --i) value = value << 8 | static_cast<uint8_t>(bytes[at + static_cast<uint64_t>(i)]);
  return value;
}

struct HeapObject {
  uint64_t index;
  uint64_t size;
};

// Walks the objects of the collection at `start` as HDF5 does, calling `visit` for each; false
// when one runs past the collection or the collection past the file.
template <typename Visit>
bool walk_collection(std::string_view file, uint64_t start, Visit visit) {
  if (file.size() - start < collection_header_bytes) return false;
  const uint64_t size = little_endian(file, start + 8, 8);
  if (size < collection_header_bytes || size > file.size() - start) return false;
  const uint64_t end = start + size;
  for (uint64_t object = start + collection_header_bytes; end - object >= object_header_bytes;) {
    const uint64_t index = little_endian(file, object, 2);
    const uint64_t object_size = little_endian(file, object + 8, 8);
    const uint64_t room = end - object;
    if (index == 0 ? object_size < object_header_bytes || object_size > room
                   : object_size > room - object_header_bytes)
      return false;
    if (index != 0 && !visit(HeapObject{index, object_size})) return true;
    const uint64_t padded = (object_size + 7) / 8 * 8;
    object += index == 0 ? object_size : std::min(room, object_header_bytes + padded);
  }
  return true;
}

}  // namespace

void check_global_heaps(std::string_view file) {
  for (size_t at = file.find(collection_signature); at != std::string_view::npos;
       at = file.find(collection_signature, at + 1))
    if (!walk_collection(file, at, [](HeapObject) { return true; }))
      throw Damaged{"the global heap at byte " + std::to_string(at) + " holds more than its size"};
}

std::optional<uint64_t> global_heap_object_size(std::string_view file, uint64_t collection, uint64_t index) {
  if (collection > file.size() || file.substr(collection, collection_signature.size()) != collection_signature)
    return std::nullopt;
  std::optional<uint64_t> size;
  walk_collection(file, collection, [&](HeapObject object) {
    if (object.index == index) size = object.size;
    return !size;
  });
  return size;
}

}  // namespace bottleneck::hdf5::format
