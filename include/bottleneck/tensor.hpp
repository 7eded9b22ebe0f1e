#pragma once
// Dense float32 tensors in row-major (C) order. Images and feature maps are NHWC, as in
// Keras. Copies share storage (like numpy views); clone() makes an independent copy.
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace bottleneck {

using Shape = std::vector<int64_t>;

int64_t shape_size(const Shape& shape);
std::string shape_to_string(const Shape& shape);  // "(1, 7, 7, 512)", as numpy prints it

class Tensor {
public:
  Tensor() = default;
  explicit Tensor(Shape shape, float fill = 0.0f);
  Tensor(Shape shape, std::vector<float> values);
  // numpy.empty: storage whose values are unspecified, for results that overwrite it all.
  static Tensor uninitialized(Shape shape);

  const Shape& shape() const { return shape_; }
  int64_t dim(int axis) const;  // negative axes count from the end
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  float* data() { return data_; }
  const float* data() const { return data_; }
  float& operator[](int64_t i) { return data_[i]; }
  float operator[](int64_t i) const { return data_[i]; }
  float* begin() { return data_; }
  float* end() { return data_ + size_; }
  const float* begin() const { return data_; }
  const float* end() const { return data_ + size_; }

  // Same storage, another shape with the same number of elements (-1 infers one axis).
  Tensor reshape(Shape shape) const;
  // Rows [begin, end) of the first axis, sharing storage.
  Tensor slice(int64_t begin, int64_t end) const;
  Tensor clone() const;

private:
  Shape shape_;
  int64_t size_ = 0;
  std::shared_ptr<float[]> storage_;
  float* data_ = nullptr;
};

// numpy.expand_dims
Tensor expand_dims(const Tensor& x, int axis);
// numpy.concatenate on the first axis
Tensor concatenate_rows(const std::vector<Tensor>& parts);

}  // namespace bottleneck
