#include "bottleneck/tensor.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "bottleneck/error.hpp"
#include "core/checked_size.hpp"
#include "core/storage_pool.hpp"

namespace bottleneck {

namespace {
// 64-byte alignment lets oneDNN use aligned vector loads on our buffers.
std::shared_ptr<float[]> allocate(int64_t count) {
  if (count > INT64_MAX / static_cast<int64_t>(sizeof(float)) - 64)
    throw Error("a tensor of " + std::to_string(count) + " values is too large");
  size_t bytes = static_cast<size_t>(std::max<int64_t>(count, 1)) * sizeof(float);
  check_allocation(bytes, "a tensor of " + std::to_string(count) + " values");
  return detail::acquire_storage((bytes + 63) / 64 * 64);
}
}  // namespace

int64_t shape_size(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw Error("negative dimension in shape " + shape_to_string(shape));
    if (__builtin_mul_overflow(n, d, &n))
      throw Error("shape " + shape_to_string(shape) + " is too large (its size overflows 64 bits)");
  }
  return n;
}

std::string shape_to_string(const Shape& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

Tensor::Tensor(Shape shape, float fill) : Tensor(uninitialized(std::move(shape))) {
  std::fill(data_, data_ + size_, fill);
}

Tensor Tensor::uninitialized(Shape shape) {
  Tensor t;
  t.shape_ = std::move(shape);
  t.size_ = shape_size(t.shape_);
  t.storage_ = allocate(t.size_);
  t.data_ = t.storage_.get();
  return t;
}

Tensor::Tensor(Shape shape, std::vector<float> values) : Tensor(std::move(shape)) {
  if (static_cast<int64_t>(values.size()) != size_)
    throw Error("tensor of shape " + shape_to_string(shape_) + " needs " + std::to_string(size_) +
                " values, got " + std::to_string(values.size()));
  std::copy(values.begin(), values.end(), data_);
}

int64_t Tensor::dim(int axis) const {
  int r = rank();
  if (axis < 0) axis += r;
  if (axis < 0 || axis >= r)
    throw Error("axis " + std::to_string(axis) + " out of range for shape " + shape_to_string(shape_));
  return shape_[axis];
}

Tensor Tensor::reshape(Shape shape) const {
  int64_t known = 1;
  int infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (infer >= 0) throw Error("reshape: only one axis may be -1");
      infer = static_cast<int>(i);
    } else {
      known *= shape[i];
    }
  }
  if (infer >= 0 && known > 0) shape[infer] = size_ / known;
  if (shape_size(shape) != size_)
    throw Error("cannot reshape " + shape_to_string(shape_) + " to " + shape_to_string(shape));
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::slice(int64_t begin, int64_t end) const {
  if (rank() == 0 || begin < 0 || end < begin || end > shape_[0])
    throw Error("slice [" + std::to_string(begin) + ", " + std::to_string(end) + ") out of range for " +
                shape_to_string(shape_));
  int64_t row = shape_[0] ? size_ / shape_[0] : 0;
  Tensor t = *this;
  t.shape_[0] = end - begin;
  t.size_ = row * (end - begin);
  t.data_ = data_ + row * begin;
  return t;
}

Tensor Tensor::clone() const {
  Tensor t = uninitialized(shape_);
  if (size_) std::memcpy(t.data_, data_, size_ * sizeof(float));
  return t;
}

Tensor expand_dims(const Tensor& x, int axis) {
  Shape s = x.shape();
  int r = static_cast<int>(s.size());
  if (axis < 0) axis += r + 1;
  if (axis < 0 || axis > r) throw Error("expand_dims: axis out of range");
  s.insert(s.begin() + axis, 1);
  return x.reshape(s);
}

Tensor concatenate_rows(const std::vector<Tensor>& parts) {
  if (parts.empty()) throw Error("concatenate_rows: nothing to concatenate");
  Shape s = parts[0].shape();
  int64_t rows = 0;
  for (const Tensor& p : parts) {
    Shape a = p.shape(), b = s;
    if (a.empty() || a.size() != b.size() || !std::equal(a.begin() + 1, a.end(), b.begin() + 1))
      throw Error("concatenate_rows: shapes " + shape_to_string(s) + " and " + shape_to_string(a) + " differ");
    rows += a[0];
  }
  s[0] = rows;
  Tensor out = Tensor::uninitialized(s);
  float* dst = out.data();
  for (const Tensor& p : parts) {
    std::memcpy(dst, p.data(), p.size() * sizeof(float));
    dst += p.size();
  }
  return out;
}

}  // namespace bottleneck
