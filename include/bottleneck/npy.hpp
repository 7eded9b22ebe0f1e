#pragma once
// NumPy .npy files (format 1.0 / 2.0): strict reads, atomic writes, streaming writes of a
// known shape, and memory-mapped reads so data larger than RAM can be used.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bottleneck/distributed/communicator.hpp"
#include "bottleneck/tensor.hpp"

namespace bottleneck {

// A little-endian, C-order array of one of the dtypes the project reads.
struct NpyArray {
  std::string descr;  // "<f4", "<f8", "<i4", "<i8", "|u1", "|b1"
  Shape shape;
  std::vector<uint8_t> bytes;

  Tensor to_tensor() const;                 // any supported dtype, converted to float32
  std::vector<int32_t> to_int32() const;    // integer or bool dtypes
};

NpyArray read_npy(const std::string& path);
Tensor load_npy(const std::string& path);  // read_npy(path).to_tensor()

// np.save of float32 / int32 data; written to a temporary name and renamed when complete.
void save_npy(const std::string& path, const Tensor& x);
void save_npy(const std::string& path, const std::vector<int32_t>& values);

// Writes rows of a float32 array whose shape is known up front, as they are produced.
// Nothing appears under `path` until commit(); destroying an uncommitted writer removes
// the temporary file. The processes of a job (`communicator`) write one file together: each writer
// is made, written, synced, committed and destroyed by all of them at once (collective
// calls), the root owns the file, and each call's rows follow in rank order.
class NpyWriter {
public:
  NpyWriter(const std::string& path, Shape shape, distributed::Communicator& communicator = distributed::single_process());
  // A resumable writer: rows go to `partial_path`, of which the first `rows_done` rows were
  // written (and synced) by an earlier, interrupted writer with the same shape; 0 starts afresh.
  NpyWriter(const std::string& path, Shape shape, const std::string& partial_path, int64_t rows_done,
            distributed::Communicator& communicator = distributed::single_process());
  ~NpyWriter();
  NpyWriter(const NpyWriter&) = delete;
  NpyWriter& operator=(const NpyWriter&) = delete;

  void write_rows(const float* values, int64_t rows);  // rows of shape[1:] each; 0 for none
  int64_t rows_written() const { return rows_written_; }  // by all the processes
  void sync();          // the rows written so far are on disk: a point to resume from
  void keep_partial();  // the partial file outlives this writer unless committed
  // Declares the array complete with the rows written so far (fewer than announced when
  // some inputs were skipped): the header is rewritten in place, then the file renamed.
  void commit_rows_written();
  void commit();  // requires every announced row written

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int64_t rows_written_ = 0;
};

// A read-only memory map of a float32 .npy file; data() points into the mapping without
// copying it (pages are read from disk on use).
class NpyMap {
public:
  explicit NpyMap(const std::string& path);
  ~NpyMap();
  NpyMap(const NpyMap&) = delete;
  NpyMap& operator=(const NpyMap&) = delete;

  const Shape& shape() const { return shape_; }
  const float* data() const { return data_; }
  int64_t rows() const { return shape_.empty() ? 0 : shape_[0]; }
  // Copies rows [begin, end) into a tensor.
  Tensor rows(int64_t begin, int64_t end) const;

private:
  Shape shape_;
  void* mapping_ = nullptr;
  size_t mapping_size_ = 0;
  const float* data_ = nullptr;
};

}  // namespace bottleneck
