#include "bottleneck/layers/border2d.hpp"

#include <algorithm>

#include "bottleneck/error.hpp"
#include "layers/layer_config.hpp"

namespace bottleneck {

Border2DLayer::Border2DLayer(Sides2D sides, std::string config_key, std::string name)
    : Layer(std::move(name)), sides_(sides), config_key_(std::move(config_key)) {
  const int64_t largest = int64_t{1} << 20;
  const bool valid = std::min({sides.top, sides.bottom, sides.left, sides.right}) >= 0 &&
                     std::max({sides.top, sides.bottom, sides.left, sides.right}) <= largest;
  if (!valid)
    throw Error("layer '" + this->name() + "': " + config_key_ + " must be in 0.." + std::to_string(largest) + ", got " +
                detail::sides_2d_to_json(sides).dump());
  built_ = true;
}

const Shape& Border2DLayer::check_input(const std::vector<Shape>& in) const {
  if (in.size() != 1 || in[0].size() != 3)
    throw Error(class_name() + " '" + name() + "' expects one (height, width, channels) input");
  return in[0];
}

Shape Border2DLayer::begin_forward(const Tensor& x) {
  if (x.rank() != 4) throw Error(class_name() + " '" + name() + "' expects (batch, height, width, channels) inputs");
  Shape out = compute_output_shape({Shape(x.shape().begin() + 1, x.shape().end())});
  out.insert(out.begin(), x.dim(0));
  saved_input_shape_ = x.shape();
  return out;
}

nlohmann::json Border2DLayer::get_config() const {
  nlohmann::json c = Layer::get_config();
  c[config_key_] = detail::sides_2d_to_json(sides_);
  c["data_format"] = "channels_last";
  return c;
}

Sides2D Border2DLayer::sides_from_config(const nlohmann::json& c, const char* config_key, Sides2D fallback) {
  const std::string name = c.at("name").get<std::string>();
  if (c.value("data_format", "channels_last") != "channels_last")
    throw Error(name + ": only channels_last is supported");
  return detail::sides_2d(c, config_key, fallback, name);
}

}  // namespace bottleneck
