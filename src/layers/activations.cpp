// keras.activations: names, config forms, and the functions Dense, Conv2D and Activation
// apply: oneDNN's eltwise primitive where it has the function, vectorised loops otherwise.
#include "layers/activation_functions.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <utility>

#include "backend/eltwise.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck {

namespace {

using Kind = ActivationKind;

// Keras' names; the first of a kind is the one activation_name writes.
constexpr std::array<std::pair<const char*, Kind>, 19> names{{
    {"linear", Kind::linear},
    {"relu", Kind::relu},
    {"relu6", Kind::relu6},
    {"sigmoid", Kind::sigmoid},
    {"hard_sigmoid", Kind::hard_sigmoid},
    {"hard_sigmoid", Kind::hard_sigmoid_keras2},
    {"swish", Kind::silu},
    {"silu", Kind::silu},
    {"hard_swish", Kind::hard_silu},
    {"hard_silu", Kind::hard_silu},
    {"gelu", Kind::gelu},
    {"gelu_approximate", Kind::gelu_approximate},
    {"tanh", Kind::tanh},
    {"elu", Kind::elu},
    {"selu", Kind::selu},
    {"softplus", Kind::softplus},
    {"softsign", Kind::softsign},
    {"exponential", Kind::exponential},
    {"softmax", Kind::softmax},
}};

std::string known_names() {
  std::string list;
  for (size_t i = 0; i < names.size(); ++i)
    if (i == 0 || std::string(names[i].first) != names[i - 1].first) list += (i ? ", " : "") + std::string(names[i].first);
  return list;
}

// Keras 2 writes dtype as a string; Keras 3.2+ as a DTypePolicy dict.
bool written_by_keras3(const nlohmann::json& layer_config) {
  auto dtype = layer_config.find("dtype");
  return dtype != layer_config.end() && dtype->is_object();
}

}  // namespace

ActivationKind parse_activation(const std::string& name) {
  if (name.empty()) return Kind::linear;
  for (const auto& [known, kind] : names)
    if (name == known) return kind;
  throw Error("unknown activation '" + name + "' (known: " + known_names() + ")");
}

std::string activation_name(ActivationKind kind) {
  for (const auto& [name, known] : names)
    if (kind == known) return name;
  return "linear";
}

ActivationKind activation_from_config(const nlohmann::json& layer_config) {
  auto found = layer_config.find("activation");
  if (found == layer_config.end() || found->is_null()) return Kind::linear;
  const nlohmann::json& value = *found;
  bool keras3 = written_by_keras3(layer_config);
  std::string name;
  if (value.is_string()) {
    name = value.get<std::string>();
  } else if (value.is_object() && value.contains("class_name")) {
    // Keras 3: {"class_name": "function", "config": "relu"}; Keras 2: {"class_name": "relu", "config": {}}.
    const nlohmann::json& config = value.contains("config") ? value["config"] : nlohmann::json();
    name = config.is_string() ? config.get<std::string>() : value["class_name"].get<std::string>();
    keras3 = keras3 || value.contains("module");
    if (!config.is_string() && !config.is_null() && !config.empty())
      throw Error("activation " + name + " with a configuration of its own (" + config.dump() +
                  ") is not supported: use a layer such as LeakyReLU or ReLU instead");
  } else {
    throw Error("activation must be a name or a Keras activation object, got " + value.dump());
  }
  const Kind kind = parse_activation(name);
  return kind == Kind::hard_sigmoid && !keras3 ? Kind::hard_sigmoid_keras2 : kind;
}

nlohmann::json activation_to_config(ActivationKind kind) {
  // Written as Keras 2 names; Keras 3's hard_sigmoid in Keras 3's own form, which says which one it is.
  if (kind == Kind::hard_sigmoid)
    return {{"module", "keras.activations"},
            {"class_name", "function"},
            {"config", "hard_sigmoid"},
            {"registered_name", "function"}};
  return activation_name(kind);
}

namespace detail {

namespace {

// Below this many values a parallel region costs more than it saves.
constexpr int64_t parallel_threshold = 1 << 15;

constexpr float selu_alpha = 1.6732632423543772848170429916717f;
constexpr float selu_scale = 1.0507009873554804934193349852946f;

// The functions oneDNN computes; the *_use_dst_for_bwd ones differentiate from the output.
std::optional<backend::Eltwise> onednn_function(ActivationKind kind) {
  using dnnl::algorithm;
  switch (kind) {
    case Kind::relu: return backend::Eltwise{algorithm::eltwise_relu_use_dst_for_bwd};
    case Kind::sigmoid: return backend::Eltwise{algorithm::eltwise_logistic_use_dst_for_bwd};
    case Kind::tanh: return backend::Eltwise{algorithm::eltwise_tanh_use_dst_for_bwd};
    case Kind::elu: return backend::Eltwise{algorithm::eltwise_elu_use_dst_for_bwd, 1.0f};
    case Kind::exponential: return backend::Eltwise{algorithm::eltwise_exp_use_dst_for_bwd};
    case Kind::silu: return backend::Eltwise{algorithm::eltwise_swish, 1.0f};
    case Kind::hard_silu: return backend::Eltwise{algorithm::eltwise_hardswish};
    case Kind::gelu: return backend::Eltwise{algorithm::eltwise_gelu_erf};
    case Kind::gelu_approximate: return backend::Eltwise{algorithm::eltwise_gelu_tanh};
    default: return std::nullopt;
  }
}

// v[i] = f(v[i]) over the tensor, vectorisable.
template <typename F>
void map_in_place(Tensor& x, F f) {
  float* v = x.data();
  const int64_t n = x.size();
#pragma omp parallel for simd if (n > parallel_threshold)
  for (int64_t i = 0; i < n; ++i) v[i] = f(v[i]);
}

// g[i] *= d(y[i]), the derivative written in terms of the output y.
template <typename D>
void scale_by_derivative(const Tensor& y, Tensor& gradient, D d) {
  const float* out = y.data();
  float* g = gradient.data();
  const int64_t n = y.size();
#pragma omp parallel for simd if (n > parallel_threshold)
  for (int64_t i = 0; i < n; ++i) g[i] *= d(out[i]);
}

// Hard sigmoids clip(slope x + 0.5, 0, 1): Keras 3 slope 1/6, Keras 2 slope 0.2.
float hard_sigmoid_slope(ActivationKind kind) { return kind == Kind::hard_sigmoid ? 1.0f / 6.0f : 0.2f; }

}  // namespace

void softmax(float* data, int64_t outer, int64_t width, int64_t inner) {
#pragma omp parallel for if (outer * width * inner > parallel_threshold)
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      float* v = data + o * width * inner + i;
      float peak = v[0];
      for (int64_t j = 1; j < width; ++j) peak = std::max(peak, v[j * inner]);
      float sum = 0.0f;
      for (int64_t j = 0; j < width; ++j) sum += v[j * inner] = std::exp(v[j * inner] - peak);
      for (int64_t j = 0; j < width; ++j) v[j * inner] /= sum;
    }
  }
}

void softmax_backward(const float* output, float* gradient, int64_t outer, int64_t width, int64_t inner) {
#pragma omp parallel for if (outer * width * inner > parallel_threshold)
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const float* y = output + o * width * inner + i;
      float* g = gradient + o * width * inner + i;
      float dot = 0.0f;
      for (int64_t j = 0; j < width; ++j) dot += g[j * inner] * y[j * inner];
      for (int64_t j = 0; j < width; ++j) g[j * inner] = y[j * inner] * (g[j * inner] - dot);
    }
  }
}

std::optional<backend::Eltwise> inference_function(ActivationKind kind) {
  using dnnl::algorithm;
  switch (kind) {
    case Kind::relu: return backend::Eltwise{algorithm::eltwise_relu};
    case Kind::relu6: return backend::Eltwise{algorithm::eltwise_clip, 0.0f, 6.0f};
    case Kind::sigmoid: return backend::Eltwise{algorithm::eltwise_logistic};
    case Kind::tanh: return backend::Eltwise{algorithm::eltwise_tanh};
    case Kind::elu: return backend::Eltwise{algorithm::eltwise_elu, 1.0f};
    case Kind::silu: return backend::Eltwise{algorithm::eltwise_swish, 1.0f};
    case Kind::hard_silu: return backend::Eltwise{algorithm::eltwise_hardswish};
    case Kind::gelu: return backend::Eltwise{algorithm::eltwise_gelu_erf};
    case Kind::gelu_approximate: return backend::Eltwise{algorithm::eltwise_gelu_tanh};
    default: return std::nullopt;
  }
}

void activate(ActivationKind kind, Tensor& x) {
  if (auto f = onednn_function(kind)) return backend::eltwise_forward(*f, x);
  switch (kind) {
    case Kind::relu6: return map_in_place(x, [](float v) { return std::clamp(v, 0.0f, 6.0f); });
    case Kind::hard_sigmoid:
    case Kind::hard_sigmoid_keras2: {
      const float slope = hard_sigmoid_slope(kind);
      return map_in_place(x, [slope](float v) { return std::clamp(slope * v + 0.5f, 0.0f, 1.0f); });
    }
    case Kind::selu:
      return map_in_place(x, [](float v) { return v > 0.0f ? selu_scale * v : selu_scale * selu_alpha * std::expm1(v); });
    case Kind::softplus:
      // log(1 + e^v) without overflow: max(v, 0) + log1p(e^-|v|).
      return map_in_place(x, [](float v) { return std::max(v, 0.0f) + std::log1p(std::exp(-std::abs(v))); });
    case Kind::softsign: return map_in_place(x, [](float v) { return v / (1.0f + std::abs(v)); });
    case Kind::softmax: {
      const int64_t width = x.rank() ? x.dim(-1) : 1;
      return softmax(x.data(), width ? x.size() / width : 0, width, 1);
    }
    default: return;  // linear
  }
}

bool activation_backward_needs_input(ActivationKind kind) {
  return kind == Kind::silu || kind == Kind::hard_silu || kind == Kind::gelu || kind == Kind::gelu_approximate;
}

void activation_backward(ActivationKind kind, const Tensor& input, const Tensor& output, Tensor& gradient) {
  if (output.size() != gradient.size())
    throw Error("activation backward: output " + shape_to_string(output.shape()) + " and gradient " +
                shape_to_string(gradient.shape()) + " differ");
  if (auto f = onednn_function(kind)) {
    if (!activation_backward_needs_input(kind)) return backend::eltwise_backward(*f, output, gradient);
    if (input.size() != output.size())
      throw Error("activation backward: " + activation_name(kind) + " needs the input it was applied to");
    return backend::eltwise_backward(*f, input, gradient);
  }
  switch (kind) {
    case Kind::relu6:
      return scale_by_derivative(output, gradient, [](float y) { return y > 0.0f && y < 6.0f ? 1.0f : 0.0f; });
    case Kind::hard_sigmoid:
    case Kind::hard_sigmoid_keras2: {
      const float slope = hard_sigmoid_slope(kind);
      return scale_by_derivative(output, gradient, [slope](float y) { return y > 0.0f && y < 1.0f ? slope : 0.0f; });
    }
    case Kind::selu:
      // For v <= 0, y = scale alpha (e^v - 1), so dy/dv = scale alpha e^v = y + scale alpha.
      return scale_by_derivative(output, gradient,
                                 [](float y) { return y > 0.0f ? selu_scale : y + selu_scale * selu_alpha; });
    case Kind::softplus:
      // dy/dv = sigmoid(v) = 1 - e^-y.
      return scale_by_derivative(output, gradient, [](float y) { return -std::expm1(-y); });
    case Kind::softsign:
      // dy/dv = 1 / (1 + |v|)^2 = (1 - |y|)^2.
      return scale_by_derivative(output, gradient, [](float y) { return (1.0f - std::abs(y)) * (1.0f - std::abs(y)); });
    case Kind::softmax: {
      const int64_t width = output.rank() ? output.dim(-1) : 1;
      return softmax_backward(output.data(), gradient.data(), width ? output.size() / width : 0, width, 1);
    }
    default: return;  // linear
  }
}

}  // namespace detail
}  // namespace bottleneck
