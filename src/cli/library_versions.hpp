#pragma once
// The versions of bottleneck and of the libraries it computes and decodes with, one per
// line ("bottleneck 0.1.0", "oneDNN 2.6.3 (hash)", "HDF5 1.10.8", ...), no final newline:
// what `bottleneck --version` prints and `bottleneck info` begins with.
#include <string>

namespace bottleneck::cli {

std::string library_versions();

}  // namespace bottleneck::cli
