#pragma once
// The processes of one job and what they do together: one process (a plain run), or the ranks
// an MPI launcher (mpirun, srun, Kubernetes' MPI Operator) started. Code written against
// Communicator runs unchanged either way; only src/distributed/ knows MPI.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bottleneck::distributed {

// One file that every process writes parts of (MPI-IO when there are several).
class SharedFile {
public:
  virtual ~SharedFile() = default;  // collective: every process closes it together
  // Collective: each process writes its `bytes` (0 for none) at its own `offset`.
  virtual void write_at_all(uint64_t offset, const void* data, size_t bytes) = 0;
  virtual void sync() = 0;  // collective: everything written so far is on disk
};

class Communicator {
public:
  virtual ~Communicator() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  bool is_root() const { return rank() == 0; }  // the process that writes the outputs and logs

  // Every call below is collective: each process of the job makes it, in the same order.
  virtual int64_t all_sum(int64_t value) = 0;
  virtual int64_t exclusive_scan_sum(int64_t value) = 0;  // the sum over the lower ranks; 0 on rank 0
  virtual int all_min(int value) = 0;
  virtual void all_sum(float* values, size_t count) = 0;  // in place
  virtual void all_sum(double* values, size_t count) = 0;
  virtual void broadcast(void* data, size_t bytes, int root) = 0;
  std::string broadcast(std::string text, int root);
  virtual std::vector<std::string> all_gather(const std::string& text) = 0;  // in rank order
  // Opens an existing file for writing by every process.
  virtual std::unique_ptr<SharedFile> open_shared_file(const std::string& path) = 0;

  // Ends every process of the job at once: for a failure that only this process met, where
  // the others may be waiting for it in a collective call.
  [[noreturn]] virtual void abort(int exit_code) = 0;
};

// The job this process belongs to: MPI's world when an MPI launcher started this process
// (and the build has MPI), else a job of this one process. MPI is initialized on first use.
Communicator& world();
// A job of one process, whatever launched this one.
Communicator& single_process();

// The MPI library this build runs on ("Open MPI v4.1.4"); empty in a build without MPI.
std::string mpi_library_version();

}  // namespace bottleneck::distributed
