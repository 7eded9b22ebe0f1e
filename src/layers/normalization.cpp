// keras.layers.Normalization with its statistics given or loaded (never adapted here).
#include <algorithm>
#include <cmath>

#include "bottleneck/error.hpp"
#include "bottleneck/layers/normalization.hpp"
#include "layers/layer_config.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

namespace {
// Keras' backend.epsilon(), the floor of the standard deviation.
constexpr float epsilon = 1e-7f;

nlohmann::json optional_values(const std::optional<std::vector<double>>& values) {
  if (!values) return nullptr;
  return values->size() == 1 ? nlohmann::json((*values)[0]) : nlohmann::json(*values);
}
}  // namespace

NormalizationLayer::NormalizationLayer(NormalizationOptions options)
    : ElementwiseLayer(std::move(options.name)), options_(std::move(options)) {
  options_.name = name();
  if (options_.mean.has_value() != options_.variance.has_value())
    throw Error("Normalization " + name() + ": give both mean and variance, or neither");
}

Shape NormalizationLayer::statistics_shape(const Shape& input_shape) const {
  const std::string layer = "Normalization " + name();
  const int64_t rank = static_cast<int64_t>(input_shape.size()) + 1;
  std::vector<int64_t> kept;
  for (int64_t a : options_.axis) kept.push_back(detail::resolve_axis(a, rank, layer));
  std::sort(kept.begin(), kept.end());
  if (std::adjacent_find(kept.begin(), kept.end()) != kept.end()) throw Error(layer + ": axis repeats an axis");
  if (!kept.empty() && kept.front() == 0) throw Error(layer + ": axis may not be the batch axis (0)");
  Shape shape;
  for (int64_t a : kept) shape.push_back(input_shape[a - 1]);
  return shape;
}

Shape NormalizationLayer::compute_output_shape(const std::vector<Shape>& input_shapes) const {
  Shape out = ElementwiseLayer::compute_output_shape(input_shapes);
  const int64_t size = shape_size(statistics_shape(out));
  for (const auto* given : {&options_.mean, &options_.variance})
    if (*given && (*given)->size() != 1 && static_cast<int64_t>((*given)->size()) != size)
      throw Error("Normalization " + name() + ": " + std::to_string((*given)->size()) + " mean or variance values for " +
                  std::to_string(size) + " statistics");
  if (built_ && !options_.mean && mean_.value.size() != size)
    throw Error("Normalization " + name() + " was built for other inputs than " + shape_to_string(out));
  return out;
}

void NormalizationLayer::build(const std::vector<Shape>& input_shapes, Rng& /*rng*/) {
  const Shape statistics = statistics_shape(compute_output_shape(input_shapes));
  if (!options_.mean) {
    mean_.value = Tensor(statistics, 0.0f);
    variance_.value = Tensor(statistics, 1.0f);
    count_.value = Tensor(Shape{}, 0.0f);
  }
  built_ = true;
}

std::vector<Parameter*> NormalizationLayer::parameters() {
  if (options_.mean) return {};
  return {&mean_, &variance_, &count_};
}

NormalizationLayer::Broadcast NormalizationLayer::broadcast(const Shape& shape) const {
  const Shape sample(shape.begin() + 1, shape.end());
  const Shape statistics = statistics_shape(sample);
  const int64_t statistics_size = shape_size(statistics);
  std::vector<float> mean(statistics_size), variance(statistics_size);
  for (int64_t k = 0; k < statistics_size; ++k) {
    const auto value = [&](const std::optional<std::vector<double>>& given, const Tensor& weight) {
      if (!given) return weight[k];
      return static_cast<float>(given->size() == 1 ? (*given)[0] : (*given)[k]);
    };
    mean[k] = value(options_.mean, mean_.value);
    variance[k] = value(options_.variance, variance_.value);
  }
  // Each sample position's index into the statistics: its coordinates on the kept axes.
  std::vector<int64_t> kept_stride(sample.size(), 0);
  {
    int64_t stride = 1;
    std::vector<int64_t> kept;
    for (int64_t a : options_.axis) kept.push_back(detail::resolve_axis(a, static_cast<int64_t>(shape.size()), name()) - 1);
    for (int64_t d = static_cast<int64_t>(sample.size()) - 1; d >= 0; --d)
      if (std::find(kept.begin(), kept.end(), d) != kept.end()) {
        kept_stride[d] = stride;
        stride *= sample[d];
      }
  }
  const int64_t sample_size = shape_size(sample);
  Broadcast b{std::vector<float>(sample_size), std::vector<float>(sample_size)};
  std::vector<int64_t> coordinate(sample.size(), 0);
  for (int64_t i = 0; i < sample_size; ++i) {
    int64_t k = 0;
    for (size_t d = 0; d < sample.size(); ++d) k += coordinate[d] * kept_stride[d];
    b.mean[i] = mean[k];
    b.divisor[i] = std::max(std::sqrt(variance[k]), epsilon);
    for (int64_t d = static_cast<int64_t>(sample.size()) - 1; d >= 0 && ++coordinate[d] == sample[d]; --d)
      coordinate[d] = 0;
  }
  return b;
}

void NormalizationLayer::apply(Tensor& x) const {
  if (x.rank() < 1 || x.size() == 0) return;
  const Broadcast b = broadcast(x.shape());
  const int64_t sample_size = static_cast<int64_t>(b.mean.size());
  const int64_t samples = x.size() / sample_size;
  const float* mean = b.mean.data();
  const float* divisor = b.divisor.data();
  for (int64_t n = 0; n < samples; ++n) {
    float* v = x.data() + n * sample_size;
    if (options_.invert) {
#pragma omp simd
      for (int64_t i = 0; i < sample_size; ++i) v[i] = mean[i] + v[i] * divisor[i];
    } else {
#pragma omp simd
      for (int64_t i = 0; i < sample_size; ++i) v[i] = (v[i] - mean[i]) / divisor[i];
    }
  }
}

void NormalizationLayer::apply_backward(const Tensor& /*input*/, Tensor& gradient) const {
  if (gradient.size() == 0) return;
  const Broadcast b = broadcast(gradient.shape());
  const int64_t sample_size = static_cast<int64_t>(b.divisor.size());
  for (int64_t n = 0; n < gradient.size() / sample_size; ++n) {
    float* g = gradient.data() + n * sample_size;
    for (int64_t i = 0; i < sample_size; ++i) g[i] = options_.invert ? g[i] * b.divisor[i] : g[i] / b.divisor[i];
  }
}

nlohmann::json NormalizationLayer::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["axis"] = options_.axis;
  config["mean"] = optional_values(options_.mean);
  config["variance"] = optional_values(options_.variance);
  config["invert"] = options_.invert;
  return config;
}

LayerPtr NormalizationLayer::from_config(const nlohmann::json& config) {
  const std::string name = config.at("name").get<std::string>();
  const std::string layer = "Normalization " + name;
  NormalizationOptions options{.name = name};
  // Keras writes axis=None as null (Keras 3) or [] (Keras 2's empty tuple).
  if (config.contains("axis")) options.axis = config["axis"].is_null() ? std::vector<int64_t>{} : detail::axis_list(config, "axis", {});
  for (auto [key, target] : {std::pair{"mean", &options.mean}, std::pair{"variance", &options.variance}})
    if (config.contains(key) && !config[key].is_null()) *target = detail::channel_values(config, key, 0.0, layer);
  options.invert = config.value("invert", false);
  return std::make_shared<NormalizationLayer>(std::move(options));
}

LayerHandle<NormalizationLayer> Normalization(NormalizationOptions options) {
  options.name = detail::layer_name_or_default(std::move(options.name), "normalization");
  return LayerHandle<NormalizationLayer>(std::make_shared<NormalizationLayer>(std::move(options)));
}

}  // namespace bottleneck
