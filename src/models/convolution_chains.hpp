#pragma once
// Inference-time fusion. A Conv2D or DepthwiseConv2D and the layers that only post-process its
// output run as one oneDNN convolution: a BatchNormalization in inference mode folded into the
// kernel and bias, activations and the Add of a residual as the primitive's post-ops. Each of
// those layers would otherwise read and write the whole feature map once more (in ResNet50 they
// took 45% of the time the convolutions took).
#include <map>
#include <vector>

#include "backend/convolution.hpp"
#include "bottleneck/layers/layer.hpp"

namespace bottleneck {
class BatchNormalizationLayer;
}

namespace bottleneck::detail {

class ActivatedConvolution;

// What the planner sees of one node of a model's graph.
struct GraphNode {
  Layer* layer;
  const std::vector<int>* inputs;  // earlier nodes' indices
  const Shape* shape;              // output shape without the batch axis
  int consumers;                   // later nodes (or the model's output) reading this one
  bool inference;                  // runs in inference mode, with no backward pass after it
  uint64_t constant_weights_generation = 0;  // the layer's (see Layer)
};

struct ConvolutionChain {
  int convolution_node = 0;
  std::vector<int> absorbed;  // the later nodes the chain computes too, in order; the last is its output
  int residual_node = -1;     // the node whose output an absorbed Add sums in, or -1
  ActivatedConvolution* convolution = nullptr;
  backend::Precision precision = backend::Precision::float32;  // what the convolution multiplies in
  uint64_t constant_weights_generation = 0;                    // the convolution layer's
  const BatchNormalizationLayer* normalization = nullptr;  // folded into the kernel, or null
  std::vector<backend::PostOp> post_ops;                   // after the convolution's own activation
};

// The chains of a graph whose nodes are in execution order, keyed by the node that gives each
// chain's output (it runs there: every input of the chain is ready by then).
std::map<int, ConvolutionChain> plan_convolution_chains(const std::vector<GraphNode>& nodes);

// Per node: whether its output is bfloat16. A chain's is when the chain computes in bfloat16
// and only readers of bfloat16 read it: chains computing in bfloat16 (as their convolution's
// input or as the residual they sum), and window poolings at inference whose own readers are
// such chains (they pool the bfloat16 values). The model's output, and anything another
// layer reads, stays float32.
std::vector<bool> bfloat16_outputs(const std::vector<GraphNode>& nodes, const std::map<int, ConvolutionChain>& chains);

// The chain's output for the convolution's input `x` and, when it sums one, `residual`;
// bfloat16 when asked.
backend::FeatureMap run_convolution_chain(const ConvolutionChain& chain, const backend::FeatureMap& x,
                                          const backend::FeatureMap& residual, bool bfloat16_output);

}  // namespace bottleneck::detail
