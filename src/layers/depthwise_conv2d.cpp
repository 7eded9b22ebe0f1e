#include "bottleneck/layers/depthwise_conv2d.hpp"

#include "bottleneck/error.hpp"
#include "layers/activated_convolution.hpp"
#include "layers/convolution_window.hpp"
#include "layers/initializers.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

DepthwiseConv2DLayer::DepthwiseConv2DLayer(DepthwiseConv2DOptions options)
    : Layer(detail::layer_name_or_default(options.name, "depthwise_conv2d")), options_(std::move(options)) {
  const std::string layer = "DepthwiseConv2D '" + name() + "'";
  detail::checked_count(options_.depth_multiplier, "depth_multiplier", layer);
  convolution_ = std::make_unique<detail::ActivatedConvolution>(
      detail::convolution_geometry(detail::window_of(options_), layer), options_.activation, options_.use_bias,
      "depthwise_kernel", layer);
}

DepthwiseConv2DLayer::~DepthwiseConv2DLayer() = default;

Parameter& DepthwiseConv2DLayer::depthwise_kernel() { return convolution_->kernel; }
Parameter& DepthwiseConv2DLayer::bias() { return convolution_->bias; }

Shape DepthwiseConv2DLayer::compute_output_shape(const std::vector<Shape>& in) const {
  if (in.size() != 1 || in[0].size() != 3)
    throw Error("DepthwiseConv2D '" + name() + "' expects one (height, width, channels) input");
  backend::WindowPlacement p = backend::place_window(
      in[0][0], in[0][1], detail::convolution_geometry(detail::window_of(options_), name()));
  return {p.out_h, p.out_w, in[0][2] * options_.depth_multiplier};
}

void DepthwiseConv2DLayer::build(const std::vector<Shape>& in, Rng& rng) {
  const int64_t out_channels = compute_output_shape(in)[2];
  // A grouped convolution with one group per input channel: the backend reads the kernel
  // (kh, kw, in, dm) as (kh, kw, 1, in * dm), which is the same memory.
  convolution_->build({options_.kernel_h, options_.kernel_w, in[0][2], options_.depth_multiplier},
                      {options_.kernel_h, options_.kernel_w, 1, out_channels}, rng);
  built_ = true;
}

Tensor DepthwiseConv2DLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  const Tensor& x = inputs.at(0);
  const Shape& kernel = convolution_->kernel.value.shape();
  if (kernel.size() != 4) throw Error("DepthwiseConv2D '" + name() + "' is not built");
  if (x.rank() != 4 || x.dim(3) != kernel[2])
    throw Error("DepthwiseConv2D '" + name() + "' was built for " + std::to_string(kernel[2]) + " channels, called on " +
                shape_to_string(x.shape()));
  return convolution_->forward(x, backward_follows, detail::precision_of(dtype_policy()), constant_weights_generation);
}

std::vector<Tensor> DepthwiseConv2DLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  return {convolution_->backward(output_gradient, trainable, need_input_gradients)};
}

std::vector<Parameter*> DepthwiseConv2DLayer::parameters() { return convolution_->parameters(); }

nlohmann::json DepthwiseConv2DLayer::get_config() const {
  nlohmann::json c = Layer::get_config();
  detail::write_convolution_config(c, detail::window_of(options_), convolution_->activation_name(), options_.use_bias);
  c["depth_multiplier"] = options_.depth_multiplier;
  c["depthwise_initializer"] = glorot_uniform_config();
  c["bias_initializer"] = zeros_config();
  for (const char* absent : {"depthwise_regularizer", "bias_regularizer", "activity_regularizer",
                             "depthwise_constraint", "bias_constraint"})
    c[absent] = nullptr;
  return c;
}

LayerPtr DepthwiseConv2DLayer::from_config(const nlohmann::json& c) {
  DepthwiseConv2DOptions o = detail::read_convolution_options<DepthwiseConv2DOptions>(c, "DepthwiseConv2D");
  o.depth_multiplier = c.value("depth_multiplier", int64_t{1});
  return std::make_shared<DepthwiseConv2DLayer>(std::move(o));
}

LayerHandle<DepthwiseConv2DLayer> DepthwiseConv2D(DepthwiseConv2DOptions options) {
  return LayerHandle<DepthwiseConv2DLayer>(std::make_shared<DepthwiseConv2DLayer>(std::move(options)));
}

}  // namespace bottleneck
