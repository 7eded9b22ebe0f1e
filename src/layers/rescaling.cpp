// keras.layers.Rescaling: a scale and an offset, scalar or per channel.
#include <cmath>

#include "bottleneck/error.hpp"
#include "bottleneck/layers/rescaling.hpp"
#include "layers/layer_config.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

namespace {

// A value per channel: `channel_values[c]`, or the single value for every channel.
std::vector<float> per_channel(const std::vector<double>& values, int64_t channels) {
  std::vector<float> out(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) out[c] = static_cast<float>(values.size() == 1 ? values[0] : values[c]);
  return out;
}

nlohmann::json scalar_or_list(const std::vector<double>& values) {
  return values.size() == 1 ? nlohmann::json(values[0]) : nlohmann::json(values);
}

}  // namespace

RescalingLayer::RescalingLayer(RescalingOptions options)
    : ElementwiseLayer(std::move(options.name)), options_(std::move(options)) {
  options_.name = name();
  for (const std::vector<double>* values : {&options_.scale, &options_.offset}) {
    if (values->empty()) throw Error("Rescaling " + name() + ": scale and offset need at least one value");
    for (double v : *values)
      if (!std::isfinite(v)) throw Error("Rescaling " + name() + ": scale and offset must be finite");
  }
}

void RescalingLayer::check_channels(int64_t channels) const {
  for (const std::vector<double>* values : {&options_.scale, &options_.offset})
    if (values->size() != 1 && static_cast<int64_t>(values->size()) != channels)
      throw Error("Rescaling " + name() + ": " + std::to_string(values->size()) + " values for " +
                  std::to_string(channels) + " channels");
}

Shape RescalingLayer::compute_output_shape(const std::vector<Shape>& input_shapes) const {
  Shape out = ElementwiseLayer::compute_output_shape(input_shapes);
  check_channels(out.empty() ? 1 : out.back());
  return out;
}

void RescalingLayer::apply(Tensor& x) const {
  const int64_t channels = x.rank() ? x.dim(-1) : 1;
  check_channels(channels);
  const std::vector<float> scale = per_channel(options_.scale, channels);
  const std::vector<float> offset = per_channel(options_.offset, channels);
  const int64_t rows = channels ? x.size() / channels : 0;
  float* v = x.data();
#pragma omp parallel for if (x.size() > (1 << 15))
  for (int64_t r = 0; r < rows; ++r)
#pragma omp simd
    for (int64_t c = 0; c < channels; ++c) v[r * channels + c] = v[r * channels + c] * scale[c] + offset[c];
}

void RescalingLayer::apply_backward(const Tensor& /*input*/, Tensor& gradient) const {
  const int64_t channels = gradient.rank() ? gradient.dim(-1) : 1;
  const std::vector<float> scale = per_channel(options_.scale, channels);
  const int64_t rows = channels ? gradient.size() / channels : 0;
  float* g = gradient.data();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < channels; ++c) g[r * channels + c] *= scale[c];
}

nlohmann::json RescalingLayer::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["scale"] = scalar_or_list(options_.scale);
  config["offset"] = scalar_or_list(options_.offset);
  return config;
}

LayerPtr RescalingLayer::from_config(const nlohmann::json& config) {
  const std::string name = config.at("name").get<std::string>();
  const std::string layer = "Rescaling " + name;
  detail::require_channels_last(config, layer);
  return std::make_shared<RescalingLayer>(RescalingOptions{
      .scale = detail::channel_values(config, "scale", 1.0, layer),
      .offset = detail::channel_values(config, "offset", 0.0, layer),
      .name = name,
  });
}

LayerHandle<RescalingLayer> Rescaling(RescalingOptions options) {
  options.name = detail::layer_name_or_default(std::move(options.name), "rescaling");
  return LayerHandle<RescalingLayer>(std::make_shared<RescalingLayer>(std::move(options)));
}

}  // namespace bottleneck
