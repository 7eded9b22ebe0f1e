#pragma once
// keras.Model (a DAG of layers from Input to output), Sequential, and their training API:
//   Model model(inputs, outputs);
//   model.compile("adadelta", "binary_crossentropy", {"accuracy"});
//   History history = model.fit(x, y, {.epochs = 10, .batch_size = 32,
//                                      .validation_data = ValidationData{xv, yv}});
//   model.save("head.h5");
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bottleneck/callbacks.hpp"
#include "bottleneck/layer.hpp"
#include "bottleneck/losses.hpp"
#include "bottleneck/metrics.hpp"
#include "bottleneck/optimizers.hpp"
#include "bottleneck/tensor.hpp"

namespace bottleneck {

class NpyMap;
struct WeightsFile;

// Rows of samples for fit / evaluate / predict: a tensor in memory, or a memory-mapped float32
// .npy whose rows are read from disk only when a batch needs them (data larger than RAM).
class Samples {
public:
  Samples(const Tensor& x);  // implicit, as Keras takes numpy arrays
  explicit Samples(std::shared_ptr<const NpyMap> map);
  static Samples memory_map(const std::string& npy_path);

  const Shape& shape() const { return shape_; }  // with the batch axis
  int64_t rows() const { return shape_.empty() ? 0 : shape_[0]; }
  // Rows [begin, end), sharing storage with the source (a view).
  Samples slice(int64_t begin, int64_t end) const;
  // A tensor of rows[begin, end) (copied from a map; shared for a tensor).
  Tensor rows(int64_t begin, int64_t end) const;
  // A tensor of the rows whose indices are given, in that order.
  Tensor gather(const int64_t* indices, int64_t count) const;
  // The same into `batch`, whose storage is reused when it already has the right shape
  // (fit() gathers every batch of an epoch into one buffer).
  void gather(const int64_t* indices, int64_t count, Tensor& batch) const;

private:
  Tensor tensor_;                       // in memory; unused for a map
  std::shared_ptr<const NpyMap> map_;  // keeps the mapping alive
  const float* data_ = nullptr;         // first row of this view
  Shape shape_;
};

// Where fit and evaluate take their batches from: arrays (Samples), or images streamed from
// a DirectoryIterator with its augmentation (Keras' fit_generator / evaluate_generator).
class BatchSource {
public:
  virtual ~BatchSource() = default;
  virtual int64_t samples() const = 0;
  // Starts a pass over the data (a new order when shuffling).
  virtual void begin_epoch() = 0;
  // The next batch of the pass into x and y (storage may be reused); false after the last.
  virtual bool next(Tensor& x, Tensor& y) = 0;
};

struct ValidationData {
  Samples x;
  Samples y;
};

// keras Model.fit's arguments.
struct FitOptions {
  int epochs = 1;
  int batch_size = 32;
  int verbose = 1;  // 0 silent, 1 progress bar (live on a terminal), 2 one line per epoch
  std::vector<std::shared_ptr<Callback>> callbacks;
  double validation_split = 0.0;  // the last fraction of x, y, taken before shuffling
  std::optional<ValidationData> validation_data;
  bool shuffle = true;
  uint64_t seed = 0;  // of the shuffling order
  int initial_epoch = 0;
};

class Model {
public:
  // Builds every layer not built yet, in layer order, from a generator seeded with `seed`
  // (glorot_uniform kernels, zero biases; Dropout masks).
  Model(SymbolicTensor inputs, SymbolicTensor outputs, std::string name = "model", uint64_t seed = 0);
  virtual ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const std::string& name() const { return name_; }
  virtual std::string class_name() const { return "Model"; }
  // Keras' order: by depth from the input, then by discovery from the output. A functional
  // model lists its InputLayer; a Sequential does not.
  virtual std::vector<LayerPtr> layers() const;
  LayerPtr get_layer(const std::string& name) const;  // throws Error naming the missing layer
  const SymbolicTensor& input() const { return input_; }
  const SymbolicTensor& output() const { return output_; }
  Shape input_shape() const;   // without the batch axis
  Shape output_shape() const;  // without the batch axis
  int64_t count_params() const;
  // model.summary() as Keras 2.2 prints it.
  std::string summary() const;

  // Calls this model's layers on `x` (Keras' model(x)): composes models functionally, e.g.
  // Model(base.input(), head(base.output())). The layers, and so the weights, are shared.
  SymbolicTensor operator()(const SymbolicTensor& x) const;

  // keras get_weights / set_weights: copies of every weight, in layer order (kernel, bias).
  std::vector<Tensor> get_weights() const;
  void set_weights(const std::vector<Tensor>& weights);  // throws Error on a count or shape mismatch

  // Weights: every layer with weights, in layer order, matched by name (see weights_file.hpp).
  void load_weights(const std::string& path);
  void load_weights(const WeightsFile& file, const std::string& path_for_errors);
  void save_weights(const std::string& path) const;
  // model.save: Keras 2 layout (model_config, training_config, model_weights); load_model()
  // and Keras read it back.
  void save(const std::string& path) const;
  virtual nlohmann::json get_config() const;  // {"name", "layers", "input_layers", "output_layers"}
  std::string to_json() const;                // {"class_name", "config", "keras_version", "backend"}

  // Training.
  void compile(std::shared_ptr<Optimizer> optimizer, const std::string& loss,
               const std::vector<std::string>& metrics = {});
  void compile(const std::string& optimizer, const std::string& loss,
               const std::vector<std::string>& metrics = {});
  bool compiled() const { return loss_ != nullptr; }
  const std::shared_ptr<Optimizer>& optimizer() const { return optimizer_; }
  const std::shared_ptr<Loss>& loss() const { return loss_; }
  const std::vector<std::string>& metrics() const { return metric_requests_; }  // as compile() got them
  std::vector<std::string> metrics_names() const;  // "loss", then the metrics as logged ("acc")

  History fit(const Samples& x, const Samples& y, const FitOptions& options = {});
  // From any batch source; options' data fields (validation, shuffle, batch_size) are the
  // sources' business here.
  History fit(BatchSource& train, BatchSource* validation, const FitOptions& options = {});
  // Loss then metrics (metrics_names() order), means over the whole set in batches.
  std::vector<double> evaluate(const Samples& x, const Samples& y, int batch_size = 32, int verbose = 1);
  std::vector<double> evaluate(BatchSource& batches, int verbose = 1);
  // Batched forward in inference mode; intermediate outputs are freed as soon as no later
  // layer needs them.
  Tensor predict(const Samples& x, int batch_size = 32, int verbose = 0);

  // One update on one batch; returns the loss and metrics of the batch before the update.
  std::vector<double> train_on_batch(const Tensor& x, const Tensor& y);
  std::vector<double> test_on_batch(const Tensor& x, const Tensor& y);
  Tensor predict_on_batch(const Tensor& x);

  bool stop_training = false;  // callbacks set it to end fit() after the current epoch

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

  Tensor forward(const Tensor& x, bool training);
  void backward(const Tensor& output_gradient);
  void mark_backward_nodes();  // sets Node::backward_needed from the layers' trainable flags
  std::vector<Parameter*> trainable_parameters() const;
  std::vector<double> batch_figures(const Tensor& y, const Tensor& prediction) const;

  std::string name_;
  Rng rng_;
  SymbolicTensor input_, output_;
  std::vector<Node> nodes_;  // in layers() order, the input first, the output last
  std::shared_ptr<Optimizer> optimizer_;
  std::shared_ptr<Loss> loss_;
  std::vector<std::shared_ptr<Metric>> metrics_;
  std::vector<std::string> metric_requests_;
};

// keras.Sequential: layers applied one after the other. The input shape comes first:
//   Sequential model;  model.add(Input({7, 11, 512}));  model.add(Flatten());  ...
class Sequential : public Model {
public:
  explicit Sequential(std::string name = "sequential", uint64_t seed = 0);
  Sequential(const SymbolicTensor& input, const std::vector<LayerPtr>& layers,
             std::string name = "sequential", uint64_t seed = 0);

  std::string class_name() const override { return "Sequential"; }
  void add(const SymbolicTensor& input);  // an Input(): must come first
  void add(const LayerPtr& layer);        // built at once with the model's generator
  std::vector<LayerPtr> layers() const override;
  nlohmann::json get_config() const override;  // {"name", "layers"}, Keras 2.2's layout

private:
  SymbolicTensor sequence_input_;
  SymbolicTensor sequence_output_;
};

// keras.models.load_model: a model.save file (ours or Keras 2's) with its architecture,
// weights and, when present, its compile settings.
std::unique_ptr<Model> load_model(const std::string& path);
// keras.models.model_from_json: the architecture only (freshly initialised weights).
std::unique_ptr<Model> model_from_json(const std::string& json, uint64_t seed = 0);

}  // namespace bottleneck
