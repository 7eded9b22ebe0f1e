#pragma once
// keras.Model: a DAG of layers from Input to output, with the Trainer's compile / fit /
// evaluate / predict. A Model is a Layer too: called inside another model it runs as one
// layer (Keras' nested models), and a layer may be called several times (shared layers).
//   Model model(inputs, outputs);
//   model.compile("adadelta", "binary_crossentropy", {"accuracy"});
//   model.fit(x, y, {.epochs = 10});
//   model.save("head.h5");
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bottleneck/layers/layer.hpp"
#include "bottleneck/tensor.hpp"
#include "bottleneck/training/trainer.hpp"

namespace bottleneck {

struct WeightsFile;

class Model : public Layer, public Trainer {
public:
  // Builds every layer not built yet, in layer order, from a generator seeded with `seed`
  // (glorot_uniform kernels, zero biases; Dropout masks).
  Model(SymbolicTensor inputs, SymbolicTensor outputs, std::string name = "model", uint64_t seed = 0);
  ~Model() override;

  std::string class_name() const override { return "Model"; }
  // Keras' order: by depth from the input, then by discovery from the output; a shared layer
  // once. A functional model lists its InputLayer; a Sequential does not.
  virtual std::vector<LayerPtr> layers() const;
  LayerPtr get_layer(const std::string& name) const;  // throws Error naming the missing layer
  // Keras' get_layer(name).output: what the layer's call produced (an Error when it is missing
  // or called more than once).
  SymbolicTensor get_layer_output(const std::string& name) const;
  const SymbolicTensor& input() const { return input_; }
  const SymbolicTensor& output() const { return output_; }
  Shape input_shape() const;   // without the batch axis
  Shape output_shape() const override;  // without the batch axis
  int64_t count_params() const;

  // As a layer inside another model (its weights are its layers' weights, in layer order).
  Shape compute_output_shape(const std::vector<Shape>& input_shapes) const override;
  Tensor forward(const std::vector<Tensor>& inputs, bool training) override;
  std::vector<Tensor> backward(const Tensor& output_gradient, bool need_input_gradients) override;
  std::vector<Parameter*> parameters() override;
  // On the model and every layer in it, nested models' too.
  void set_dtype_policy(const DTypePolicy& policy) override;
  // model.summary() as Keras 2.2 prints it.
  std::string summary() const;

  // Calls this model's layers on `x` (Keras' model(x)): composes models functionally, e.g.
  // Model(base.input(), head(base.output())). The layers, and so the weights, are shared.
  SymbolicTensor operator()(const SymbolicTensor& x) const;

  // keras get_weights / set_weights: copies of every weight, in layer order (kernel, bias).
  std::vector<Tensor> get_weights() const override;
  void set_weights(const std::vector<Tensor>& weights) override;  // throws Error on a count or shape mismatch

  // Files (implemented in src/saving/). Weights: every layer with weights, in layer order,
  // matched by name (see weights_file.hpp).
  void load_weights(const std::string& path);
  void load_weights(const WeightsFile& file, const std::string& path_for_errors);
  void save_weights(const std::string& path) const override;
  // model.save: Keras 2 layout (model_config, training_config, model_weights); load_model()
  // and Keras read it back.
  void save(const std::string& path) const override;
  nlohmann::json get_config() const override;  // {"name", "layers", "input_layers", "output_layers"}
  std::string to_json() const;                // {"class_name", "config", "keras_version", "backend"}

protected:
  Model(std::string name, uint64_t seed);  // Sequential: the graph comes with add()
  void set_graph(SymbolicTensor inputs, SymbolicTensor outputs);
  bool has_graph() const { return !nodes_.empty(); }

private:
  struct Node {
    LayerPtr layer;
    std::vector<int> inputs;        // indices of earlier nodes
    Shape shape;                    // output shape without the batch axis
    std::optional<bool> training;   // the call's training argument, when given
    int consumers = 0;              // how many later nodes (or the model output) read this one
    bool backward_needed = false;   // a gradient must reach it: it or something before it trains
  };

  // The Trainer's hooks.
  const std::string& model_name() const override { return name(); }
  Tensor forward_pass(const Tensor& x, bool training) override;
  void backward_pass(const Tensor& output_gradient) override;
  std::vector<Parameter*> trainable_parameters() const override;
  void prepare_training_step() override;
  void set_batch_share(BatchShare share) override { batch_share = share; }
  void hold_weights_constant(bool held) override;

  // Sets Node::backward_needed from the layers' trainable flags, the input node's from
  // `input_needs_gradient`; returns whether any node needs a backward pass.
  bool prepare_backward(bool input_needs_gradient);
  // The graph's forward (with `backward` whether a backward pass follows) and backward
  // (returning the input's gradient when asked).
  Tensor run_forward(const Tensor& x, bool training, bool backward);
  Tensor run_backward(const Tensor& output_gradient, bool need_input_gradient);

  Rng rng_;
  SymbolicTensor input_, output_;
  std::vector<Node> nodes_;  // in layers() order, the input first, the output last
  int constant_weights_holds_ = 0;
  uint64_t held_generation_ = 0;  // this model's own hold's number while constant_weights_holds_ > 0
};

}  // namespace bottleneck
