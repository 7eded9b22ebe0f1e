#include "cli/library_versions.hpp"

#include <jconfig.h>  // LIBJPEG_TURBO_VERSION_NUMBER
#include <png.h>
#include <tiffio.h>

#include <oneapi/dnnl/dnnl.hpp>

#include "bottleneck/distributed/communicator.hpp"
#include "bottleneck/weights_file.hpp"

namespace bottleneck::cli {

namespace {

std::string onednn_version() {
  const dnnl_version_t* dnnl = dnnl_version();
  const std::string commit = dnnl->hash && std::string(dnnl->hash) != "N/A" ? std::string(" (") + dnnl->hash + ")" : "";
  return std::to_string(dnnl->major) + "." + std::to_string(dnnl->minor) + "." + std::to_string(dnnl->patch) + commit;
}

// libjpeg-turbo has no run-time version call; this is the version built against.
std::string jpeg_version() {
  const int v = LIBJPEG_TURBO_VERSION_NUMBER;  // e.g. 2001005 for 2.1.5
  return std::to_string(v / 1000000) + "." + std::to_string(v / 1000 % 1000) + "." + std::to_string(v % 1000);
}

// TIFFGetVersion() is "LIBTIFF, Version 4.5.0\nCopyright ...".
std::string tiff_version() {
  std::string text = TIFFGetVersion();
  text = text.substr(0, text.find('\n'));
  const size_t version = text.find("Version ");
  return version == std::string::npos ? text : text.substr(version + 8);
}

// Which MPI library an MPI launcher's processes would use.
std::string mpi_version() {
  const std::string version = distributed::mpi_library_version();
  return version.empty() ? "none (built without MPI: one process a run)" : version;
}

}  // namespace

std::string library_versions() {
  return std::string("bottleneck ") + BOTTLENECK_VERSION + "\noneDNN " + onednn_version() + "\nHDF5 " +
         hdf5_library_version() + "\nlibjpeg-turbo " + jpeg_version() + "\nlibpng " + png_get_libpng_ver(nullptr) +
         "\nlibtiff " + tiff_version() + "\nMPI " + mpi_version();
}

}  // namespace bottleneck::cli
