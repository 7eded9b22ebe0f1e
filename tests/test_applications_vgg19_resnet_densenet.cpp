// VGG19, ResNet50, ResNet50V2 and DenseNet121 against the fixtures' Keras models of the same
// architecture (filters divided by 8, so only the graph is compared, not the numbers): the
// same layers, classes, order, inputs and kernel/stride/padding/epsilon/pool configs; and the
// output shapes Keras publishes at the default size.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "bottleneck/applications.hpp"
#include "bottleneck/error.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

struct Network {
  std::string name;
  Shape default_output;
};

const std::vector<Network> networks = {
    {"vgg19", {7, 7, 512}},
    {"resnet50", {7, 7, 2048}},
    {"resnet50v2", {7, 7, 2048}},
    {"densenet121", {7, 7, 1024}},
};

// The names of the layers feeding each call of a Keras 2 layer entry.
std::vector<std::string> inbound_layer_names(const nlohmann::json& layer) {
  std::vector<std::string> names;
  for (const auto& call : layer["inbound_nodes"])
    for (const auto& input : call) names.push_back(input[0]);
  return names;
}

class ApplicationGraph : public ::testing::TestWithParam<Network> {};

TEST_P(ApplicationGraph, MatchesKerasTopology) {
  BOTTLENECK_REQUIRE_SHARED();
  const std::string name = GetParam().name;
  auto fixture = testing::shared_dir() / "fixtures" / "keras_models" / name;
  const nlohmann::json keras = nlohmann::json::parse(std::ifstream(fixture / "topology.json"))["config"]["layers"];
  auto model = application_by_name(name, {.weights = "random"});
  const nlohmann::json ours = model->get_config()["layers"];
  ASSERT_EQ(ours.size(), keras.size());
  for (size_t i = 0; i < keras.size(); ++i) {
    const nlohmann::json& k = keras[i];
    const nlohmann::json& o = ours[i];
    const std::string where = name + " layer " + std::to_string(i) + " " + std::string(k["config"]["name"]);
    ASSERT_EQ(o["config"]["name"], k["config"]["name"]) << where;
    EXPECT_EQ(o["class_name"], k["class_name"]) << where;
    EXPECT_EQ(inbound_layer_names(o), inbound_layer_names(k)) << where;
    for (const char* key : {"kernel_size", "strides", "padding", "epsilon", "pool_size", "use_bias", "activation"}) {
      if (!k["config"].contains(key)) continue;
      ASSERT_TRUE(o["config"].contains(key)) << where << " lacks " << key;
      EXPECT_EQ(o["config"][key], k["config"][key]) << where << " " << key;
    }
  }
}

TEST_P(ApplicationGraph, DefaultOutputShapeIsKeras) {
  const Network& network = GetParam();
  const Application& application = get_application(network.name);
  EXPECT_EQ(application.default_size.height, 224);
  auto model = application.build({.weights = "random"});
  EXPECT_EQ(model->output_shape(), network.default_output);
  EXPECT_EQ(application.build({.weights = "random", .pooling = "avg"})->output_shape(),
            Shape{network.default_output[2]});
  EXPECT_NO_THROW(model->get_layer(application.fine_tuning_cut)) << application.fine_tuning_cut;
}

TEST_P(ApplicationGraph, SmallestInputWorksAndSmallerIsRefused) {
  const Application& application = get_application(GetParam().name);
  auto model = application.build({.weights = "random", .input_shape = Shape{32, 32, 3}});
  EXPECT_EQ(model->output_shape()[0], 1);
  EXPECT_EQ(model->predict(Tensor(Shape{1, 32, 32, 3}, 0.5f)).shape()[1], 1);
  EXPECT_THROW(application.build({.weights = "random", .input_shape = Shape{31, 32, 3}}), Error);
}

INSTANTIATE_TEST_SUITE_P(Networks, ApplicationGraph, ::testing::ValuesIn(networks),
                         [](const auto& info) { return info.param.name; });

TEST(ApplicationGraph, ParameterCountsAreKerasSummaries) {
  // Keras' model.summary() totals for include_top=False.
  EXPECT_EQ(VGG19({.weights = "random"})->count_params(), 20024384);
  EXPECT_EQ(ResNet50({.weights = "random"})->count_params(), 23587712);
  EXPECT_EQ(ResNet50V2({.weights = "random"})->count_params(), 23564800);
  EXPECT_EQ(DenseNet121({.weights = "random"})->count_params(), 7037504);
}

}  // namespace
}  // namespace bottleneck
