// The job an MPI launcher started (mpirun, srun, the MPI Operator): MPI_COMM_WORLD, with
// MPI-IO for the shared file. A process that no launcher started never initializes MPI, so
// a plain run needs neither mpirun nor a working MPI set-up.
// MPI's C API: the deprecated C++ bindings that mpi.h would declare need a library of their own.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <climits>
#include <cstdlib>

#include "bottleneck/distributed/communicator.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck::distributed {

namespace {

void check(int code, const std::string& what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw Error(what + ": " + std::string(text, static_cast<size_t>(length)));
}

int mpi_count(size_t count) {  // MPI counts are ints
  if (count > static_cast<size_t>(INT_MAX)) throw Error("cannot send " + std::to_string(count) + " items in one MPI call");
  return static_cast<int>(count);
}

class MpiFile : public SharedFile {
public:
  explicit MpiFile(const std::string& path) : path_(path) {
    check(MPI_File_open(MPI_COMM_WORLD, path.c_str(), MPI_MODE_WRONLY, MPI_INFO_NULL, &file_), "cannot write " + path);
  }
  ~MpiFile() override { MPI_File_close(&file_); }

  void write_at_all(uint64_t offset, const void* data, size_t bytes) override {
    MPI_Status status;
    check(MPI_File_write_at_all(file_, static_cast<MPI_Offset>(offset), data, mpi_count(bytes), MPI_BYTE, &status),
          "cannot write " + path_);
  }
  void sync() override { check(MPI_File_sync(file_), "cannot write " + path_); }

private:
  std::string path_;
  MPI_File file_ = MPI_FILE_NULL;
};

class MpiWorld : public Communicator {
public:
  MpiWorld() {
    // Only the main thread calls MPI; decoding and OpenMP threads never do.
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiWorld() override { MPI_Finalize(); }
  using Communicator::broadcast;

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  int64_t all_sum(int64_t value) override {
    int64_t sum = 0;
    check(MPI_Allreduce(&value, &sum, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
    return sum;
  }
  int64_t exclusive_scan_sum(int64_t value) override {
    int64_t sum = 0;  // MPI leaves rank 0's result undefined
    check(MPI_Exscan(&value, &sum, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD), "MPI_Exscan");
    return rank_ == 0 ? 0 : sum;
  }
  int all_min(int value) override {
    int minimum = 0;
    check(MPI_Allreduce(&value, &minimum, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
    return minimum;
  }
  void all_sum(float* values, size_t count) override {
    check(MPI_Allreduce(MPI_IN_PLACE, values, mpi_count(count), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
  }
  void all_sum(double* values, size_t count) override {
    check(MPI_Allreduce(MPI_IN_PLACE, values, mpi_count(count), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
  }
  void broadcast(void* data, size_t bytes, int root) override {
    check(MPI_Bcast(data, mpi_count(bytes), MPI_BYTE, root, MPI_COMM_WORLD), "MPI_Bcast");
  }
  std::vector<std::string> all_gather(const std::string& text) override {
    int length = mpi_count(text.size());
    std::vector<int> lengths(static_cast<size_t>(size_)), offsets(static_cast<size_t>(size_));
    check(MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather");
    int64_t total = 0;
    for (int i = 0; i < size_; ++i) {
      offsets[static_cast<size_t>(i)] = static_cast<int>(total);
      total += lengths[static_cast<size_t>(i)];
    }
    std::string all(static_cast<size_t>(mpi_count(static_cast<size_t>(total))), '\0');
    check(MPI_Allgatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR,
                         MPI_COMM_WORLD),
          "MPI_Allgatherv");
    std::vector<std::string> texts;
    for (int i = 0; i < size_; ++i)
      texts.push_back(all.substr(static_cast<size_t>(offsets[static_cast<size_t>(i)]),
                                 static_cast<size_t>(lengths[static_cast<size_t>(i)])));
    return texts;
  }
  std::unique_ptr<SharedFile> open_shared_file(const std::string& path) override {
    return std::make_unique<MpiFile>(path);
  }
  [[noreturn]] void abort(int exit_code) override {
    MPI_Abort(MPI_COMM_WORLD, exit_code);
    std::exit(exit_code);
  }

private:
  int rank_ = 0;
  int size_ = 1;
};

// The variables the launchers set in the processes they start: Open MPI's mpirun, and PMIx
// or PMI (Slurm's srun --mpi=pmix / pmi2, MPICH's hydra).
bool started_by_mpi_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(name)) return true;
  return false;
}

}  // namespace

Communicator& world() {
  static const std::unique_ptr<Communicator> launched =
      started_by_mpi_launcher() ? std::make_unique<MpiWorld>() : nullptr;
  return launched ? *launched : single_process();
}

std::string mpi_library_version() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(text, &length);
  const std::string version(text, static_cast<size_t>(length));
  return version.substr(0, version.find(','));  // "Open MPI v4.1.4, package: ..."
}

}  // namespace bottleneck::distributed
