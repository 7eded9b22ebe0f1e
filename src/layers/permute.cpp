#include "bottleneck/layers/permute.hpp"

#include "backend/transpose.hpp"
#include "bottleneck/error.hpp"
#include "layers/layer_naming.hpp"

namespace bottleneck {

PermuteLayer::PermuteLayer(std::vector<int> dims, std::string name)
    : Layer(detail::layer_name_or_default(std::move(name), "permute")), dims_(std::move(dims)) {
  const int rank = static_cast<int>(dims_.size()) + 1;
  order_.assign(1, 0);
  inverse_order_.assign(rank, -1);
  inverse_order_[0] = 0;
  for (int i = 0; i < rank - 1; ++i) {
    const int d = dims_[i];
    if (d < 1 || d >= rank || inverse_order_[d] != -1)
      throw Error("Permute '" + this->name() + "': dims " + nlohmann::json(dims_).dump() + " must be a permutation of 1.." +
                  std::to_string(rank - 1));
    order_.push_back(d);
    inverse_order_[d] = i + 1;
  }
  built_ = true;
}

Shape PermuteLayer::compute_output_shape(const std::vector<Shape>& in) const {
  if (in.size() != 1 || in[0].size() != dims_.size())
    throw Error("Permute '" + name() + "' expects one input of " + std::to_string(dims_.size()) + " axes after the batch axis");
  Shape out;
  for (int d : dims_) out.push_back(in[0][d - 1]);
  return out;
}

Tensor PermuteLayer::forward(const std::vector<Tensor>& inputs, bool /*training*/) {
  const Tensor& x = inputs.at(0);
  if (x.rank() != static_cast<int>(order_.size()))
    throw Error("Permute '" + name() + "': input of shape " + shape_to_string(x.shape()) + " for dims " +
                nlohmann::json(dims_).dump());
  return backend::transpose(x, order_);
}

std::vector<Tensor> PermuteLayer::backward(const Tensor& output_gradient, bool need_input_gradients) {
  if (!need_input_gradients) return {Tensor()};
  return {backend::transpose(output_gradient, inverse_order_)};
}

nlohmann::json PermuteLayer::get_config() const {
  nlohmann::json c = Layer::get_config();
  c["dims"] = dims_;
  return c;
}

LayerPtr PermuteLayer::from_config(const nlohmann::json& c) {
  return std::make_shared<PermuteLayer>(c.at("dims").get<std::vector<int>>(), c.at("name").get<std::string>());
}

LayerHandle<PermuteLayer> Permute(std::vector<int> dims, std::string name) {
  return LayerHandle<PermuteLayer>(std::make_shared<PermuteLayer>(std::move(dims), std::move(name)));
}

}  // namespace bottleneck
