#pragma once
// HDF5 1.10 (Debian 12's) trusts many sizes in a file: a damaged attribute message, a string's
// global heap reference or a heap object longer than its string make it read or write past its
// buffers (1.14.4 added the checks). Before HDF5 opens a file, its bytes are walked here: the
// superblock, every object header reachable from the root group and each message in it, the
// symbol tables (B-trees, local heaps), chunk indexes and global heap collections, every size
// checked against the bytes that hold it. A file that passes is one HDF5 reads within bounds.
//
// Also refused: what would make HDF5 read other files (external links, external storage,
// virtual datasets) and shared messages kept in a shared-message heap, which no Keras file uses.
#include <string>
#include <string_view>

namespace bottleneck::hdf5 {

// Throws Error "<display_path>: damaged HDF5 file (<what, where>)" or, for what is refused on
// purpose, "<display_path>: <why>".
void check_structure(std::string_view file, const std::string& display_path);

// The same for the file at `path`, mapped rather than read.
void check_structure_of_file(const std::string& path);

}  // namespace bottleneck::hdf5
