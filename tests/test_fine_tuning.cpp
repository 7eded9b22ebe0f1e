// Fine-tuning: cutting a model at a layer, freezing what comes before, and training the rest
// from a cached frozen prefix exactly as training the whole network would.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "bottleneck/applications.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/layers.hpp"
#include "bottleneck/transfer/fine_tuning.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;

// A random SqueezeNet base at 64x64 with a small head: fire9 (after the cut) has branches.
std::unique_ptr<Model> small_network(uint64_t seed) {
  auto base = SqueezeNet({.weights = "random", .input_shape = Shape{64, 64, 3}, .pooling = "avg", .seed = seed});
  SymbolicTensor features = base->output();
  SymbolicTensor x = Dense(8, "relu")(features);
  return std::make_unique<Model>(base->input(), Dense(1, "sigmoid")(x), "model", seed);
}

Tensor random_images(int64_t n, uint64_t seed) {
  Rng rng(seed);
  std::uniform_real_distribution<float> u(-100, 100);
  Tensor x({n, 64, 64, 3});
  for (float& v : x) v = u(rng);
  return x;
}

TEST(FineTuning, SplitModelComposesToTheWholeModel) {
  auto model = small_network(1);
  ModelSplit split = split_model(*model, "fire9/squeeze1x1");
  EXPECT_EQ(split.frozen_prefix->output_shape(), (Shape{3, 3, 512}));
  EXPECT_EQ(split.trainable_suffix->input_shape(), (Shape{3, 3, 512}));
  Tensor x = random_images(3, 2);
  Tensor whole = model->predict(x);
  Tensor parts = split.trainable_suffix->predict(split.frozen_prefix->predict(x));
  ASSERT_EQ(whole.shape(), parts.shape());
  for (int64_t i = 0; i < whole.size(); ++i) EXPECT_FLOAT_EQ(whole[i], parts[i]);
}

TEST(FineTuning, SplitRejectsCutsThatBranchesCross) {
  auto model = small_network(1);
  // Both fire9 expansions read the squeeze output: cutting at either's input is a clean cut.
  EXPECT_EQ(split_model(*model, "fire9/expand3x3").frozen_prefix->output_shape(), (Shape{3, 3, 64}));
  // fire9/relu_expand3x3's input is inside one branch; the other branch reaches past the cut.
  EXPECT_THROW(split_model(*model, "fire9/relu_expand3x3"), Error);
  EXPECT_THROW(split_model(*model, "fire9/concat"), Error);  // two inputs
  EXPECT_THROW(split_model(*model, "no_such_layer"), Error);
}

TEST(FineTuning, SetTrainableFromFreezesEverythingBefore) {
  auto model = small_network(1);
  set_trainable_from(*model, "fire9/squeeze1x1");
  bool seen = false;
  for (const LayerPtr& layer : model->layers()) {
    if (layer->name() == "fire9/squeeze1x1") seen = true;
    EXPECT_EQ(layer->trainable, seen) << layer->name();
  }
  EXPECT_THROW(set_trainable_from(*model, "missing"), Error);
}

// Training from the cached prefix equals training the whole network with the prefix frozen.
TEST(FineTuning, CachedPrefixTrainsLikeTheWholeNetwork) {
  BOTTLENECK_REQUIRE_SHARED();
  auto root = testing::scratch_dir("fine-tuning-images");
  auto images = testing::shared_dir() / "fixtures/images";
  int i = 0;
  for (const char* cls : {"a", "b"}) {
    fs::create_directories(root / cls);
    for (const char* name : {"photo_500x375.jpg", "gray_300x200.jpg", "rgba_320x240.png", "cmyk_256x256.jpg"})
      fs::copy_file(images / name, root / cls / (std::to_string(i++) + fs::path(name).extension().string()));
  }
  ImageDataGenerator generator({.preprocessing = Preprocessing::parse("caffe")});
  DirectoryIterator train = generator.flow_from_directory(
      root, {.target_size = {64, 64}, .class_mode = ClassMode::binary, .batch_size = 4, .shuffle = false});
  FitOptions fit{.epochs = 2, .batch_size = 4, .verbose = 0, .shuffle = false};

  auto cached = small_network(5);
  cached->compile(SGD({.lr = 1e-3, .momentum = 0.9}), "binary_crossentropy", {"accuracy"});
  std::string said;
  History h = fine_tune(*cached, "fire9/squeeze1x1", train, nullptr,
                        {.fit = fit, .log = [&](const std::string& line) { said += line; }});
  EXPECT_NE(said.find("cached frozen prefix"), std::string::npos) << said;

  auto whole = small_network(5);
  set_trainable_from(*whole, "fire9/squeeze1x1");
  whole->compile(SGD({.lr = 1e-3, .momentum = 0.9}), "binary_crossentropy", {"accuracy"});
  Tensor x = train.batch(0).x, y = train.batch(0).y;
  x = concatenate_rows({x, train.batch(1).x});
  y = concatenate_rows({y, train.batch(1).y});
  History reference = whole->fit(x, y, fit);

  for (size_t e = 0; e < 2; ++e) EXPECT_NEAR(h["loss"][e], reference["loss"][e], 1e-4 * std::fabs(reference["loss"][e]));
  std::vector<LayerPtr> a = cached->layers(), b = whole->layers();
  ASSERT_EQ(a.size(), b.size());
  for (size_t l = 0; l < a.size(); ++l) {
    auto pa = a[l]->parameters(), pb = b[l]->parameters();
    for (size_t p = 0; p < pa.size(); ++p)
      for (int64_t k = 0; k < pa[p]->value.size(); ++k)
        ASSERT_NEAR(pa[p]->value[k], pb[p]->value[k], 1e-4f + 1e-3f * std::fabs(pb[p]->value[k])) << a[l]->name();
  }
}

// With augmentation the whole network runs every epoch; the frozen part stays as it was.
TEST(FineTuning, AugmentedImagesTrainThroughTheWholeNetwork) {
  BOTTLENECK_REQUIRE_SHARED();
  auto root = testing::scratch_dir("fine-tuning-augmented");
  auto images = testing::shared_dir() / "fixtures/images";
  for (const char* cls : {"a", "b"}) {
    fs::create_directories(root / cls);
    fs::copy_file(images / "photo_500x375.jpg", root / cls / "1.jpg");
    fs::copy_file(images / "gray_300x200.jpg", root / cls / "2.jpg");
  }
  ImageDataGenerator generator({.preprocessing = Preprocessing::parse("caffe"), .rotation_range = 20,
                                .horizontal_flip = true});
  DirectoryIterator train = generator.flow_from_directory(
      root, {.target_size = {64, 64}, .class_mode = ClassMode::binary, .batch_size = 2, .seed = 3});
  auto model = small_network(7);
  model->compile(SGD({.lr = 1e-2, .momentum = 0.9}), "binary_crossentropy", {"accuracy"});
  Tensor frozen_before = model->get_layer("fire8/expand3x3")->parameters()[0]->value.clone();
  Tensor trained_before = model->get_layer("fire9/expand3x3")->parameters()[0]->value.clone();
  std::string said;
  History h = fine_tune(*model, "fire9/squeeze1x1", train, &train,
                        {.fit = {.epochs = 2, .verbose = 0}, .log = [&](const std::string& line) { said += line; }});
  EXPECT_NE(said.find("Augmentation is on"), std::string::npos) << said;
  ASSERT_EQ(h["loss"].size(), 2u);
  EXPECT_TRUE(std::isfinite(h["loss"][1]) && std::isfinite(h["val_loss"][1]));
  Tensor frozen_after = model->get_layer("fire8/expand3x3")->parameters()[0]->value;
  Tensor trained_after = model->get_layer("fire9/expand3x3")->parameters()[0]->value;
  EXPECT_TRUE(std::equal(frozen_before.begin(), frozen_before.end(), frozen_after.begin()));
  EXPECT_FALSE(std::equal(trained_before.begin(), trained_before.end(), trained_after.begin()));
}

}  // namespace
}  // namespace bottleneck

namespace bottleneck {
namespace {

// A cut that branches cross (inside SqueezeNet's fire9, like a cut inside a residual block)
// cannot be cached as one array: fine_tune says so and trains the whole network instead.
TEST(FineTuning, ACutThatBranchesCrossTrainsWithoutACache) {
  BOTTLENECK_REQUIRE_SHARED();
  auto root = testing::scratch_dir("fine-tuning-crossed-cut");
  auto images = testing::shared_dir() / "fixtures/images";
  for (const char* cls : {"a", "b"}) {
    fs::create_directories(root / cls);
    fs::copy_file(images / "photo_500x375.jpg", root / cls / "1.jpg");
    fs::copy_file(images / "gray_300x200.jpg", root / cls / "2.jpg");
  }
  ImageDataGenerator generator({.preprocessing = Preprocessing::parse("caffe")});
  DirectoryIterator train = generator.flow_from_directory(
      root, {.target_size = {64, 64}, .class_mode = ClassMode::binary, .batch_size = 2, .shuffle = false});
  auto model = small_network(7);
  model->compile(SGD({.lr = 1e-2, .momentum = 0.9}), "binary_crossentropy", {"accuracy"});
  Tensor frozen_before = model->get_layer("fire9/squeeze1x1")->parameters()[0]->value.clone();
  const LayerPtr head = model->layers().back();  // the Dense on top, after the cut
  Tensor trained_before = head->parameters()[0]->value.clone();
  std::string said;
  History h = fine_tune(*model, "fire9/relu_expand3x3", train, nullptr,
                        {.fit = {.epochs = 1, .verbose = 0}, .log = [&](const std::string& line) { said += line; }});
  EXPECT_NE(said.find("No cached frozen prefix"), std::string::npos) << said;
  ASSERT_EQ(h["loss"].size(), 1u);
  Tensor frozen_after = model->get_layer("fire9/squeeze1x1")->parameters()[0]->value;
  EXPECT_TRUE(std::equal(frozen_before.begin(), frozen_before.end(), frozen_after.begin()));
  Tensor trained_after = head->parameters()[0]->value;
  EXPECT_FALSE(std::equal(trained_before.begin(), trained_before.end(), trained_after.begin()));
}

}  // namespace
}  // namespace bottleneck
