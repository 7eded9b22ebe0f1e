#pragma once
// The Layer base class and the symbolic tensors of Keras' functional API:
//   auto inputs = Input({7, 11, 512});
//   auto x = Flatten()(inputs);
//   x = Dense(256, "relu")(x);
//   Model model(inputs, Dense(1, "sigmoid")(x));
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bottleneck/mixed_precision.hpp"
#include "bottleneck/tensor.hpp"

namespace bottleneck {

using Rng = std::mt19937_64;

// A weight of a layer with its gradient (same shape). backward() adds into `gradient`; the
// optimizer zeroes it after each update, so it is all zeros between training steps.
struct Parameter {
  std::string name;  // Keras' variable name within the layer: "kernel", "bias"
  Tensor value;
  Tensor gradient;   // empty for a non-trainable weight
  // False for weights the optimizer never updates, whatever the layer's flag (Keras'
  // non_trainable_weights: BatchNormalization's moving statistics). parameters() lists them
  // after the trainable ones, as Keras orders a layer's weights.
  bool trainable = true;
};

// Which rows of a training batch a forward sees when the batch is split over the processes of
// a job: rows [first_row, first_row + the input's rows) of batch_rows (0: the whole batch).
struct BatchShare {
  int64_t first_row = 0;
  int64_t batch_rows = 0;
};

class Layer {
public:
  // `name` must be final: factories pass Keras' automatic name (dense, dense_1, ...) when
  // the user gave none, so layers are named when created, as in Keras.
  explicit Layer(std::string name) : name_(std::move(name)) {}
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  virtual std::string class_name() const = 0;  // Keras' class name: "Dense", "Conv2D", ...
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  bool trainable = true;

  // Keras' layer.dtype_policy: the global policy when the layer was made, until set. A model
  // sets it on all its layers.
  const DTypePolicy& dtype_policy() const { return dtype_policy_; }
  virtual void set_dtype_policy(const DTypePolicy& policy) { dtype_policy_ = policy; }

  // Shapes here exclude the batch axis, as Keras' input_shape does.
  virtual Shape compute_output_shape(const std::vector<Shape>& input_shapes) const = 0;
  // Keras' build(): creates the weights for these input shapes, initialised from `rng`. The
  // default only records that the layer is built (layers without weights).
  virtual void build(const std::vector<Shape>& input_shapes, Rng& rng);
  bool built() const { return built_; }

  // Forward pass over a batch, in training mode (Dropout drops, BatchNormalization uses the
  // batch's statistics) or inference mode. When backward_follows, the layer keeps what
  // backward() needs, in either mode.
  virtual Tensor forward(const std::vector<Tensor>& inputs, bool training) = 0;
  // Given dLoss/dOutput of the last forward: adds the parameter gradients (when
  // trainable) and returns dLoss/dInput for each input (empty tensors unless asked for).
  // The default throws: the layer cannot be trained through.
  virtual std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients);

  // Keras' weights order (kernel before bias); empty for layers without weights.
  virtual std::vector<Parameter*> parameters() { return {}; }
  int64_t count_params();
  // Keras' get_config(): what model_config stores for this layer. The default holds name,
  // trainable and dtype; layers add their own fields.
  virtual nlohmann::json get_config() const;

protected:
  bool built_ = false;
  // Set by Model before each forward: false when no backward() will follow (inference, or a
  // frozen part of the network with nothing trainable before it), so the layer need not keep
  // its inputs.
  bool backward_follows = true;
  // Set by Model before each forward too. A layer that draws random numbers per row (Dropout)
  // draws them for the whole batch and keeps its share's, so that a seed gives the same run
  // at any process count.
  BatchShare batch_share;
  // Set by Model before each forward too: nonzero while the weights are held constant
  // (Trainer::ConstantWeights), a number new for each hold, so what a layer derives from its
  // weights can be kept across batches under the number it was derived in.
  uint64_t constant_weights_generation = 0;

private:
  friend class Model;
  std::string name_;
  DTypePolicy dtype_policy_ = mixed_precision::global_policy();
};

using LayerPtr = std::shared_ptr<Layer>;

// A placeholder in the functional API: the node that produced it and its shape without the
// batch axis.
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
  LayerPtr layer;                      // an InputLayer for Input()
  std::vector<SymbolicTensor> inputs;  // what the layer was called on; empty for an Input
  Shape shape;                         // output shape without the batch axis
  // The call's `training` argument (layer(x, training=False)): when set, the layer runs in
  // that mode whatever the model is doing (Keras' transfer-learning guide calls a base with
  // training=False so its BatchNormalization stays in inference mode when unfrozen).
  std::optional<bool> training;
};

// Calls `layer` on symbolic inputs: checks the shapes and records the node. Layer handles
// (below) use this for operator(). A layer may be called several times (a shared layer).
SymbolicTensor call_layer(const LayerPtr& layer, const std::vector<SymbolicTensor>& inputs,
                          std::optional<bool> training = std::nullopt);

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

// Restarts Keras' automatic layer names (dense, dense_1, ...): keras.backend.clear_session().
void clear_session();

// Keras' deserialize_keras_object for layers: rebuilds a layer from {"class_name", "config"}
// as get_config() wrote it (load_model uses this). Throws Error for an unknown class.
LayerPtr layer_from_config(const nlohmann::json& class_and_config);

}  // namespace bottleneck
