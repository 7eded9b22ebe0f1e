#pragma once
// keras.Model: a DAG of layers from Input to output, with the Trainer's compile / fit /
// evaluate / predict:
//   Model model(inputs, outputs);
//   model.compile("adadelta", "binary_crossentropy", {"accuracy"});
//   model.fit(x, y, {.epochs = 10});
//   model.save("head.h5");
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bottleneck/layers/layer.hpp"
#include "bottleneck/tensor.hpp"
#include "bottleneck/training/trainer.hpp"

namespace bottleneck {

struct WeightsFile;

class Model : public Trainer {
public:
  // Builds every layer not built yet, in layer order, from a generator seeded with `seed`
  // (glorot_uniform kernels, zero biases; Dropout masks).
  Model(SymbolicTensor inputs, SymbolicTensor outputs, std::string name = "model", uint64_t seed = 0);
  virtual ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const std::string& name() const override { return name_; }
  virtual std::string class_name() const { return "Model"; }
  // Keras' order: by depth from the input, then by discovery from the output. A functional
  // model lists its InputLayer; a Sequential does not.
  virtual std::vector<LayerPtr> layers() const;
  LayerPtr get_layer(const std::string& name) const;  // throws Error naming the missing layer
  const SymbolicTensor& input() const { return input_; }
  const SymbolicTensor& output() const { return output_; }
  Shape input_shape() const;   // without the batch axis
  Shape output_shape() const override;  // without the batch axis
  int64_t count_params() const;
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
  virtual nlohmann::json get_config() const;  // {"name", "layers", "input_layers", "output_layers"}
  std::string to_json() const;                // {"class_name", "config", "keras_version", "backend"}

protected:
  Model(std::string name, uint64_t seed);  // Sequential: the graph comes with add()
  void set_graph(SymbolicTensor inputs, SymbolicTensor outputs);
  bool has_graph() const { return !nodes_.empty(); }

private:
  struct Node {
    LayerPtr layer;
    std::vector<int> inputs;  // indices of earlier nodes
    Shape shape;              // output shape without the batch axis
    int consumers = 0;        // how many later nodes (or the model output) read this one
    bool backward_needed = false;  // it has trainable weights, or something before it has
  };

  // The Trainer's hooks.
  Tensor forward(const Tensor& x, bool training) override;
  void backward(const Tensor& output_gradient) override;
  std::vector<Parameter*> trainable_parameters() const override;
  void prepare_training_step() override;  // sets Node::backward_needed from the layers' trainable flags

  std::string name_;
  Rng rng_;
  SymbolicTensor input_, output_;
  std::vector<Node> nodes_;  // in layers() order, the input first, the output last
};

}  // namespace bottleneck
