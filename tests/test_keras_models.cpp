// Every model of ../shared/fixtures/keras_models (made by TensorFlow.js layers, Google's
// JavaScript port of Keras, cross-checked by PyTorch) loaded from its Keras 2 model.h5 and
// its Keras 3 model.keras: the output and each recorded intermediate output within
// max|diff| / rms 1e-4 of the reference.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "bottleneck/npy.hpp"
#include "bottleneck/saving.hpp"
#include "bottleneck/transfer/feature_extraction.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;

double error_over_rms(const Tensor& ours, const Tensor& expected) {
  EXPECT_EQ(ours.shape(), expected.shape());
  if (ours.shape() != expected.shape()) return INFINITY;
  double max_diff = 0, squares = 0;
  for (int64_t i = 0; i < expected.size(); ++i) {
    max_diff = std::max(max_diff, std::abs(static_cast<double>(ours[i]) - expected[i]));
    squares += static_cast<double>(expected[i]) * expected[i];
  }
  return max_diff / std::sqrt(squares / static_cast<double>(expected.size()));
}

class KerasModels : public ::testing::TestWithParam<std::string> {};

TEST_P(KerasModels, MatchTheReferenceFromBothFormats) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path folder = testing::shared_dir() / "fixtures" / "keras_models" / GetParam();
  if (!fs::is_directory(folder)) GTEST_SKIP() << folder << " is absent";
  const Tensor inputs = load_npy((folder / "inputs.npy").string());
  for (const char* file : {"model.h5", "model.keras"}) {
    SCOPED_TRACE(file);
    std::unique_ptr<Model> model = load_model((folder / file).string());
    const double final_error = error_over_rms(model->predict(inputs), load_npy((folder / "expected.npy").string()));
    EXPECT_LE(final_error, 1e-4);
    std::printf("%s %s: output max|diff|/rms %.2e\n", GetParam().c_str(), file, final_error);
    for (const auto& entry : fs::directory_iterator(folder)) {
      const std::string name = entry.path().filename().string();
      if (!name.starts_with("expected_")) continue;
      std::string layer = name.substr(9, name.size() - 9 - 4);
      for (size_t at; (at = layer.find("__")) != std::string::npos;) layer.replace(at, 2, "/");
      std::unique_ptr<Model> cut = features_of(load_model((folder / file).string()), layer, "none");
      const double error = error_over_rms(cut->predict(inputs), load_npy(entry.path().string()));
      EXPECT_LE(error, 1e-4) << layer;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, KerasModels,
                         ::testing::Values("vgg19", "resnet50", "resnet50v2", "mobilenet", "mobilenetv2",
                                           "efficientnetb0", "inceptionv3", "xception", "densenet121",
                                           "syn_activations", "syn_convs", "syn_merge_pool", "syn_nested_shared",
                                           "syn_preproc_se"));

}  // namespace
}  // namespace bottleneck
