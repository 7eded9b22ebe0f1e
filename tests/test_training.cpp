// Training reproduces Keras: the head fixtures' per-epoch figures and final weights.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "bottleneck/error.hpp"
#include "bottleneck/layers.hpp"
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

TEST(Training, ValidationSplitTakesTheLastFractionBeforeShuffling) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path dir = fixture("head_adadelta");
  std::unique_ptr<Model> model = fixture_head(dir);
  model->compile("adadelta", "binary_crossentropy", {"accuracy"});
  Tensor x = load_npy((dir / "x_train.npy").string()), y = load_npy((dir / "y_train.npy").string());
  History history = model->fit(x, y, {.epochs = 1, .batch_size = 16, .verbose = 0, .validation_split = 0.25, .seed = 3});
  std::vector<double> last_quarter = model->evaluate(x.slice(48, 64), y.slice(48, 64), 16, 0);
  EXPECT_DOUBLE_EQ(history["val_loss"][0], last_quarter[0]);
  EXPECT_DOUBLE_EQ(history["val_acc"][0], last_quarter[1]);
}

// A model that cannot improve (learning rate 0): its figures stay put epoch after epoch.
std::unique_ptr<Model> frozen_in_place(const fs::path& dir) {
  std::unique_ptr<Model> model = fixture_head(dir);
  model->compile(SGD({.lr = 0.0f}), "binary_crossentropy", {"accuracy"});
  return model;
}

TEST(Callbacks, EarlyStoppingEndsTrainingAfterPatienceEpochsWithoutImprovement) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path dir = fixture("head_adadelta");
  std::unique_ptr<Model> model = frozen_in_place(dir);
  auto stopper = std::make_shared<EarlyStopping>(EarlyStoppingOptions{.monitor = "val_loss", .patience = 2});
  Tensor x_val = load_npy((dir / "x_val.npy").string()), y_val = load_npy((dir / "y_val.npy").string());
  History history = model->fit(load_npy((dir / "x_train.npy").string()), load_npy((dir / "y_train.npy").string()),
                               {.epochs = 10, .batch_size = 16, .verbose = 0, .callbacks = {stopper},
                                .validation_data = ValidationData{x_val, y_val}});
  EXPECT_EQ(history.epoch().size(), 3u);  // best at epoch 1, then two epochs without improvement
  EXPECT_EQ(stopper->stopped_epoch(), 2);
}

TEST(Callbacks, EarlyStoppingCanRestoreTheBestWeights) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path dir = fixture("head_adadelta");
  std::unique_ptr<Model> model = fixture_head(dir);
  // A learning rate this large makes the validation loss worse after the first epoch.
  model->compile(SGD({.lr = 50.0f}), "binary_crossentropy", {"accuracy"});
  auto stopper = std::make_shared<EarlyStopping>(EarlyStoppingOptions{.patience = 1, .restore_best_weights = true});
  Tensor x_val = load_npy((dir / "x_val.npy").string()), y_val = load_npy((dir / "y_val.npy").string());
  History history = model->fit(load_npy((dir / "x_train.npy").string()), load_npy((dir / "y_train.npy").string()),
                               {.epochs = 20, .batch_size = 16, .verbose = 0, .callbacks = {stopper},
                                .validation_data = ValidationData{x_val, y_val}, .shuffle = false});
  ASSERT_LT(history.epoch().size(), 20u);
  const std::vector<double>& val_loss = history["val_loss"];
  const double best = *std::min_element(val_loss.begin(), val_loss.end());
  EXPECT_NEAR(model->evaluate(x_val, y_val, 16, 0)[0], best, 1e-6 * std::max(1.0, best));
}

TEST(Callbacks, ModelCheckpointSavesTheBestEpochsUnderFormattedNames) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path dir = fixture("head_adadelta");
  const fs::path out = testing::scratch_dir("checkpoints");
  std::unique_ptr<Model> model = fixture_head(dir);
  model->compile("adadelta", "binary_crossentropy", {"accuracy"});
  auto checkpoint = std::make_shared<ModelCheckpoint>((out / "head.{epoch:02d}-{val_loss:.2f}.h5").string(),
                                                      ModelCheckpointOptions{.save_best_only = true});
  Tensor x_val = load_npy((dir / "x_val.npy").string()), y_val = load_npy((dir / "y_val.npy").string());
  History history = model->fit(load_npy((dir / "x_train.npy").string()), load_npy((dir / "y_train.npy").string()),
                               {.epochs = 3, .batch_size = 16, .verbose = 0, .callbacks = {checkpoint},
                                .validation_data = ValidationData{x_val, y_val}, .shuffle = false});
  // The fixture's validation loss falls every epoch (0.8446, 0.8223, 0.8091): three files.
  for (const char* name : {"head.01-0.84.h5", "head.02-0.82.h5", "head.03-0.81.h5"}) {
    ASSERT_TRUE(fs::exists(out / name)) << name;
    EXPECT_TRUE(read_weights_file((out / name).string()).model_config.has_value());
  }
}

TEST(Callbacks, CheckpointPathsFormatLikePython) {
  Logs logs;
  logs.set("loss", 0.123456);
  logs.set("val_acc", 0.5);
  EXPECT_EQ(format_checkpoint_path("w.{epoch:03d}.h5", 7, logs), "w.007.h5");
  EXPECT_EQ(format_checkpoint_path("{epoch}-{loss:.3f}-{val_acc}.h5", 12, logs), "12-0.123-0.5.h5");
  EXPECT_EQ(format_checkpoint_path("{{literal}}-{loss:.1e}", 1, logs), "{literal}-1.2e-01");
  EXPECT_THROW(format_checkpoint_path("{val_loss:.2f}.h5", 1, logs), Error);
  EXPECT_THROW(format_checkpoint_path("{loss:*f}.h5", 1, logs), Error);
}

TEST(Callbacks, HistoryCsvFollowsKerasCsvLogger) {
  History history;
  for (int epoch = 0; epoch < 2; ++epoch) {
    Logs logs;
    logs.set("loss", 0.5 / (epoch + 1));
    logs.set("acc", 0.75);
    logs.set("val_loss", 0.625);
    logs.set("val_acc", 0.1);
    history.record(epoch, logs);
  }
  EXPECT_EQ(history.keys(), (std::vector<std::string>{"loss", "acc", "val_loss", "val_acc"}));
  EXPECT_EQ(history.to_csv(), "epoch,acc,loss,val_acc,val_loss\n0,0.75,0.5,0.1,0.625\n1,0.75,0.25,0.1,0.625\n");
  EXPECT_THROW(history["mae"], Error);
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
