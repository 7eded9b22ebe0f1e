#pragma once
// What the global pooling layers share (Keras' BaseGlobalPooling): each channel's whole
// feature map reduced to one value, (h, w, C) -> (C), or (1, 1, C) with keepdims.
#include <memory>
#include <string>

#include "bottleneck/layers/pooling2d.hpp"

namespace bottleneck {

struct GlobalPooling2DOptions {
  bool keepdims = false;  // (1, 1, C) instead of (C), as squeeze-excite blocks want
  std::string name;
};

class GlobalPooling2DLayer : public Layer {
public:
  ~GlobalPooling2DLayer() override;

  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  nlohmann::json get_config() const override;  // data_format, keepdims
  bool keepdims() const { return keepdims_; }

protected:
  GlobalPooling2DLayer(PoolingReduction reduction, std::string name, bool keepdims);
  // keepdims and name of a config (channels_last only).
  static GlobalPooling2DOptions options_from_config(const nlohmann::json& config);

private:
  bool keepdims_;
  std::unique_ptr<backend::Pooling> pooling_;
};

// keras.applications' pooling argument: GlobalAveragePooling2D on x for "avg",
// GlobalMaxPooling2D for "max", x itself for "none" (or ""); an Error for anything else.
SymbolicTensor global_pooling(const SymbolicTensor& x, const std::string& pooling);

}  // namespace bottleneck
