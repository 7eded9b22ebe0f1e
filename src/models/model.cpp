// keras.Model: the layer graph in Keras' order, batched forward and backward passes, weights.
#include "bottleneck/models/model.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <set>
#include <string>

#include "backend/pooling.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/layers/input_layer.hpp"
#include "bottleneck/layers/pooling2d.hpp"
#include "models/convolution_chains.hpp"

namespace bottleneck {

namespace {

// Keras' Network._init_graph_network ordering: depth-first from the output assigns each layer
// a discovery index; nodes are ordered by depth (longest path to the output), deepest first,
// ties broken by discovery index. For a chain this is simply the call order.
std::vector<const SymbolicNode*> keras_node_order(const SymbolicNode* output) {
  std::map<const SymbolicNode*, int> discovery;
  std::vector<const SymbolicNode*> post_order;
  std::set<const SymbolicNode*> finished;
  // Iterative DFS: (node, next input to visit).
  std::vector<std::pair<const SymbolicNode*, size_t>> stack{{output, 0}};
  discovery[output] = 0;
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->inputs.size()) {
      const SymbolicNode* child = node->inputs[next++].node().get();
      if (finished.count(child)) continue;
      discovery.emplace(child, static_cast<int>(discovery.size()));
      stack.push_back({child, 0});
    } else {
      finished.insert(node);
      post_order.push_back(node);
      stack.pop_back();
    }
  }
  std::map<const SymbolicNode*, int> depth;
  for (auto it = post_order.rbegin(); it != post_order.rend(); ++it) {
    int d = depth[*it];
    for (const SymbolicTensor& input : (*it)->inputs) {
      int& child_depth = depth[input.node().get()];
      child_depth = std::max(child_depth, d + 1);
    }
  }
  std::vector<const SymbolicNode*> order = post_order;
  std::stable_sort(order.begin(), order.end(), [&](const SymbolicNode* a, const SymbolicNode* b) {
    if (depth[a] != depth[b]) return depth[a] > depth[b];
    return discovery[a] < discovery[b];
  });
  return order;
}

}  // namespace

Model::Model(SymbolicTensor inputs, SymbolicTensor outputs, std::string name, uint64_t seed)
    : Layer(std::move(name)), rng_(seed) {
  set_graph(std::move(inputs), std::move(outputs));
}

Model::Model(std::string name, uint64_t seed) : Layer(std::move(name)), rng_(seed) {}

Model::~Model() = default;

void Model::set_graph(SymbolicTensor inputs, SymbolicTensor outputs) {
  if (!inputs.node() || !outputs.node()) throw Error("model " + name() + ": inputs and outputs must be given");
  if (!dynamic_cast<const InputLayer*>(inputs.node()->layer.get()))
    throw Error("model " + name() + ": inputs must come from Input(), not from layer " + inputs.node()->layer->name());
  std::vector<const SymbolicNode*> order = keras_node_order(outputs.node().get());

  std::map<const SymbolicNode*, int> index;
  std::map<std::string, const Layer*> layers_by_name;
  std::vector<Node> nodes;
  for (const SymbolicNode* symbolic : order) {
    const LayerPtr& layer = symbolic->layer;
    if (symbolic->inputs.empty() && symbolic != inputs.node().get())
      throw Error("model " + name() + ": output depends on input " + layer->name() + ", which is not the model's input");
    auto [named, inserted] = layers_by_name.emplace(layer->name(), layer.get());
    if (!inserted && named->second != layer.get())
      throw Error("model " + name() + ": two layers are named " + layer->name() + "; layer names must be unique");
    Node node;
    node.layer = layer;
    node.shape = symbolic->shape;
    node.training = symbolic->training;
    for (const SymbolicTensor& input : symbolic->inputs) node.inputs.push_back(index.at(input.node().get()));
    index[symbolic] = static_cast<int>(nodes.size());
    nodes.push_back(std::move(node));
  }
  if (nodes.front().layer != inputs.node()->layer)
    throw Error("model " + name() + ": output does not depend on input " + inputs.node()->layer->name());
  for (Node& node : nodes)
    for (int input : node.inputs) ++nodes[input].consumers;
  ++nodes.back().consumers;  // the model's output is read by the caller

  for (Node& node : nodes) {
    if (node.layer->built()) continue;
    std::vector<Shape> input_shapes;
    for (int input : node.inputs) input_shapes.push_back(nodes[input].shape);
    node.layer->build(input_shapes, rng_);
  }
  nodes_ = std::move(nodes);
  input_ = std::move(inputs);
  output_ = std::move(outputs);
  built_ = true;
}

std::vector<LayerPtr> Model::layers() const {
  std::vector<LayerPtr> result;
  std::set<const Layer*> listed;
  for (const Node& node : nodes_)
    if (listed.insert(node.layer.get()).second) result.push_back(node.layer);
  return result;
}

void Model::set_dtype_policy(const DTypePolicy& policy) {
  Layer::set_dtype_policy(policy);
  for (const Node& node : nodes_)
    if (node.layer.get() != this) node.layer->set_dtype_policy(policy);
}

LayerPtr Model::get_layer(const std::string& name) const {
  for (const Node& node : nodes_)
    if (node.layer->name() == name) return node.layer;
  throw Error("model " + this->name() + " has no layer named " + name);
}

SymbolicTensor Model::get_layer_output(const std::string& name) const {
  std::vector<SymbolicTensor> pending{output_}, found;
  std::set<const SymbolicNode*> seen;
  while (!pending.empty()) {
    SymbolicTensor x = pending.back();
    pending.pop_back();
    if (!x.node() || !seen.insert(x.node().get()).second) continue;
    if (x.node()->layer->name() == name) found.push_back(x);
    for (const SymbolicTensor& input : x.node()->inputs) pending.push_back(input);
  }
  if (found.empty()) throw Error("model " + this->name() + " has no layer named " + name);
  if (found.size() > 1)
    throw Error("layer " + name + " is called " + std::to_string(found.size()) +
                " times in model " + this->name() + ": its output is ambiguous");
  return found.front();
}

Shape Model::input_shape() const {
  if (!has_graph()) throw Error("model " + name() + " has no layers yet");
  return nodes_.front().shape;
}

Shape Model::output_shape() const {
  if (!has_graph()) throw Error("model " + name() + " has no layers yet");
  return nodes_.back().shape;
}

int64_t Model::count_params() const {
  int64_t count = 0;
  for (const LayerPtr& layer : layers()) count += layer->count_params();
  return count;
}

Shape Model::compute_output_shape(const std::vector<Shape>& input_shapes) const {
  if (input_shapes.size() != 1 || input_shapes[0] != input_shape())
    throw Error("model " + name() + " takes one input of shape " + shape_to_string(input_shape()));
  return output_shape();
}

std::vector<Parameter*> Model::parameters() {
  std::vector<Parameter*> result;
  for (const LayerPtr& layer : layers())
    for (Parameter* p : layer->parameters()) result.push_back(p);
  return result;
}

SymbolicTensor Model::operator()(const SymbolicTensor& x) const {
  if (!has_graph()) throw Error("model " + name() + " has no layers yet");
  if (x.shape() != input_shape())
    throw Error("model " + name() + " expects inputs of shape " + shape_to_string(input_shape()) + ", called on " +
                shape_to_string(x.shape()));
  std::vector<SymbolicTensor> outputs(nodes_.size());
  outputs[0] = x;
  for (size_t i = 1; i < nodes_.size(); ++i) {
    std::vector<SymbolicTensor> inputs;
    for (int input : nodes_[i].inputs) inputs.push_back(outputs[input]);
    outputs[i] = call_layer(nodes_[i].layer, inputs, nodes_[i].training);
  }
  return outputs.back();
}

Tensor Model::forward_pass(const Tensor& x, bool training) { return run_forward(x, training, training); }

void Model::backward_pass(const Tensor& output_gradient) { run_backward(output_gradient, false); }

Tensor Model::forward(const std::vector<Tensor>& inputs, bool training) {
  if (inputs.size() != 1) throw Error("model " + name() + " takes one input, got " + std::to_string(inputs.size()));
  return run_forward(inputs[0], training, backward_follows);
}

std::vector<Tensor> Model::backward(const Tensor& output_gradient, bool need_input_gradients) {
  return {run_backward(output_gradient, need_input_gradients)};
}

void Model::hold_weights_constant(bool held) {
  // Every hold gets a number never used before, so nothing derived under an earlier one
  // (before the weights last changed) is taken for current.
  static std::atomic<uint64_t> last_generation{0};
  if (held && constant_weights_holds_++ == 0) held_generation_ = ++last_generation;
  if (!held && constant_weights_holds_ > 0 && --constant_weights_holds_ == 0) held_generation_ = 0;
}

Tensor Model::run_forward(const Tensor& x, bool training, bool backward) {
  if (!has_graph()) throw Error("model " + name() + " has no layers yet");
  const size_t count = nodes_.size();
  // Held by this model, or by a model this one is a layer of.
  const uint64_t generation = held_generation_ ? held_generation_ : constant_weights_generation;
  std::vector<detail::GraphNode> graph;
  graph.reserve(count);
  for (Node& node : nodes_) {
    node.layer->backward_follows = backward && node.backward_needed;
    node.layer->batch_share = batch_share;
    node.layer->constant_weights_generation = node.layer->backward_follows ? 0 : generation;
    graph.push_back({node.layer.get(), &node.inputs, &node.shape, node.consumers,
                     !node.training.value_or(training) && !node.layer->backward_follows,
                     node.layer->constant_weights_generation});
  }
  // Convolutions with what follows them run as one primitive, at their chain's last node.
  const std::map<int, detail::ConvolutionChain> chains = detail::plan_convolution_chains(graph);
  std::vector<bool> runs_in_a_chain(count);
  for (const auto& [last, chain] : chains) {
    runs_in_a_chain[chain.convolution_node] = true;
    for (int node : chain.absorbed) runs_in_a_chain[node] = node != last;
  }

  const std::vector<bool> bfloat16_output = detail::bfloat16_outputs(graph, chains);

  std::vector<backend::FeatureMap> outputs(count);
  std::vector<int> readers_left(count);
  for (size_t i = 0; i < count; ++i) readers_left[i] = nodes_[i].consumers;
  // Frees what no later layer reads (VGG16's activations are large).
  auto read = [&](int input) {
    if (--readers_left[input] == 0) outputs[input] = backend::FeatureMap();
  };
  for (size_t i = 0; i < count; ++i) {
    Node& node = nodes_[i];
    const bool node_training = node.training.value_or(training);
    if (i == 0) {
      outputs[0] = backend::FeatureMap(node.layer->forward({x}, node_training));
      continue;
    }
    if (auto chain = chains.find(static_cast<int>(i)); chain != chains.end()) {
      const int source = nodes_[chain->second.convolution_node].inputs.at(0), residual = chain->second.residual_node;
      outputs[i] = detail::run_convolution_chain(chain->second, outputs[source],
                                                 residual >= 0 ? outputs[residual] : backend::FeatureMap(),
                                                 bfloat16_output[i]);
      read(source);
      if (residual >= 0) read(residual);
      continue;
    }
    if (runs_in_a_chain[i]) continue;
    if (bfloat16_output[i]) {  // a pooling between convolutions that keep bfloat16
      const int source = node.inputs.at(0);
      outputs[i] = static_cast<Pooling2DLayer&>(*node.layer).backend_pooling().forward_inference(outputs[source].as(true));
      read(source);
      continue;
    }
    std::vector<Tensor> inputs;
    for (int input : node.inputs) inputs.push_back(outputs[input].to_float32());
    outputs[i] = backend::FeatureMap(node.layer->forward(inputs, node_training));
    inputs.clear();
    for (int input : node.inputs) read(input);
  }
  return outputs.back().to_float32();
}


Tensor Model::run_backward(const Tensor& output_gradient, bool need_input_gradient) {
  std::vector<Tensor> gradients(nodes_.size());
  gradients.back() = output_gradient;
  for (size_t i = nodes_.size(); i-- > 1;) {
    Node& node = nodes_[i];
    if (!node.backward_needed || gradients[i].empty()) continue;
    bool need_input_gradients = false;
    for (int input : node.inputs) need_input_gradients |= nodes_[input].backward_needed;
    std::vector<Tensor> input_gradients = node.layer->backward(gradients[i], need_input_gradients);
    gradients[i] = Tensor();
    if (!need_input_gradients) continue;
    if (input_gradients.size() != node.inputs.size())
      throw Error("layer " + node.layer->name() + " returned " + std::to_string(input_gradients.size()) +
                  " input gradients for " + std::to_string(node.inputs.size()) + " inputs");
    for (size_t k = 0; k < node.inputs.size(); ++k) {
      Tensor& target = gradients[node.inputs[k]];
      const Tensor& incoming = input_gradients[k];
      if (!nodes_[node.inputs[k]].backward_needed) continue;
      if (target.empty()) {
        target = incoming;
      } else {
        // A tensor read by several layers: its gradient is the sum (into fresh storage, as
        // either operand may be a view of a layer's own buffer).
        Tensor sum(target.shape());
        for (int64_t j = 0; j < sum.size(); ++j) sum[j] = target[j] + incoming[j];
        target = sum;
      }
    }
  }
  return need_input_gradient ? gradients.front() : Tensor();
}

void Model::prepare_training_step() { prepare_backward(false); }

bool Model::prepare_backward(bool input_needs_gradient) {
  std::map<const Layer*, int> calls_needing_backward;
  bool any = false;
  for (Node& node : nodes_) {
    if (node.inputs.empty()) {
      node.backward_needed = input_needs_gradient;
      continue;
    }
    bool input_needs = false;
    for (int input : node.inputs) input_needs |= nodes_[input].backward_needed;
    bool trains = false;
    if (auto* nested = dynamic_cast<Model*>(node.layer.get()))
      trains = nested->trainable && nested->prepare_backward(input_needs);
    else if (node.layer->trainable)
      for (const Parameter* p : node.layer->parameters()) trains |= p->trainable && p->value.size() > 0;
    node.backward_needed = trains || input_needs;
    any |= node.backward_needed;
    // A layer keeps one call's state for its backward pass: a shared layer cannot be
    // trained through.
    if (node.backward_needed && ++calls_needing_backward[node.layer.get()] > 1)
      throw Error("model " + name() + ": layer " + node.layer->name() +
                  " is called more than once (a shared layer) and cannot be trained through; freeze it and "
                  "everything before it");
  }
  return any;
}

std::vector<Parameter*> Model::trainable_parameters() const {
  std::vector<Parameter*> result;
  for (const LayerPtr& layer : layers()) {
    if (!layer->trainable) continue;
    if (auto* nested = dynamic_cast<Model*>(layer.get())) {
      std::vector<Parameter*> inner = nested->trainable_parameters();
      result.insert(result.end(), inner.begin(), inner.end());
      continue;
    }
    for (Parameter* p : layer->parameters())
      if (p->trainable) result.push_back(p);
  }
  return result;
}

std::vector<Tensor> Model::get_weights() const {
  std::vector<Tensor> weights;
  for (const LayerPtr& layer : layers())
    for (const Parameter* p : layer->parameters()) weights.push_back(p->value.clone());
  return weights;
}

void Model::set_weights(const std::vector<Tensor>& weights) {
  std::vector<Parameter*> targets;
  for (const LayerPtr& layer : layers())
    for (Parameter* p : layer->parameters()) targets.push_back(p);
  if (targets.size() != weights.size())
    throw Error("set_weights: model " + name() + " has " + std::to_string(targets.size()) + " weights, got " +
                std::to_string(weights.size()));
  for (size_t i = 0; i < targets.size(); ++i) {
    if (targets[i]->value.shape() != weights[i].shape())
      throw Error("set_weights: weight " + std::to_string(i) + " (" + targets[i]->name + ") has shape " +
                  shape_to_string(targets[i]->value.shape()) + ", got " + shape_to_string(weights[i].shape()));
    std::copy(weights[i].begin(), weights[i].end(), targets[i]->value.begin());
  }
}

}  // namespace bottleneck
