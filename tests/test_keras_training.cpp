// Three Keras training steps on the models of ../shared/fixtures/keras_training (small
// MobileNetV2- and EfficientNet-like blocks, some with frozen BatchNormalization; traces made
// by TensorFlow.js layers with Keras' training rules and checked by PyTorch autograd): each
// step's loss, and every weight after it, moving statistics included, within 1e-4 relative.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "bottleneck/npy.hpp"
#include "bottleneck/saving.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;

class KerasTraining : public ::testing::TestWithParam<std::string> {};

TEST_P(KerasTraining, ThreeStepsMatchTheTrace) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path folder = testing::shared_dir() / "fixtures" / "keras_training" / GetParam();
  if (!fs::is_directory(folder)) GTEST_SKIP() << folder << " is absent";
  const nlohmann::json manifest = nlohmann::json::parse(std::ifstream(folder / "manifest.json"));
  const nlohmann::json& training = manifest.at("training");
  const nlohmann::json& optimizer = training.at("optimizer").at("keras2_config");

  std::unique_ptr<Model> model = load_model((folder / "model.h5").string());
  model->compile(optimizer_from_config({{"class_name", optimizer.at("name")}, {"config", optimizer}}),
                 training.at("loss").at("keras").get<std::string>());
  const Tensor inputs = load_npy((folder / "inputs.npy").string());
  const Tensor labels = load_npy((folder / "labels.npy").string());
  const Tensor losses = load_npy((folder / "losses.npy").string());
  const Samples x(inputs), y(labels);
  int step = 0;
  for (const nlohmann::json& batch : training.at("batches")) {
    const int64_t begin = batch.at(0).get<int64_t>(), end = batch.at(1).get<int64_t>();
    const double loss = model->train_on_batch(x.rows(begin, end), y.rows(begin, end)).at(0);
    EXPECT_NEAR(loss, losses[step], 1e-4 * std::max(1.0, std::abs(static_cast<double>(losses[step]))))
        << "step " << step + 1;
    ++step;
    std::unique_ptr<Model> expected = load_model((folder / "model.h5").string());
    expected->load_weights((folder / ("weights_step" + std::to_string(step) + ".h5")).string());
    const std::vector<Tensor> ours = model->get_weights(), theirs = expected->get_weights();
    ASSERT_EQ(ours.size(), theirs.size());
    for (size_t k = 0; k < ours.size(); ++k)
      EXPECT_LE(testing::max_relative_error(ours[k], theirs[k]), 1e-4) << "step " << step << ", weight " << k;
  }
}

// The same through the command line: `train --model FILE` on the inputs as `extract` lays them
// out, one epoch of batch 4 in order, writes the weights of the third step.
TEST(KerasTrainingCli, TrainFromAModelFileWritesTheThirdStepsWeights) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path folder = testing::shared_dir() / "fixtures" / "keras_training" / "mbv2_block_sgd";
  const fs::path work = testing::scratch_dir("train_model_file");
  fs::create_directories(work / "train");
  fs::copy_file(folder / "inputs.npy", work / "train" / "features.npy");
  const Tensor labels = load_npy((folder / "labels.npy").string());
  save_npy((work / "train" / "labels.npy").string(), std::vector<int32_t>(labels.begin(), labels.end()));
  const testing::CommandResult r = testing::run_cli(
      {"train", "--train", (work / "train").string(), "--model", (folder / "model.h5").string(), "-o",
       (work / "trained.h5").string(), "--epochs", "1", "--batch-size", "4", "--no-shuffle", "--optimizer", "sgd",
       "--lr", "0.01", "--momentum", "0.9", "--loss", "binary_crossentropy", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::unique_ptr<Model> trained = load_model((work / "trained.h5").string());
  std::unique_ptr<Model> expected = load_model((folder / "model.h5").string());
  expected->load_weights((folder / "weights_step3.h5").string());
  const std::vector<Tensor> ours = trained->get_weights(), theirs = expected->get_weights();
  ASSERT_EQ(ours.size(), theirs.size());
  for (size_t k = 0; k < ours.size(); ++k) EXPECT_LE(testing::max_relative_error(ours[k], theirs[k]), 1e-4) << k;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, KerasTraining,
                         ::testing::Values("mbv2_block_sgd", "mbv2_block_adam", "mbv2_block_frozen_sgd",
                                           "mbv2_block_frozen_adam", "effnet_block_sgd", "effnet_block_adam"));

}  // namespace
}  // namespace bottleneck
