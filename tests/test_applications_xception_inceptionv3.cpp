// Xception and InceptionV3 against Keras' own graphs: the fixtures hold each network as
// keras.applications builds it (include_top=False) with its filter counts divided by 8, so
// every layer's name, class, inputs and shape-deciding settings must match ours in Keras'
// layer order; the default size gives the published feature shape.
#include <gtest/gtest.h>

#include <fstream>

#include "bottleneck/applications.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/transfer/fine_tuning.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

using testing::shared_dir;

struct NetworkCase {
  std::string model;      // --model name, also the fixture folder
  Shape fixture_input;    // the fixture's input shape
  Shape default_output;   // keras.applications' output at the default 299x299
  int64_t too_small;      // one below the minimum size
};

const NetworkCase cases[] = {
    {"xception", {71, 71, 3}, {10, 10, 2048}, 70},
    {"inceptionv3", {75, 75, 3}, {8, 8, 2048}, 74},
};

void PrintTo(const NetworkCase& c, std::ostream* os) { *os << c.model; }

class KerasApplication : public ::testing::TestWithParam<NetworkCase> {};

// The names a layer's first call reads.
std::vector<std::string> inbound_names(const nlohmann::json& layer) {
  std::vector<std::string> names;
  const nlohmann::json& nodes = layer["inbound_nodes"];
  if (!nodes.empty())
    for (const nlohmann::json& input : nodes[0]) names.push_back(input[0]);
  return names;
}

TEST_P(KerasApplication, LayersMatchKerasGraphInOrder) {
  BOTTLENECK_REQUIRE_SHARED();
  const NetworkCase& c = GetParam();
  nlohmann::json keras = nlohmann::json::parse(
      std::ifstream(shared_dir() / "fixtures" / "keras_models" / c.model / "topology.json"))["config"]["layers"];
  auto model = application_by_name(c.model, {.weights = "random", .input_shape = c.fixture_input});
  nlohmann::json ours = model->get_config()["layers"];
  ASSERT_EQ(ours.size(), keras.size());
  const char* settings[] = {"kernel_size", "strides", "padding", "pool_size", "epsilon", "use_bias",
                            "scale", "center", "dilation_rate", "depth_multiplier", "activation"};
  for (size_t i = 0; i < keras.size(); ++i) {
    const nlohmann::json& k = keras[i];
    const nlohmann::json& o = ours[i];
    const std::string name = k["config"]["name"];
    ASSERT_EQ(o["name"], name) << "layer " << i;
    EXPECT_EQ(o["class_name"], k["class_name"]) << name;
    EXPECT_EQ(inbound_names(o), inbound_names(k)) << name;
    for (const char* key : settings)
      if (k["config"].contains(key)) EXPECT_EQ(o["config"][key], k["config"][key]) << name << " " << key;
    if (k["class_name"] == "Concatenate") EXPECT_EQ(o["config"]["axis"], k["config"]["axis"]) << name;
  }
}

TEST_P(KerasApplication, DefaultSizeGivesPublishedFeatureShape) {
  const NetworkCase& c = GetParam();
  const Application& application = get_application(c.model);
  EXPECT_EQ(application.default_size.height, 299);
  EXPECT_EQ(application.default_size.width, 299);
  auto model = application.build({.weights = "random"});
  EXPECT_EQ(model->output_shape(), c.default_output);
  // The fine-tuning cut names a layer of the network.
  bool found = false;
  for (const LayerPtr& layer : model->layers()) found = found || layer->name() == application.fine_tuning_cut;
  EXPECT_TRUE(found) << application.fine_tuning_cut;
}

TEST_P(KerasApplication, RefusesInputBelowKerasMinimum) {
  const NetworkCase& c = GetParam();
  EXPECT_THROW(application_by_name(c.model, {.weights = "random", .input_shape = Shape{c.too_small, 200, 3}}), Error);
  EXPECT_NO_THROW(application_by_name(c.model, {.weights = "random", .input_shape = Shape{c.too_small + 1, c.too_small + 1, 3}}));
}

TEST_P(KerasApplication, AutomaticNamesDoNotDependOnEarlierModels) {
  // Weights load by name, so a second build names its unnamed layers as the first did.
  const NetworkCase& c = GetParam();
  auto first = application_by_name(c.model, {.weights = "random", .input_shape = c.fixture_input});
  auto second = application_by_name(c.model, {.weights = "random", .input_shape = c.fixture_input});
  std::vector<std::string> first_names, second_names;
  for (const LayerPtr& layer : first->layers()) first_names.push_back(layer->name());
  for (const LayerPtr& layer : second->layers()) second_names.push_back(layer->name());
  EXPECT_EQ(first_names, second_names);
}

TEST_P(KerasApplication, SplitsAtFineTuningCutIntoPrefixAndSuffix) {
  // The cut is a single boundary: the frozen prefix then the trainable suffix compute what
  // the whole network does, and the suffix holds exactly the layers from the cut on.
  const NetworkCase& c = GetParam();
  auto model = application_by_name(c.model, {.weights = "random", .input_shape = c.fixture_input, .seed = 3});
  const std::string& cut = get_application(c.model).fine_tuning_cut;
  ModelSplit split = split_model(*model, cut);
  std::vector<std::string> from_cut, suffix;
  bool reached = false;
  for (const LayerPtr& layer : model->layers()) {
    reached = reached || layer->name() == cut;
    if (reached) from_cut.push_back(layer->name());
  }
  for (const LayerPtr& layer : split.trainable_suffix->layers())
    if (layer->class_name() != "InputLayer") suffix.push_back(layer->name());
  EXPECT_EQ(suffix, from_cut);

  Shape batch_shape{2};
  batch_shape.insert(batch_shape.end(), c.fixture_input.begin(), c.fixture_input.end());
  std::vector<float> values(static_cast<size_t>(2 * c.fixture_input[0] * c.fixture_input[1] * 3));
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>((i * 37) % 200) / 100.0f - 1.0f;
  Tensor x(batch_shape, values);
  Tensor whole = model->predict_on_batch(x);
  Tensor in_two = split.trainable_suffix->predict_on_batch(split.frozen_prefix->predict_on_batch(x));
  EXPECT_LE(testing::max_relative_error(in_two, whole), 1e-5);
}

INSTANTIATE_TEST_SUITE_P(Networks, KerasApplication, ::testing::ValuesIn(cases),
                         [](const auto& info) { return info.param.model; });

TEST(KerasApplicationRecords, PreprocessAndPublishedWeights) {
  for (const char* name : {"xception", "inceptionv3"}) {
    const Application& application = get_application(name);
    EXPECT_EQ(application.preprocess, "tf") << name;
    ASSERT_TRUE(application.imagenet) << name;
    EXPECT_EQ(application.imagenet->md5.size(), 32u) << name;
  }
  EXPECT_EQ(get_application("xception").imagenet->md5, "b0042744bf5b25fce3cb969f33bebb97");
  EXPECT_EQ(get_application("inceptionv3").imagenet->md5, "bcbd6486424b2319ff4ef7d526e38f63");
  EXPECT_EQ(get_application("xception").minimum_size, 71);
  EXPECT_EQ(get_application("inceptionv3").minimum_size, 75);
}

}  // namespace
}  // namespace bottleneck
