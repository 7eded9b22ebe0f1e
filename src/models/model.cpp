// keras.Model: the layer graph in Keras' order, batched forward and backward passes, weights.
#include "bottleneck/models/model.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "bottleneck/error.hpp"
#include "bottleneck/layers/input_layer.hpp"

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
    : name_(std::move(name)), rng_(seed) {
  set_graph(std::move(inputs), std::move(outputs));
}

Model::Model(std::string name, uint64_t seed) : name_(std::move(name)), rng_(seed) {}

Model::~Model() = default;

void Model::set_graph(SymbolicTensor inputs, SymbolicTensor outputs) {
  if (!inputs.node() || !outputs.node()) throw Error("model " + name_ + ": inputs and outputs must be given");
  if (!dynamic_cast<const InputLayer*>(inputs.node()->layer.get()))
    throw Error("model " + name_ + ": inputs must come from Input(), not from layer " + inputs.node()->layer->name());
  std::vector<const SymbolicNode*> order = keras_node_order(outputs.node().get());

  std::map<const SymbolicNode*, int> index;
  std::set<const Layer*> layers_seen;
  std::set<std::string> names_seen;
  std::vector<Node> nodes;
  for (const SymbolicNode* symbolic : order) {
    const LayerPtr& layer = symbolic->layer;
    if (symbolic->inputs.empty() && symbolic != inputs.node().get())
      throw Error("model " + name_ + ": output depends on input " + layer->name() + ", which is not the model's input");
    if (!layers_seen.insert(layer.get()).second)
      throw Error("model " + name_ + ": layer " + layer->name() + " is used twice (shared layers are not supported)");
    if (!names_seen.insert(layer->name()).second)
      throw Error("model " + name_ + ": two layers are named " + layer->name() + "; layer names must be unique");
    Node node;
    node.layer = layer;
    node.shape = symbolic->shape;
    for (const SymbolicTensor& input : symbolic->inputs) node.inputs.push_back(index.at(input.node().get()));
    index[symbolic] = static_cast<int>(nodes.size());
    nodes.push_back(std::move(node));
  }
  if (nodes.front().layer != inputs.node()->layer)
    throw Error("model " + name_ + ": output does not depend on input " + inputs.node()->layer->name());
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
}

std::vector<LayerPtr> Model::layers() const {
  std::vector<LayerPtr> result;
  for (const Node& node : nodes_) result.push_back(node.layer);
  return result;
}

LayerPtr Model::get_layer(const std::string& name) const {
  for (const Node& node : nodes_)
    if (node.layer->name() == name) return node.layer;
  throw Error("model " + name_ + " has no layer named " + name);
}

Shape Model::input_shape() const {
  if (!has_graph()) throw Error("model " + name_ + " has no layers yet");
  return nodes_.front().shape;
}

Shape Model::output_shape() const {
  if (!has_graph()) throw Error("model " + name_ + " has no layers yet");
  return nodes_.back().shape;
}

int64_t Model::count_params() const {
  int64_t count = 0;
  for (const LayerPtr& layer : layers()) count += layer->count_params();
  return count;
}

SymbolicTensor Model::operator()(const SymbolicTensor& x) const {
  if (!has_graph()) throw Error("model " + name_ + " has no layers yet");
  if (x.shape() != input_shape())
    throw Error("model " + name_ + " expects inputs of shape " + shape_to_string(input_shape()) + ", called on " +
                shape_to_string(x.shape()));
  std::vector<SymbolicTensor> outputs(nodes_.size());
  outputs[0] = x;
  for (size_t i = 1; i < nodes_.size(); ++i) {
    std::vector<SymbolicTensor> inputs;
    for (int input : nodes_[i].inputs) inputs.push_back(outputs[input]);
    outputs[i] = call_layer(nodes_[i].layer, inputs);
  }
  return outputs.back();
}

Tensor Model::forward(const Tensor& x, bool training) {
  if (!has_graph()) throw Error("model " + name_ + " has no layers yet");
  std::vector<Tensor> outputs(nodes_.size());
  std::vector<int> readers_left(nodes_.size());
  for (size_t i = 0; i < nodes_.size(); ++i) readers_left[i] = nodes_[i].consumers;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Node& node = nodes_[i];
    node.layer->backward_follows = training && node.backward_needed;
    if (i == 0) {
      outputs[0] = node.layer->forward({x}, training);
      continue;
    }
    std::vector<Tensor> inputs;
    for (int input : node.inputs) inputs.push_back(outputs[input]);
    outputs[i] = node.layer->forward(inputs, training);
    inputs.clear();
    // Free what no later layer reads (VGG16's activations are large).
    for (int input : node.inputs)
      if (--readers_left[input] == 0) outputs[input] = Tensor();
  }
  return outputs.back();
}

void Model::backward(const Tensor& output_gradient) {
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
}

void Model::prepare_training_step() {
  for (Node& node : nodes_) {
    node.backward_needed = false;
    if (node.inputs.empty()) continue;
    if (node.layer->trainable)
      for (const Parameter* p : node.layer->parameters()) node.backward_needed |= p->trainable && p->value.size() > 0;
    for (int input : node.inputs) node.backward_needed |= nodes_[input].backward_needed;
  }
}

std::vector<Parameter*> Model::trainable_parameters() const {
  std::vector<Parameter*> result;
  for (const Node& node : nodes_)
    if (node.layer->trainable)
      for (Parameter* p : node.layer->parameters())
        if (p->trainable) result.push_back(p);
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
    throw Error("set_weights: model " + name_ + " has " + std::to_string(targets.size()) + " weights, got " +
                std::to_string(weights.size()));
  for (size_t i = 0; i < targets.size(); ++i) {
    if (targets[i]->value.shape() != weights[i].shape())
      throw Error("set_weights: weight " + std::to_string(i) + " (" + targets[i]->name + ") has shape " +
                  shape_to_string(targets[i]->value.shape()) + ", got " + shape_to_string(weights[i].shape()));
    std::copy(weights[i].begin(), weights[i].end(), targets[i]->value.begin());
  }
}

}  // namespace bottleneck
