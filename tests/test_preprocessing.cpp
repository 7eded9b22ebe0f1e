// Preprocessing modes against numpy's float32 results (computed once with Keras'
// _preprocess_numpy_input code and numpy 1.24; printed with 9 significant digits, which
// read back to the exact float).
#include <gtest/gtest.h>

#include <vector>

#include "bottleneck/error.hpp"
#include "bottleneck/preprocessing.hpp"

namespace bottleneck {
namespace {

// Two RGB pixels, shape (1, 2, 3).
Tensor sample() { return Tensor({1, 2, 3}, {0.0f, 127.5f, 255.0f, 10.0f, 200.0f, 33.0f}); }

void expect_values(const Tensor& x, const std::vector<float>& expected) {
  ASSERT_EQ(x.size(), static_cast<int64_t>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(x[i], expected[i]) << "at " << i;
}

TEST(Preprocessing, CaffeIsBgrMinusMeanLikeKeras) {
  expect_values(preprocess_input(sample(), "caffe"),
                {151.061005f, 10.7210007f, -123.68f, -70.939003f, 83.2210007f, -113.68f});
}

TEST(Preprocessing, TfScalesToMinusOneOne) {
  expect_values(preprocess_input(sample(), "tf"), {-1.0f, 0.0f, 1.0f, -0.921568632f, 0.568627477f, -0.741176486f});
}

TEST(Preprocessing, TorchNormalisesWithImageNetStatistics) {
  expect_values(preprocess_input(sample(), "torch"),
                {-2.11790395f, 0.196428567f, 2.6400001f, -1.94665647f, 1.46568632f, -1.22928095f});
}

TEST(Preprocessing, RescaleOneOver255MultipliesByItsFloat32) {
  const Preprocessing p = Preprocessing::parse("rescale=1/255");
  EXPECT_EQ(p.mode, Preprocessing::Mode::rescale);
  EXPECT_EQ(p.scale, static_cast<float>(1.0 / 255.0));
  Tensor x = sample();
  p.apply(x);
  expect_values(x, {0.0f, 0.5f, 1.0f, 0.0392156877f, 0.784313798f, 0.129411772f});
}

TEST(Preprocessing, AppliesToBatches) {
  Tensor batch({2, 1, 2, 3});
  const Tensor one = sample();
  for (int64_t i = 0; i < batch.size(); ++i) batch[i] = one[i % one.size()];
  Preprocessing::parse("caffe").apply(batch);
  const Tensor expected = preprocess_input(one, "caffe");
  for (int64_t i = 0; i < batch.size(); ++i) EXPECT_EQ(batch[i], expected[i % expected.size()]);
}

TEST(Preprocessing, PreprocessInputLeavesItsArgumentAlone) {
  const Tensor x = sample();
  const Tensor y = preprocess_input(x, "caffe");
  EXPECT_EQ(x[0], 0.0f);
  EXPECT_NE(y[0], 0.0f);
}

TEST(Preprocessing, NoneChangesNothing) {
  Tensor x = sample();
  Preprocessing::parse("none").apply(x);
  expect_values(x, {0.0f, 127.5f, 255.0f, 10.0f, 200.0f, 33.0f});
}

TEST(Preprocessing, ParseAndToStringRoundTrip) {
  for (const char* text : {"none", "caffe", "tf", "torch", "rescale=1/255", "rescale=0.5", "rescale=2", "rescale=1/127.5"}) {
    const Preprocessing p = Preprocessing::parse(text);
    const Preprocessing again = Preprocessing::parse(p.to_string());
    EXPECT_EQ(again.mode, p.mode) << text;
    EXPECT_EQ(again.scale, p.scale) << text;
  }
  EXPECT_EQ(Preprocessing::parse("rescale=1/255").to_string(), "rescale=1/255");
  EXPECT_EQ(Preprocessing::parse("rescale=0.00392156862745098").to_string(), "rescale=1/255");
  EXPECT_EQ(Preprocessing::parse("rescale=0.5").to_string(), "rescale=1/2");
  EXPECT_EQ(Preprocessing::parse("rescale=3").to_string(), "rescale=3");
  EXPECT_EQ(Preprocessing::parse("tf").to_string(), "tf");
}

TEST(Preprocessing, RescaleZeroIsNoRescaleAsInKeras) {
  EXPECT_EQ(Preprocessing::parse("rescale=0").mode, Preprocessing::Mode::none);
}

TEST(Preprocessing, RejectsUnknownText) {
  for (const char* text : {"", "Caffe", "caffe ", "rescale", "rescale=", "rescale=abc", "rescale=1/0", "rescale=1/",
                           "rescale=/2", "rescale=nan", "rescale=inf", "rescale=1e400", "scale=2"})
    EXPECT_THROW(Preprocessing::parse(text), Error) << "'" << text << "'";
}

TEST(Preprocessing, ChannelModesNeedThreeChannels) {
  Tensor grey({2, 2, 1});
  EXPECT_THROW(Preprocessing::parse("caffe").apply(grey), Error);
  EXPECT_THROW(Preprocessing::parse("torch").apply(grey), Error);
  EXPECT_NO_THROW(Preprocessing::parse("tf").apply(grey));
}

TEST(Preprocessing, PreprocessInputKnowsOnlyKerasModes) {
  EXPECT_THROW(preprocess_input(sample(), "rescale=2"), Error);
  EXPECT_THROW(preprocess_input(sample(), "none"), Error);
  EXPECT_THROW(preprocess_input(sample(), "bgr"), Error);
}

}  // namespace
}  // namespace bottleneck
