// keras.activations: names, and the functions Dense and Activation apply.
#include "layers/activation_functions.hpp"

#include <algorithm>
#include <cmath>

#include "bottleneck/error.hpp"

namespace bottleneck {

ActivationKind parse_activation(const std::string& name) {
  if (name == "linear" || name.empty()) return ActivationKind::linear;
  if (name == "relu") return ActivationKind::relu;
  if (name == "sigmoid") return ActivationKind::sigmoid;
  if (name == "softmax") return ActivationKind::softmax;
  if (name == "tanh") return ActivationKind::tanh;
  throw Error("unknown activation '" + name + "' (known: linear, relu, sigmoid, softmax, tanh)");
}

std::string activation_name(ActivationKind kind) {
  switch (kind) {
    case ActivationKind::linear: return "linear";
    case ActivationKind::relu: return "relu";
    case ActivationKind::sigmoid: return "sigmoid";
    case ActivationKind::softmax: return "softmax";
    case ActivationKind::tanh: return "tanh";
  }
  return "linear";
}

namespace detail {

namespace {
// Below this many values a parallel region costs more than it saves.
constexpr int64_t parallel_threshold = 1 << 15;
}  // namespace

void activate(ActivationKind kind, Tensor& x) {
  float* v = x.data();
  const int64_t n = x.size();
  switch (kind) {
    case ActivationKind::linear: return;
    case ActivationKind::relu:
#pragma omp parallel for if (n > parallel_threshold)
      for (int64_t i = 0; i < n; ++i) v[i] = std::max(v[i], 0.0f);
      return;
    case ActivationKind::sigmoid:
#pragma omp parallel for if (n > parallel_threshold)
      for (int64_t i = 0; i < n; ++i) v[i] = 1.0f / (1.0f + std::exp(-v[i]));
      return;
    case ActivationKind::tanh:
#pragma omp parallel for if (n > parallel_threshold)
      for (int64_t i = 0; i < n; ++i) v[i] = std::tanh(v[i]);
      return;
    case ActivationKind::softmax: {
      const int64_t width = x.rank() ? x.dim(-1) : 1;
      const int64_t rows = width ? n / width : 0;
      for (int64_t r = 0; r < rows; ++r) {
        float* row = v + r * width;
        float peak = *std::max_element(row, row + width);
        float sum = 0.0f;
        for (int64_t j = 0; j < width; ++j) sum += row[j] = std::exp(row[j] - peak);
        for (int64_t j = 0; j < width; ++j) row[j] /= sum;
      }
      return;
    }
  }
}

void activation_backward(ActivationKind kind, const Tensor& y, Tensor& gradient) {
  if (y.size() != gradient.size())
    throw Error("activation backward: output " + shape_to_string(y.shape()) + " and gradient " +
                shape_to_string(gradient.shape()) + " differ");
  const float* out = y.data();
  float* g = gradient.data();
  const int64_t n = y.size();
  switch (kind) {
    case ActivationKind::linear: return;
    case ActivationKind::relu:
#pragma omp parallel for if (n > parallel_threshold)
      for (int64_t i = 0; i < n; ++i) g[i] = out[i] > 0.0f ? g[i] : 0.0f;
      return;
    case ActivationKind::sigmoid:
#pragma omp parallel for if (n > parallel_threshold)
      for (int64_t i = 0; i < n; ++i) g[i] *= out[i] * (1.0f - out[i]);
      return;
    case ActivationKind::tanh:
#pragma omp parallel for if (n > parallel_threshold)
      for (int64_t i = 0; i < n; ++i) g[i] *= 1.0f - out[i] * out[i];
      return;
    case ActivationKind::softmax: {
      const int64_t width = y.rank() ? y.dim(-1) : 1;
      const int64_t rows = width ? n / width : 0;
      for (int64_t r = 0; r < rows; ++r) {
        const float* yr = out + r * width;
        float* gr = g + r * width;
        float dot = 0.0f;
        for (int64_t j = 0; j < width; ++j) dot += gr[j] * yr[j];
        for (int64_t j = 0; j < width; ++j) gr[j] = yr[j] * (gr[j] - dot);
      }
      return;
    }
  }
}

}  // namespace detail
}  // namespace bottleneck
