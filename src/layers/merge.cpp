#include "bottleneck/layers/merge.hpp"

#include <algorithm>

#include "backend/broadcast.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck {

namespace {
// `shape` with axes of size 1 inserted after its first `prefix` axes up to `rank` axes.
Shape padded_to_rank(Shape shape, size_t rank, size_t prefix) {
  if (shape.size() < rank) shape.insert(shape.begin() + static_cast<std::ptrdiff_t>(prefix), rank - shape.size(), 1);
  return shape;
}

size_t max_rank(const std::vector<Shape>& shapes) {
  size_t rank = 0;
  for (const Shape& s : shapes) rank = std::max(rank, s.size());
  return rank;
}
}  // namespace

MergeLayer::MergeLayer(backend::BinaryOp op, std::string name, size_t exact_inputs)
    : Layer(std::move(name)), op_(op), exact_inputs_(exact_inputs) {
  built_ = true;
}

void MergeLayer::check_input_count(size_t count) const {
  if (exact_inputs_ ? count != exact_inputs_ : count == 0)
    throw Error(class_name() + " '" + name() + "' takes " +
                (exact_inputs_ ? "exactly " + std::to_string(exact_inputs_) : std::string("at least one")) +
                " inputs, got " + std::to_string(count));
}

Shape MergeLayer::compute_output_shape(const std::vector<Shape>& in) const {
  check_input_count(in.size());
  const size_t rank = max_rank(in);
  Shape out = padded_to_rank(in[0], rank, 0);
  for (const Shape& s : in) {
    std::optional<Shape> merged = backend::broadcast_shapes(out, padded_to_rank(s, rank, 0));
    if (!merged)
      throw Error(class_name() + " '" + name() + "': shapes " + shape_to_string(in[0]) + " and " + shape_to_string(s) +
                  " cannot be broadcast together");
    out = *merged;
  }
  return out;
}

Tensor MergeLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  check_input_count(inputs.size());
  std::vector<Shape> shapes;
  for (const Tensor& x : inputs) shapes.push_back(x.shape());
  const size_t rank = max_rank(shapes);
  std::vector<Tensor> padded;
  for (const Tensor& x : inputs) padded.push_back(x.reshape(padded_to_rank(x.shape(), rank, 1)));
  Shape out = padded[0].shape();
  for (const Tensor& x : padded) {
    std::optional<Shape> merged = backend::broadcast_shapes(out, x.shape());
    if (!merged)
      throw Error(class_name() + " '" + name() + "': shapes " + shape_to_string(inputs[0].shape()) + " and " +
                  shape_to_string(x.shape()) + " cannot be broadcast together");
    out = *merged;
  }
  Tensor reduced = backend::broadcast_to(padded[0], out);
  for (size_t i = 1; i < padded.size(); ++i) reduced = backend::binary(op_, reduced, padded[i]);
  Tensor y = finish(reduced.data() == padded[0].data() ? reduced.clone() : reduced, inputs.size());
  if (backward_follows) {
    saved_inputs_ = padded;
    saved_input_shapes_ = shapes;
    saved_output_ = y;
  }
  return y;
}

std::vector<Tensor> MergeLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (saved_inputs_.empty()) throw Error(class_name() + " '" + name() + "': backward without a training forward");
  if (!need_input_gradients) return std::vector<Tensor>(saved_inputs_.size());
  if (output_gradient.shape() != saved_output_.shape())
    throw Error(class_name() + " '" + name() + "': gradient of shape " + shape_to_string(output_gradient.shape()) +
                " for an output of shape " + shape_to_string(saved_output_.shape()));
  std::vector<Tensor> full = broadcast_gradients(output_gradient, saved_inputs_, saved_output_);
  std::vector<Tensor> gradients;
  for (size_t i = 0; i < full.size(); ++i) {
    Tensor summed = backend::sum_to(full[i], saved_inputs_[i].shape());
    gradients.push_back(summed.reshape(saved_input_shapes_[i]));
  }
  return gradients;
}

std::vector<Tensor> SelectingMergeLayer::broadcast_gradients(const Tensor& output_gradient,
                                                            const std::vector<Tensor>& inputs,
                                                            const Tensor& output) const {
  const int64_t n = output.size();
  std::vector<unsigned char> claimed(static_cast<size_t>(n), 0);
  std::vector<Tensor> gradients;
  for (const Tensor& x : inputs) {
    const Tensor spread = backend::broadcast_to(x, output.shape());
    Tensor g = Tensor::uninitialized(output.shape());
    const float* xs = spread.data();
    const float* ys = output.data();
    const float* gs = output_gradient.data();
    float* gx = g.data();
    unsigned char* taken = claimed.data();
#pragma omp parallel for simd if (n > 65536)
    for (int64_t k = 0; k < n; ++k) {
      const bool wins = !taken[k] && xs[k] == ys[k];
      gx[k] = wins ? gs[k] : 0.0f;
      taken[k] |= wins;
    }
    gradients.push_back(g);
  }
  return gradients;
}

}  // namespace bottleneck
