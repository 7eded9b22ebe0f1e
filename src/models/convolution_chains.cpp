#include "models/convolution_chains.hpp"

#include <optional>

#include "bottleneck/layers/activation.hpp"
#include "bottleneck/layers/add.hpp"
#include "bottleneck/layers/batch_normalization.hpp"
#include "bottleneck/layers/conv2d.hpp"
#include "bottleneck/layers/depthwise_conv2d.hpp"
#include "bottleneck/layers/pooling2d.hpp"
#include "bottleneck/layers/relu.hpp"
#include "layers/activated_convolution.hpp"
#include "layers/activation_functions.hpp"

namespace bottleneck::detail {

namespace {

ActivatedConvolution* convolution_of(Layer* layer) {
  if (auto* conv = dynamic_cast<Conv2DLayer*>(layer)) return &conv->activated_convolution();
  if (auto* depthwise = dynamic_cast<DepthwiseConv2DLayer*>(layer)) return &depthwise->activated_convolution();
  return nullptr;
}

// An Activation or ReLU layer as one oneDNN function, when it is one.
std::optional<backend::Eltwise> function_of(const Layer* layer) {
  if (const auto* activation = dynamic_cast<const ActivationLayer*>(layer))
    return inference_function(activation->activation());
  if (const auto* relu = dynamic_cast<const ReLULayer*>(layer)) {
    const ReLUOptions& o = relu->options();
    if (o.threshold != 0.0f) return std::nullopt;
    if (!o.max_value) return backend::Eltwise{dnnl::algorithm::eltwise_relu, o.negative_slope};
    if (o.negative_slope == 0.0f) return backend::Eltwise{dnnl::algorithm::eltwise_clip, 0.0f, *o.max_value};
  }
  return std::nullopt;
}

// The one later node reading each node's output, if exactly one does (and not the model's
// output: `consumers` counts that too), else -1.
std::vector<int> sole_readers(const std::vector<GraphNode>& nodes) {
  std::vector<int> reader(nodes.size(), -1);
  for (size_t i = 0; i < nodes.size(); ++i)
    for (int input : *nodes[i].inputs)
      if (nodes[input].consumers == 1) reader[input] = static_cast<int>(i);
  return reader;
}

}  // namespace

std::map<int, ConvolutionChain> plan_convolution_chains(const std::vector<GraphNode>& nodes) {
  const std::vector<int> reader = sole_readers(nodes);
  std::vector<bool> claimed(nodes.size());  // absorbed by a chain planned before
  std::map<int, ConvolutionChain> chains;
  for (size_t first = 0; first < nodes.size(); ++first) {
    ActivatedConvolution* convolution = convolution_of(nodes[first].layer);
    if (!convolution || !nodes[first].inference || !convolution->fuses_activation()) continue;
    backend::Precision precision = precision_of(nodes[first].layer->dtype_policy());
    if (precision == backend::Precision::bfloat16)
      precision = backend::convolution_precision(precision, convolution->input_channels_per_group());
    ConvolutionChain chain{.convolution_node = static_cast<int>(first),
                           .convolution = convolution,
                           .precision = precision,
                           .constant_weights_generation = nodes[first].constant_weights_generation};
    bool activated = convolution->activation() != ActivationKind::linear;
    for (int at = static_cast<int>(first), next; (next = reader[at]) >= 0 && nodes[next].inference && !claimed[next];
         at = next) {
      Layer* layer = nodes[next].layer;
      if (const auto* bn = dynamic_cast<const BatchNormalizationLayer*>(layer); bn && !activated && chain.absorbed.empty()) {
        chain.normalization = bn;
      } else if (auto function = function_of(layer)) {
        chain.post_ops.push_back({backend::PostOp::eltwise, *function});
        activated = true;
      } else if (dynamic_cast<const AddLayer*>(layer) && nodes[next].inputs->size() == 2 && chain.residual_node < 0) {
        const std::vector<int>& operands = *nodes[next].inputs;
        const int other = operands[0] == at ? operands[1] : operands[0];
        if (other == at || *nodes[other].shape != *nodes[at].shape) break;  // x + x, or a broadcast
        chain.residual_node = other;
        chain.post_ops.push_back({backend::PostOp::sum});
      } else {
        break;
      }
      chain.absorbed.push_back(next);
    }
    // A convolution alone is a chain too: it runs as an inference primitive, and its output
    // can stay bfloat16 for the next one.
    claimed[first] = true;
    for (int node : chain.absorbed) claimed[node] = true;
    const int last = chain.absorbed.empty() ? static_cast<int>(first) : chain.absorbed.back();
    chains.emplace(last, std::move(chain));
  }
  return chains;
}

std::vector<bool> bfloat16_outputs(const std::vector<GraphNode>& nodes, const std::map<int, ConvolutionChain>& chains) {
  std::vector<int> bfloat16_reads(nodes.size());
  for (const auto& [last, chain] : chains) {
    if (chain.precision != backend::Precision::bfloat16) continue;
    ++bfloat16_reads[nodes[chain.convolution_node].inputs->at(0)];
    if (chain.residual_node >= 0) ++bfloat16_reads[chain.residual_node];
  }
  // `consumers` counts every reader, the model's output too.
  auto only_bfloat16_readers = [&](size_t node) {
    return nodes[node].consumers > 0 && bfloat16_reads[node] == nodes[node].consumers;
  };
  std::vector<bool> bfloat16(nodes.size());
  // Later nodes first: a pooling passes bfloat16 on when its readers take it, and then reads it.
  for (size_t node = nodes.size(); node-- > 0;)
    if (dynamic_cast<Pooling2DLayer*>(nodes[node].layer) && nodes[node].inference && only_bfloat16_readers(node)) {
      bfloat16[node] = true;
      ++bfloat16_reads[nodes[node].inputs->at(0)];
    }
  for (const auto& [last, chain] : chains)
    bfloat16[last] = chain.precision == backend::Precision::bfloat16 && only_bfloat16_readers(last);
  return bfloat16;
}

backend::FeatureMap run_convolution_chain(const ConvolutionChain& chain, const backend::FeatureMap& x,
                                          const backend::FeatureMap& residual, bool bfloat16_output) {
  Tensor scale, shift;
  if (chain.normalization) chain.normalization->inference_affine(scale, shift);
  return chain.convolution->infer(x, scale, shift, chain.post_ops, residual, chain.precision,
                                  chain.constant_weights_generation, bfloat16_output);
}

}  // namespace bottleneck::detail
