// Training reproduces Keras: the head fixtures' per-epoch figures and final weights.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "bottleneck/layers/core.hpp"
#include "bottleneck/model.hpp"
#include "bottleneck/npy.hpp"
#include "bottleneck/weights_file.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;

fs::path fixture(const std::string& name) { return testing::shared_dir() / "fixtures" / "training" / name; }

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

void expect_relative(double got, double expected, const std::string& what) {
  EXPECT_LE(std::fabs(got - expected), 1e-4 * std::max(std::fabs(expected), 1e-6)) << what << ": got " << got
                                                                                   << ", expected " << expected;
}

void expect_tensor_close(const Tensor& got, const Tensor& expected, const std::string& what) {
  ASSERT_EQ(got.shape(), expected.shape()) << what;
  float peak = 0.0f;
  for (float v : expected) peak = std::max(peak, std::fabs(v));
  for (int64_t i = 0; i < got.size(); ++i)
    ASSERT_LE(std::fabs(got[i] - expected[i]), 1e-4f * peak) << what << " at " << i;
}

// The fixture's head, built as the seed builds it, with the fixture's initial weights.
std::unique_ptr<Model> fixture_head(const fs::path& dir) {
  clear_session();
  auto inputs = Input({2, 3, 8});
  auto x = Flatten()(inputs);
  x = Dense(16, "relu")(x);
  auto model = std::make_unique<Model>(inputs, Dense(1, "sigmoid")(x));
  model->load_weights((dir / "init_weights_keras2.h5").string());
  return model;
}

void check_trace(const std::string& name, std::shared_ptr<Optimizer> optimizer) {
  const fs::path dir = fixture(name);
  const nlohmann::json trace = read_json(dir / "trace.json");
  std::unique_ptr<Model> model = fixture_head(dir);
  expect_tensor_close(model->get_layer("dense")->parameters()[0]->value, load_npy((dir / "dense1_kernel_init.npy").string()),
                      "initial kernel");
  model->compile(std::move(optimizer), "binary_crossentropy", {"accuracy"});
  History history = model->fit(load_npy((dir / "x_train.npy").string()), load_npy((dir / "y_train.npy").string()),
                               {.epochs = trace["fit"]["epochs"].get<int>(),
                                .batch_size = trace["fit"]["batch_size"].get<int>(),
                                .verbose = 0,
                                .validation_data = ValidationData{load_npy((dir / "x_val.npy").string()),
                                                                  load_npy((dir / "y_val.npy").string())},
                                .shuffle = false});
  ASSERT_EQ(history.epoch().size(), trace["history"].size());
  for (size_t e = 0; e < history.epoch().size(); ++e)
    for (const char* key : {"loss", "acc", "val_loss", "val_acc"})
      expect_relative(history[key][e], trace["history"][e][key].get<double>(),
                      name + " epoch " + std::to_string(e + 1) + " " + key);

  const std::vector<std::pair<std::string, std::string>> finals{{"dense1_kernel_final.npy", "dense"},
                                                                {"dense1_bias_final.npy", "dense"},
                                                                {"dense2_kernel_final.npy", "dense_1"},
                                                                {"dense2_bias_final.npy", "dense_1"}};
  for (size_t i = 0; i < finals.size(); ++i)
    expect_tensor_close(model->get_layer(finals[i].second)->parameters()[i % 2]->value,
                        load_npy((dir / finals[i].first).string()), name + " " + finals[i].first);
}

TEST(Training, ReproducesKerasAdadeltaTrace) {
  BOTTLENECK_REQUIRE_SHARED();
  check_trace("head_adadelta", Adadelta());
}

TEST(Training, ReproducesKerasSgdMomentumTrace) {
  BOTTLENECK_REQUIRE_SHARED();
  check_trace("head_sgd_momentum", SGD({.lr = 0.01f, .momentum = 0.9f}));
}

TEST(Training, EvaluateAfterFitGivesTheLastValidationFigures) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path dir = fixture("head_adadelta");
  std::unique_ptr<Model> model = fixture_head(dir);
  model->compile("adadelta", "binary_crossentropy", {"accuracy"});
  Tensor x_val = load_npy((dir / "x_val.npy").string()), y_val = load_npy((dir / "y_val.npy").string());
  History history = model->fit(load_npy((dir / "x_train.npy").string()), load_npy((dir / "y_train.npy").string()),
                               {.epochs = 2, .batch_size = 16, .verbose = 0,
                                .validation_data = ValidationData{x_val, y_val}, .shuffle = false});
  std::vector<double> figures = model->evaluate(x_val, y_val, 16, 0);
  EXPECT_EQ(model->metrics_names(), (std::vector<std::string>{"loss", "acc"}));
  EXPECT_DOUBLE_EQ(figures[0], history["val_loss"].back());
  EXPECT_DOUBLE_EQ(figures[1], history["val_acc"].back());
}

TEST(Training, FitsFromMemoryMappedFeatures) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path dir = fixture("head_sgd_momentum");
  const nlohmann::json trace = read_json(dir / "trace.json");
  std::unique_ptr<Model> model = fixture_head(dir);
  model->compile(SGD({.lr = 0.01f, .momentum = 0.9f}), "binary_crossentropy", {"accuracy"});
  History history = model->fit(Samples::memory_map((dir / "x_train.npy").string()),
                               load_npy((dir / "y_train.npy").string()),
                               {.epochs = 3, .batch_size = 16, .verbose = 0,
                                .validation_data = ValidationData{Samples::memory_map((dir / "x_val.npy").string()),
                                                                  load_npy((dir / "y_val.npy").string())},
                                .shuffle = false});
  expect_relative(history["val_loss"].back(), trace["history"][2]["val_loss"].get<double>(), "mapped val_loss");
}

TEST(Training, ShufflingWithASeedIsReproducible) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path dir = fixture("head_adadelta");
  auto run = [&](uint64_t seed) {
    std::unique_ptr<Model> model = fixture_head(dir);
    model->compile("adadelta", "binary_crossentropy", {"accuracy"});
    return model->fit(load_npy((dir / "x_train.npy").string()), load_npy((dir / "y_train.npy").string()),
                      {.epochs = 2, .batch_size = 16, .verbose = 0, .shuffle = true, .seed = seed})["loss"];
  };
  EXPECT_EQ(run(5), run(5));
  EXPECT_NE(run(5), run(6));
}

TEST(Training, TheSeedsThirdProgramRunsAsAnExample) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path dir = fixture("head_adadelta");
  const fs::path weights = testing::scratch_dir("example_train_head") / "bottleneck_fc_model.h5";
  const std::string command = std::string(BOTTLENECK_BINARY_DIR) + "/example_train_head " +
                              (dir / "x_train.npy").string() + " " + (dir / "x_val.npy").string() + " " +
                              (dir / "y_train.npy").string() + " " + (dir / "y_val.npy").string() + " --weights " +
                              weights.string() + " 2>&1";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe)) output += buffer;
  ASSERT_EQ(pclose(pipe), 0) << output;
  EXPECT_EQ(output.rfind("Train on 64 samples, validate on 40 samples\nEpoch 1/10\n", 0), 0u) << output;
  EXPECT_NE(output.find("Epoch 10/10"), std::string::npos);
  WeightsFile file = read_weights_file(weights.string());
  std::vector<std::string> names;
  for (const LayerWeights& layer : file.layers) names.push_back(layer.name);
  EXPECT_EQ(names, (std::vector<std::string>{"flatten", "dense", "dropout", "dense_1"}));
}

}  // namespace
}  // namespace bottleneck
