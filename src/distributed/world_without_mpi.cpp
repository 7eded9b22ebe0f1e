// A build without MPI (CMake found none, or BOTTLENECK_MPI=OFF): every run is one process.
#include "bottleneck/distributed/communicator.hpp"

namespace bottleneck::distributed {

Communicator& world() { return single_process(); }

std::string mpi_library_version() { return {}; }

}  // namespace bottleneck::distributed
