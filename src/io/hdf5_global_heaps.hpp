#pragma once
// HDF5 1.10 trusts the sizes in a global heap collection (where variable-length strings live):
// an object claiming more bytes than its collection holds is copied from past the collection's
// end when a string is read (a crash). The bytes of a file are checked before HDF5 opens it.
#include <string>
#include <string_view>

namespace bottleneck::hdf5 {

// Throws Error naming `display_path` when a global heap collection in `bytes` runs past their end
// or holds an object that runs past the collection's end.
void check_global_heaps(std::string_view bytes, const std::string& display_path);

// The same for the file at `path`, mapped rather than read.
void check_global_heaps_in_file(const std::string& path);

}  // namespace bottleneck::hdf5
