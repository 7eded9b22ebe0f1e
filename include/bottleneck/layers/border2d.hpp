#pragma once
// What ZeroPadding2D and Cropping2D share: rows and columns added to or taken from the four
// borders of each (height, width, channels) feature map, and a config field that says how many.
#include <string>

#include "bottleneck/layers/layer.hpp"
#include "bottleneck/layers/sides2d.hpp"

namespace bottleneck {

class Border2DLayer : public Layer {
public:
  const Sides2D& sides() const { return sides_; }
  nlohmann::json get_config() const override;  // the sides under config_key, data_format

protected:
  // `config_key`: "padding" or "cropping". Negative sides are an Error.
  Border2DLayer(Sides2D sides, std::string config_key, std::string name);
  // The sides a config holds (Keras 2 and 3 forms), channels_last only.
  static Sides2D sides_from_config(const nlohmann::json& config, const char* config_key, Sides2D fallback);
  // The input's (height, width, channels), an Error for other shapes.
  const Shape& check_input(const std::vector<Shape>& input_shapes) const;

  // For forward(x): records x's shape for backward and returns the output's, batch included.
  Shape begin_forward(const Tensor& x);
  // Where the smaller tensor (the input of a padding, the output of a cropping) starts in the larger.
  Shape inner_offsets() const { return {0, sides_.top, sides_.left, 0}; }

  Sides2D sides_;
  Shape saved_input_shape_;  // with the batch axis, of the last forward

private:
  std::string config_key_;
};

}  // namespace bottleneck
