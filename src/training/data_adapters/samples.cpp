// Rows of training data, in memory or memory-mapped, gathered into batches.
#include <cstring>

#include "bottleneck/error.hpp"
#include "bottleneck/npy.hpp"
#include "bottleneck/training/data_adapters/samples.hpp"

namespace bottleneck {

Samples::Samples(const Tensor& x) : tensor_(x), data_(x.data()), shape_(x.shape()) {
  if (x.rank() == 0) throw Error("samples need a batch axis, got a scalar");
}

Samples::Samples(std::shared_ptr<const NpyMap> map) : map_(std::move(map)), data_(map_->data()), shape_(map_->shape()) {
  if (shape_.empty()) throw Error("samples need a batch axis, got a scalar .npy");
}

Samples Samples::memory_map(const std::string& npy_path) { return Samples(std::make_shared<const NpyMap>(npy_path)); }

namespace {
int64_t row_size(const Shape& shape) { return shape_size(Shape(shape.begin() + 1, shape.end())); }
}  // namespace

Samples Samples::slice(int64_t begin, int64_t end) const {
  if (begin < 0 || end < begin || end > rows())
    throw Error("samples: rows [" + std::to_string(begin) + ", " + std::to_string(end) + ") out of range for " +
                shape_to_string(shape_));
  Samples view = *this;
  if (!map_) view.tensor_ = tensor_.slice(begin, end);
  view.data_ = data_ + begin * row_size(shape_);
  view.shape_[0] = end - begin;
  return view;
}

Tensor Samples::rows(int64_t begin, int64_t end) const {
  if (!map_) return tensor_.slice(begin, end);
  if (begin < 0 || end < begin || end > rows())
    throw Error("samples: rows [" + std::to_string(begin) + ", " + std::to_string(end) + ") out of range for " +
                shape_to_string(shape_));
  Shape shape = shape_;
  shape[0] = end - begin;
  Tensor batch = Tensor::uninitialized(shape);
  std::memcpy(batch.data(), data_ + begin * row_size(shape_), batch.size() * sizeof(float));
  return batch;
}

Tensor Samples::gather(const int64_t* indices, int64_t count) const {
  Tensor batch;
  gather(indices, count, batch);
  return batch;
}

void Samples::gather(const int64_t* indices, int64_t count, Tensor& batch) const {
  const int64_t row = row_size(shape_);
  Shape shape = shape_;
  shape[0] = count;
  if (batch.shape() != shape) batch = Tensor::uninitialized(shape);
  for (int64_t i = 0; i < count; ++i) {
    if (indices[i] < 0 || indices[i] >= rows())
      throw Error("samples: row " + std::to_string(indices[i]) + " out of range for " + shape_to_string(shape_));
    std::memcpy(batch.data() + i * row, data_ + indices[i] * row, row * sizeof(float));
  }
}

}  // namespace bottleneck
