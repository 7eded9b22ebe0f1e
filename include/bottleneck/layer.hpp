#pragma once
// The Layer base class and the symbolic tensors of Keras' functional API:
//   auto inputs = Input({7, 11, 512});
//   auto x = Flatten()(inputs);
//   x = Dense(256, "relu")(x);
//   Model model(inputs, Dense(1, "sigmoid")(x));
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bottleneck/tensor.hpp"

namespace bottleneck {

using Rng = std::mt19937_64;

// A weight of a layer with its gradient (same shape, accumulated by backward()).
struct Parameter {
  std::string name;  // Keras' variable name within the layer: "kernel", "bias"
  Tensor value;
  Tensor gradient;
};

class Layer {
public:
  explicit Layer(std::string name) : name_(std::move(name)) {}
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  virtual std::string class_name() const = 0;  // Keras' class name: "Dense", "Conv2D", ...
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  bool trainable = true;

  // Shapes here exclude the batch axis, as Keras' input_shape does.
  virtual Shape compute_output_shape(const std::vector<Shape>& input_shapes) const = 0;
  // Keras' build(): creates the weights for these input shapes, initialised from `rng`.
  virtual void build(const std::vector<Shape>& input_shapes, Rng& rng);
  bool built() const { return built_; }

  // Forward pass over a batch. With training=true the layer keeps what backward() needs.
  virtual Tensor forward(const std::vector<Tensor>& inputs, bool training) = 0;
  // Given dLoss/dOutput of the last training forward: adds the parameter gradients (when
  // trainable) and returns dLoss/dInput for each input (empty tensors unless asked for).
  virtual std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients);

  // Keras' weights order (kernel before bias); empty for layers without weights.
  virtual std::vector<Parameter*> parameters() { return {}; }
  // Keras' get_config(): what model_config stores for this layer.
  virtual nlohmann::json get_config() const;

protected:
  bool built_ = false;

private:
  std::string name_;
};

using LayerPtr = std::shared_ptr<Layer>;

// A placeholder in the functional API: which layer produced it (null for an Input) and its
// shape without the batch axis.
struct SymbolicNode;
class SymbolicTensor {
public:
  SymbolicTensor() = default;
  explicit SymbolicTensor(std::shared_ptr<SymbolicNode> node) : node_(std::move(node)) {}
  const Shape& shape() const;
  const std::shared_ptr<SymbolicNode>& node() const { return node_; }

private:
  std::shared_ptr<SymbolicNode> node_;
};

struct SymbolicNode {
  LayerPtr layer;                      // null for an Input
  std::vector<SymbolicTensor> inputs;  // what the layer was called on
  Shape shape;                         // output shape without the batch axis
  std::string input_name;              // for an Input: its name
};

// Calls `layer` on symbolic inputs: checks shapes, names it (Keras' auto-naming) and
// records the node. Layer handles (below) use this for operator().
SymbolicTensor call_layer(const LayerPtr& layer, const std::vector<SymbolicTensor>& inputs);

// keras.Input(shape): shape without the batch axis.
SymbolicTensor Input(Shape shape, std::string name = "");

// What the factory functions return (Dense(256, "relu"), Conv2D(...)): a shared handle
// that can be called on symbolic tensors and converts to LayerPtr for Sequential.
template <typename L>
class LayerHandle {
public:
  explicit LayerHandle(std::shared_ptr<L> layer) : layer_(std::move(layer)) {}
  SymbolicTensor operator()(const SymbolicTensor& x) const { return call_layer(layer_, {x}); }
  SymbolicTensor operator()(const std::vector<SymbolicTensor>& xs) const { return call_layer(layer_, xs); }
  L* operator->() const { return layer_.get(); }
  L& operator*() const { return *layer_; }
  operator LayerPtr() const { return layer_; }
  const std::shared_ptr<L>& get() const { return layer_; }

private:
  std::shared_ptr<L> layer_;
};

// Keras' automatic layer names: the snake_case class name, then "_1", "_2", ... for later
// layers of the same class ("dense", "dense_1"), as tf.keras names them.
std::string unique_layer_name(const std::string& snake_case_class);
// Restarts the counters (keras.backend.clear_session()).
void clear_session();

}  // namespace bottleneck
