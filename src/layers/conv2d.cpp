#include "bottleneck/layers/conv2d.hpp"

#include "backend/convolution.hpp"
#include "bottleneck/error.hpp"
#include "layers/initializers.hpp"
#include "layers/layer_config.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

namespace {
backend::ConvGeometry geometry_of(const Conv2DOptions& o) {
  return {o.kernel_h, o.kernel_w, o.stride_h, o.stride_w, detail::parse_padding(o.padding, "Conv2D")};
}

bool fused_relu_of(const Conv2DOptions& o) {
  if (o.activation == "relu") return true;
  if (o.activation == "linear") return false;
  throw Error("Conv2D: activation '" + o.activation + "' is not supported (use 'relu' or 'linear', or an Activation layer)");
}
}  // namespace

Conv2DLayer::Conv2DLayer(int64_t filters, Conv2DOptions options)
    : Layer(detail::layer_name_or_default(options.name, "conv2d")),
      filters_(filters),
      options_(std::move(options)),
      convolution_(std::make_unique<backend::Convolution>(geometry_of(options_), fused_relu_of(options_))) {
  if (filters_ <= 0) throw Error("Conv2D: filters must be positive");
}

Conv2DLayer::~Conv2DLayer() = default;

Shape Conv2DLayer::compute_output_shape(const std::vector<Shape>& in) const {
  if (in.size() != 1 || in[0].size() != 3)
    throw Error("Conv2D '" + name() + "' expects one (height, width, channels) input");
  backend::WindowPlacement p = backend::place_window(in[0][0], in[0][1], geometry_of(options_));
  return {p.out_h, p.out_w, filters_};
}

void Conv2DLayer::build(const std::vector<Shape>& in, Rng& rng) {
  compute_output_shape(in);
  const int64_t channels = in[0][2];
  kernel_.value = Tensor({options_.kernel_h, options_.kernel_w, channels, filters_});
  kernel_.gradient = Tensor(kernel_.value.shape());
  glorot_uniform(kernel_.value, rng);
  if (options_.use_bias) {
    bias_.value = Tensor({filters_});
    bias_.gradient = Tensor({filters_});
  }
  built_ = true;
}

Tensor Conv2DLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  return convolution_->forward(inputs.at(0), kernel_.value, bias_.value, backward_follows);
}

std::vector<Tensor> Conv2DLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  Tensor input_gradient =
      convolution_->backward(output_gradient, kernel_.value, trainable ? &kernel_.gradient : nullptr,
                             trainable && options_.use_bias ? &bias_.gradient : nullptr, need_input_gradients);
  return {input_gradient};
}

std::vector<Parameter*> Conv2DLayer::parameters() {
  if (options_.use_bias) return {&kernel_, &bias_};
  return {&kernel_};
}

nlohmann::json Conv2DLayer::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["filters"] = filters_;
  c["kernel_size"] = {options_.kernel_h, options_.kernel_w};
  c["strides"] = {options_.stride_h, options_.stride_w};
  c["padding"] = options_.padding;
  c["data_format"] = "channels_last";
  c["dilation_rate"] = {1, 1};
  c["activation"] = options_.activation;
  c["use_bias"] = options_.use_bias;
  c["kernel_initializer"] = glorot_uniform_config();
  c["bias_initializer"] = zeros_config();
  c["kernel_regularizer"] = nullptr;
  c["bias_regularizer"] = nullptr;
  c["activity_regularizer"] = nullptr;
  c["kernel_constraint"] = nullptr;
  c["bias_constraint"] = nullptr;
  return c;
}

LayerPtr Conv2DLayer::from_config(const nlohmann::json& c) {
  if (c.value("data_format", "channels_last") != "channels_last")
    throw Error("Conv2D '" + c.at("name").get<std::string>() + "': only channels_last is supported");
  auto [kh, kw] = detail::int_pair(c, "kernel_size", 3);
  auto [sh, sw] = detail::int_pair(c, "strides", 1);
  return std::make_shared<Conv2DLayer>(
      c.at("filters").get<int64_t>(),
      Conv2DOptions{kh, kw, sh, sw, c.value("padding", "valid"), c.value("activation", "linear"),
                    c.value("use_bias", true), c.at("name").get<std::string>()});
}

LayerHandle<Conv2DLayer> Conv2D(int64_t filters, Conv2DOptions options) {
  return LayerHandle<Conv2DLayer>(std::make_shared<Conv2DLayer>(filters, std::move(options)));
}

}  // namespace bottleneck
