// Inference fusion: which layers run inside a convolution's primitive (the plan), and that a
// model computes the same with them fused as its layers do one by one.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "bottleneck/layers.hpp"
#include "bottleneck/model.hpp"
#include "models/convolution_chains.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

using detail::ConvolutionChain;
using detail::GraphNode;

// A graph by hand: each node a layer, its inputs, shape and readers (the last node also
// read as the model's output).
struct Graph {
  std::vector<LayerPtr> layers;
  std::vector<std::vector<int>> inputs;
  std::vector<Shape> shapes;
  std::vector<bool> inference;

  int add(LayerPtr layer, std::vector<int> from, Shape shape = {8, 8, 6}, bool in_inference = true) {
    layers.push_back(std::move(layer));
    inputs.push_back(std::move(from));
    shapes.push_back(std::move(shape));
    inference.push_back(in_inference);
    return static_cast<int>(layers.size()) - 1;
  }

  std::vector<GraphNode> nodes() const {
    std::vector<int> consumers(layers.size());
    for (const auto& from : inputs)
      for (int i : from) ++consumers[i];
    ++consumers.back();  // the model's output
    std::vector<GraphNode> result;
    for (size_t i = 0; i < layers.size(); ++i)
      result.push_back({layers[i].get(), &inputs[i], &shapes[i], consumers[i], inference[i]});
    return result;
  }
  std::map<int, ConvolutionChain> plan() const { return detail::plan_convolution_chains(nodes()); }
};

LayerPtr conv(const std::string& activation = "linear") {
  return Conv2D(6, {.kernel_h = 1, .kernel_w = 1, .activation = activation}).get();
}

TEST(ConvolutionChains, ResidualBlockRunsAsThreeConvolutions) {
  Graph g;
  const int x = g.add(Input({8, 8, 6}).node()->layer, {});
  const int a = g.add(conv(), {x});
  const int a_bn = g.add(BatchNormalization().get(), {a});
  const int a_relu = g.add(Activation("relu").get(), {a_bn});
  const int b = g.add(conv(), {a_relu});
  const int b_bn = g.add(BatchNormalization().get(), {b});
  const int shortcut = g.add(conv(), {x});
  const int shortcut_bn = g.add(BatchNormalization().get(), {shortcut});
  const int sum = g.add(Add().get(), {b_bn, shortcut_bn});
  const int out = g.add(ReLU({.max_value = 6.0f}).get(), {sum});

  const auto chains = g.plan();
  ASSERT_EQ(chains.size(), 3u);
  const ConvolutionChain& first = chains.at(a_relu);
  EXPECT_EQ(first.convolution_node, a);
  EXPECT_EQ(first.absorbed, (std::vector<int>{a_bn, a_relu}));
  EXPECT_NE(first.normalization, nullptr);
  ASSERT_EQ(first.post_ops.size(), 1u);
  EXPECT_EQ(first.post_ops[0].function.algorithm, dnnl::algorithm::eltwise_relu);
  // The Add goes to the first of the two convolutions that reach it, never to both; the other
  // ends at its normalization and is the residual.
  const ConvolutionChain& second = chains.at(out);
  EXPECT_EQ(second.convolution_node, b);
  EXPECT_EQ(second.absorbed, (std::vector<int>{b_bn, sum, out}));
  EXPECT_EQ(second.residual_node, shortcut_bn);
  ASSERT_EQ(second.post_ops.size(), 2u);
  EXPECT_EQ(second.post_ops[0].kind, backend::PostOp::sum);
  EXPECT_EQ(second.post_ops[1].function.algorithm, dnnl::algorithm::eltwise_clip);
  const ConvolutionChain& third = chains.at(shortcut_bn);
  EXPECT_EQ(third.convolution_node, shortcut);
  EXPECT_EQ(third.absorbed, (std::vector<int>{shortcut_bn}));
  EXPECT_EQ(second.post_ops[1].function.beta, 6.0f);
}

TEST(ConvolutionChains, StopsWhereAnotherLayerReadsTrainsOrBroadcasts) {
  Graph g;
  const int x = g.add(Input({8, 8, 6}).node()->layer, {});
  const int a = g.add(conv(), {x});
  const int a_bn = g.add(BatchNormalization().get(), {a});
  const int a_relu = g.add(Activation("relu").get(), {a_bn});
  g.add(Activation("relu").get(), {a_bn});  // a second reader of a_bn
  const int b = g.add(conv(), {a_relu});
  g.add(BatchNormalization().get(), {b}, {8, 8, 6}, /*in_inference=*/false);  // a training call
  const int c = g.add(conv(), {x});
  const int scale = g.add(conv(), {x}, {1, 1, 6});
  const int product = g.add(Add().get(), {c, scale});  // broadcasts (1, 1, 6): not a residual
  const int d = g.add(conv("selu"), {product});      // no oneDNN function: not fused
  g.add(BatchNormalization().get(), {d});

  const auto chains = g.plan();
  // a absorbs its normalization only; b, c and scale run alone (a convolution alone is a chain
  // too); d, whose activation oneDNN lacks, is no chain.
  ASSERT_EQ(chains.size(), 4u);
  EXPECT_EQ(chains.at(a_bn).convolution_node, a);
  EXPECT_EQ(chains.at(a_bn).absorbed, (std::vector<int>{a_bn}));
  for (int alone : {b, c, scale}) {
    ASSERT_TRUE(chains.count(alone)) << alone;
    EXPECT_EQ(chains.at(alone).convolution_node, alone);
    EXPECT_TRUE(chains.at(alone).absorbed.empty());
  }
  EXPECT_FALSE(chains.count(d));
}

TEST(ConvolutionChains, ANormalizationAfterTheActivationIsNotFolded) {
  Graph g;
  const int x = g.add(Input({8, 8, 6}).node()->layer, {});
  const int a = g.add(conv("relu"), {x});
  g.add(BatchNormalization().get(), {a});
  const auto chains = g.plan();
  ASSERT_EQ(chains.size(), 1u);
  EXPECT_TRUE(chains.at(a).absorbed.empty()) << "the convolution runs alone";
  EXPECT_EQ(chains.at(a).normalization, nullptr);
}

TEST(ConvolutionChains, FeatureMapsStayBfloat16OnlyBetweenItsReaders) {
  BOTTLENECK_REQUIRE_BFLOAT16();
  auto conv16 = [] {  // 16 input channels: it multiplies in bfloat16
    LayerPtr layer = Conv2D(16, {.kernel_h = 1, .kernel_w = 1}).get();
    layer->set_dtype_policy(DTypePolicy("mixed_bfloat16"));
    Rng rng(1);
    layer->build({{8, 8, 16}}, rng);
    return layer;
  };
  Graph g;
  const Shape shape{8, 8, 16};
  const int x = g.add(Input(shape).node()->layer, {}, shape);
  const int a = g.add(conv16(), {x}, shape);                      // read by b alone
  const int b = g.add(conv16(), {a}, shape);                      // read by the pooling alone
  const int pool = g.add(MaxPooling2D({.pool_h = 1, .pool_w = 1}).get(), {b}, shape);  // read by c alone
  const int c = g.add(conv16(), {pool}, shape);                   // read by d and by a Flatten
  g.add(Flatten().get(), {c}, {8 * 8 * 16});
  const int d = g.add(conv16(), {c}, shape);                      // the model's output
  const std::vector<GraphNode> nodes = g.nodes();
  const std::vector<bool> bfloat16 = detail::bfloat16_outputs(nodes, detail::plan_convolution_chains(nodes));
  EXPECT_TRUE(bfloat16[a]);
  EXPECT_TRUE(bfloat16[b]) << "a pooling read by a bfloat16 convolution takes bfloat16";
  EXPECT_TRUE(bfloat16[pool]);
  EXPECT_FALSE(bfloat16[c]) << "Flatten reads float32";
  EXPECT_FALSE(bfloat16[d]) << "the model's output is float32";
  EXPECT_FALSE(bfloat16[x]);
}

void randomize(Tensor& t, std::mt19937& random, float low, float high) {
  std::uniform_real_distribution<float> uniform(low, high);
  for (float& v : t) v = uniform(random);
}

void randomize(BatchNormalizationLayer& bn, std::mt19937& random) {
  randomize(bn.gamma().value, random, 0.5f, 1.5f);
  randomize(bn.beta().value, random, -0.5f, 0.5f);
  randomize(bn.moving_mean().value, random, -0.3f, 0.3f);
  randomize(bn.moving_variance().value, random, 0.2f, 2.0f);
}

// max |a - b| / rms(b)
double relative_error(const Tensor& a, const Tensor& b) {
  double worst = 0.0, squares = 0.0;
  for (int64_t i = 0; i < a.size(); ++i) {
    worst = std::max(worst, std::abs(static_cast<double>(a[i]) - b[i]));
    squares += static_cast<double>(b[i]) * b[i];
  }
  return worst / std::sqrt(squares / static_cast<double>(b.size()));
}

TEST(ConvolutionChains, FusedModelComputesWhatItsLayersDoOneByOne) {
  clear_session();
  auto input = Input({9, 11, 5});
  auto conv_a = Conv2D(8, {.kernel_h = 3, .kernel_w = 3, .stride_h = 2, .stride_w = 2, .padding = "same",
                           .use_bias = false});
  auto bn_a = BatchNormalization({.epsilon = 1.001e-5});
  auto relu6 = ReLU({.max_value = 6.0f});
  auto depthwise = DepthwiseConv2D({.padding = "same", .depth_multiplier = 2});
  auto bn_d = BatchNormalization({.center = false});
  auto swish = Activation("swish");
  auto project = Conv2D(8, {.kernel_h = 1, .kernel_w = 1});
  auto bn_p = BatchNormalization({.scale = false});
  auto sum = Add();
  auto last = Activation("relu");
  SymbolicTensor a = relu6(bn_a(conv_a(input)));
  SymbolicTensor out = last(sum({a, bn_p(project(swish(bn_d(depthwise(a)))))}));
  Model model(input, out);

  std::mt19937 random(7);
  for (auto* bn : {&*bn_a, &*bn_d, &*bn_p}) randomize(*bn, random);
  randomize(project->bias().value, random, -0.2f, 0.2f);
  randomize(depthwise->bias().value, random, -0.2f, 0.2f);
  Tensor x({3, 9, 11, 5});
  randomize(x, random, -2.0f, 2.0f);

  auto one = [](Layer& layer, std::vector<Tensor> inputs) { return layer.forward(inputs, false); };
  Tensor ya = one(*relu6, {one(*bn_a, {one(*conv_a, {x})})});
  Tensor yd = one(*swish, {one(*bn_d, {one(*depthwise, {ya})})});
  Tensor expected = one(*last, {one(*sum, {ya, one(*bn_p, {one(*project, {yd})})})});

  Tensor y = model.predict(x);
  ASSERT_EQ(y.shape(), expected.shape());
  EXPECT_LT(relative_error(y, expected), 1e-5);
  double squares = 0.0;
  for (float v : expected) squares += static_cast<double>(v) * v;
  EXPECT_GT(std::sqrt(squares / static_cast<double>(expected.size())), 0.1) << "the check compares something";
}

}  // namespace
}  // namespace bottleneck
