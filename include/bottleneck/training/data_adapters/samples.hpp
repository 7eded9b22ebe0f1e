#pragma once
// What fit / evaluate / predict take as arrays (Keras takes numpy arrays).
#include <cstdint>
#include <memory>
#include <string>

#include "bottleneck/tensor.hpp"

namespace bottleneck {

class NpyMap;

// Rows of samples for fit / evaluate / predict: a tensor in memory, or a memory-mapped float32
// .npy whose rows are read from disk only when a batch needs them (data larger than RAM).
class Samples {
public:
  Samples(const Tensor& x);  // implicit, as Keras takes numpy arrays
  explicit Samples(std::shared_ptr<const NpyMap> map);
  static Samples memory_map(const std::string& npy_path);

  const Shape& shape() const { return shape_; }  // with the batch axis
  int64_t rows() const { return shape_.empty() ? 0 : shape_[0]; }
  // Rows [begin, end), sharing storage with the source (a view).
  Samples slice(int64_t begin, int64_t end) const;
  // A tensor of rows[begin, end) (copied from a map; shared for a tensor).
  Tensor rows(int64_t begin, int64_t end) const;
  // A tensor of the rows whose indices are given, in that order.
  Tensor gather(const int64_t* indices, int64_t count) const;
  // The same into `batch`, whose storage is reused when it already has the right shape
  // (fit() gathers every batch of an epoch into one buffer).
  void gather(const int64_t* indices, int64_t count, Tensor& batch) const;

private:
  Tensor tensor_;                       // in memory; unused for a map
  std::shared_ptr<const NpyMap> map_;  // keeps the mapping alive
  const float* data_ = nullptr;         // first row of this view
  Shape shape_;
};

}  // namespace bottleneck
