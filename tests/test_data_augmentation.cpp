// Keras' ImageDataGenerator augmentation: apply_affine_transform's geometry against
// hand-computed results (keras_preprocessing 1.1's matrices centred at (h/2 + 0.5, w/2 + 0.5),
// scipy's order-1 interpolation and fill modes), get_random_transform's ranges, and seeded
// augmentation in DirectoryIterator and BatchPrefetcher.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

#include "bottleneck/data.hpp"
#include "bottleneck/data/augmentation.hpp"
#include "bottleneck/error.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;

// An (h, w, c) image whose value tells where it is: 10 * row + col + 100 * channel.
Tensor position_image(int64_t height, int64_t width, int64_t channels) {
  Tensor x({height, width, channels});
  for (int64_t r = 0; r < height; ++r)
    for (int64_t c = 0; c < width; ++c)
      for (int64_t ch = 0; ch < channels; ++ch)
        x[(r * width + c) * channels + ch] = static_cast<float>(10 * r + c + 100 * ch);
  return x;
}

float at(const Tensor& x, int64_t r, int64_t c, int64_t ch = 0) {
  return x[(r * x.dim(1) + c) * x.dim(2) + ch];
}

// The columns of row 0, channel 0.
std::vector<float> first_row(const Tensor& x) {
  std::vector<float> row;
  for (int64_t c = 0; c < x.dim(1); ++c) row.push_back(at(x, 0, c));
  return row;
}

TransformParameters column_shift(double ty) {
  TransformParameters p;
  p.ty = ty;
  return p;
}

TEST(Augmentation, IdentityParametersGiveTheInputBackExactly) {
  Tensor x({3, 4, 3});
  for (int64_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.37f * static_cast<float>(i)) * 97.3f;
  for (FillMode mode : {FillMode::constant, FillMode::nearest, FillMode::reflect, FillMode::wrap}) {
    const Tensor y = apply_affine_transform(x, TransformParameters{}, mode, 5.0);
    ASSERT_EQ(y.shape(), x.shape());
    EXPECT_TRUE(std::equal(x.begin(), x.end(), y.begin())) << fill_mode_name(mode);
  }
  const Tensor y = ImageDataGenerator().apply_transform(x, TransformParameters{});
  EXPECT_TRUE(std::equal(x.begin(), x.end(), y.begin()));
  EXPECT_NE(y.data(), x.data());
}

TEST(Augmentation, FlipsReverseColumnsOrRowsAfterTheAffineTransform) {
  const Tensor x = position_image(2, 3, 2);
  TransformParameters flip;
  flip.flip_horizontal = true;
  const Tensor columns = ImageDataGenerator().apply_transform(x, flip);
  for (int64_t r = 0; r < 2; ++r)
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t ch = 0; ch < 2; ++ch) EXPECT_EQ(at(columns, r, c, ch), at(x, r, 2 - c, ch));

  flip = {};
  flip.flip_vertical = true;
  const Tensor rows = ImageDataGenerator().apply_transform(x, flip);
  for (int64_t r = 0; r < 2; ++r)
    for (int64_t c = 0; c < 3; ++c) EXPECT_EQ(at(rows, r, c, 1), at(x, 1 - r, c, 1));

  // Shift by one column with cval -1, then flip: the filled column ends up on the left.
  ImageDataGeneratorOptions options;
  options.fill_mode = FillMode::constant;
  options.cval = -1.0;
  TransformParameters shift_then_flip = column_shift(1.0);
  shift_then_flip.flip_horizontal = true;
  const Tensor y = ImageDataGenerator(options).apply_transform(position_image(1, 4, 1), shift_then_flip);
  EXPECT_EQ(first_row(y), (std::vector<float>{-1, 3, 2, 1}));
  EXPECT_THROW(flip_axis(x, 2), Error);
}

TEST(Augmentation, RotationBy90DegreesAboutKerasCentre) {
  // h = 3, w = 5: centre (2, 3). Keras maps output (r, c) to input
  // (2 - (c - 3), 3 + (r - 2)) = (5 - c, r + 1); rows beyond 2 take the edge (nearest).
  const Tensor x = position_image(3, 5, 2);
  TransformParameters p;
  p.theta = 90.0;
  const Tensor y = apply_affine_transform(x, p, FillMode::nearest);
  ASSERT_EQ(y.shape(), x.shape());
  for (int64_t r = 0; r < 3; ++r)
    for (int64_t c = 0; c < 5; ++c)
      for (int64_t ch = 0; ch < 2; ++ch) {
        const int64_t source_row = std::clamp<int64_t>(5 - c, 0, 2);
        EXPECT_NEAR(at(y, r, c, ch), at(x, source_row, r + 1, ch), 1e-4) << r << "," << c;
      }
}

TEST(Augmentation, IntegerShiftsFillEdgesPerMode) {
  // One row 0..4; ty = +2 reads columns 2..6, ty = -2 reads -2..2.
  const Tensor x = position_image(1, 5, 1);
  const auto shifted = [&](double ty, FillMode mode) {
    return first_row(apply_affine_transform(x, column_shift(ty), mode, -7.0));
  };
  using Row = std::vector<float>;
  EXPECT_EQ(shifted(2, FillMode::constant), (Row{2, 3, 4, -7, -7}));
  EXPECT_EQ(shifted(2, FillMode::nearest), (Row{2, 3, 4, 4, 4}));
  EXPECT_EQ(shifted(2, FillMode::reflect), (Row{2, 3, 4, 4, 3}));
  EXPECT_EQ(shifted(2, FillMode::wrap), (Row{2, 3, 4, 1, 2}));  // scipy's wrap: period n - 1
  EXPECT_EQ(shifted(-2, FillMode::constant), (Row{-7, -7, 0, 1, 2}));
  EXPECT_EQ(shifted(-2, FillMode::nearest), (Row{0, 0, 0, 1, 2}));
  EXPECT_EQ(shifted(-2, FillMode::reflect), (Row{1, 0, 0, 1, 2}));
  EXPECT_EQ(shifted(-2, FillMode::wrap), (Row{2, 3, 0, 1, 2}));

  // tx shifts rows: output row r reads row r + 1.
  TransformParameters down;
  down.tx = 1.0;
  const Tensor rows = apply_affine_transform(position_image(3, 2, 1), down, FillMode::nearest);
  EXPECT_EQ(at(rows, 0, 1), 11.0f);
  EXPECT_EQ(at(rows, 1, 1), 21.0f);
  EXPECT_EQ(at(rows, 2, 1), 21.0f);
}

TEST(Augmentation, HalfPixelShiftInterpolatesLinearly) {
  const Tensor x = position_image(1, 5, 1);
  const auto shifted = [&](double ty, FillMode mode) {
    return first_row(apply_affine_transform(x, column_shift(ty), mode, -7.0));
  };
  using Row = std::vector<float>;
  EXPECT_EQ(shifted(0.5, FillMode::nearest), (Row{0.5, 1.5, 2.5, 3.5, 4}));
  EXPECT_EQ(shifted(0.5, FillMode::constant), (Row{0.5, 1.5, 2.5, 3.5, -7}));
  // Half-sample reflection (scipy >= 1.6): -0.5 and 4.5 read the edge pixels themselves.
  EXPECT_EQ(shifted(0.5, FillMode::reflect), (Row{0.5, 1.5, 2.5, 3.5, 4}));
  EXPECT_EQ(shifted(-0.5, FillMode::reflect), (Row{0, 0.5, 1.5, 2.5, 3.5}));
}

TEST(Augmentation, ZoomHalfMagnifiesAboutKerasCentre) {
  // h = 4, w = 6: centre (2.5, 3.5); zoom 0.5 reads (0.5 r + 1.25, 0.5 c + 1.75), and the
  // image is linear in position, so bilinear interpolation gives 10 * row + col exactly.
  const Tensor x = position_image(4, 6, 3);
  ImageDataGeneratorOptions options;
  options.zoom_range = {0.5, 0.5};
  const ImageDataGenerator generator(options);
  const TransformParameters p = generator.get_random_transform(x.shape(), 1);
  EXPECT_EQ(p.zx, 0.5);
  EXPECT_EQ(p.zy, 0.5);
  const Tensor y = generator.apply_transform(x, p);
  for (int64_t r = 0; r < 4; ++r)
    for (int64_t c = 0; c < 6; ++c)
      for (int64_t ch = 0; ch < 3; ++ch)
        EXPECT_NEAR(at(y, r, c, ch), 10 * (0.5 * r + 1.25) + (0.5 * c + 1.75) + 100 * ch, 1e-5);
}

TEST(Augmentation, RandomParametersCoverKerasRanges) {
  ImageDataGeneratorOptions options;
  options.rotation_range = 30.0;
  options.width_shift_range = 0.2;   // a fraction of the width (10): [-2, 2) pixels
  options.height_shift_range = 3.0;  // 1 or more: pixels
  options.shear_range = 10.0;
  options.zoom_range = 0.2;          // [0.8, 1.2]
  options.horizontal_flip = true;
  const ImageDataGenerator generator(options);
  EXPECT_TRUE(generator.augments());

  const Shape shape{6, 10, 3};
  double min_theta = 1e9, max_theta = -1e9, min_ty = 1e9, max_ty = -1e9;
  int flips = 0, zooms_differ = 0;
  constexpr int kDraws = 2000;
  for (uint64_t seed = 0; seed < kDraws; ++seed) {
    const TransformParameters p = generator.get_random_transform(shape, seed);
    ASSERT_GE(p.theta, -30.0);
    ASSERT_LT(p.theta, 30.0);
    ASSERT_GE(p.ty, -2.0);
    ASSERT_LT(p.ty, 2.0);
    ASSERT_GE(p.tx, -3.0);
    ASSERT_LT(p.tx, 3.0);
    ASSERT_GE(p.shear, -10.0);
    ASSERT_LT(p.shear, 10.0);
    ASSERT_GE(p.zx, 0.8);
    ASSERT_LT(p.zx, 1.2);
    ASSERT_GE(p.zy, 0.8);
    ASSERT_LT(p.zy, 1.2);
    ASSERT_FALSE(p.flip_vertical);
    min_theta = std::min(min_theta, p.theta);
    max_theta = std::max(max_theta, p.theta);
    min_ty = std::min(min_ty, p.ty);
    max_ty = std::max(max_ty, p.ty);
    flips += p.flip_horizontal;
    zooms_differ += p.zx != p.zy;
  }
  EXPECT_LT(min_theta, -29.0);
  EXPECT_GT(max_theta, 29.0);
  EXPECT_LT(min_ty, -1.9);
  EXPECT_GT(max_ty, 1.9);
  EXPECT_GT(flips, kDraws * 0.45);
  EXPECT_LT(flips, kDraws * 0.55);
  EXPECT_EQ(zooms_differ, kDraws);

  const TransformParameters a = generator.get_random_transform(shape, 42);
  const TransformParameters b = generator.get_random_transform(shape, 42);
  EXPECT_EQ(a.theta, b.theta);
  EXPECT_EQ(a.ty, b.ty);
  EXPECT_NE(a.theta, generator.get_random_transform(shape, 43).theta);
}

TEST(Augmentation, ShiftChoicesAndIntegersTakeARandomSign) {
  ImageDataGeneratorOptions options;
  options.width_shift_range = ShiftRange::integer(2);  // Keras' int 2: -1, 0 or +1 pixels
  options.height_shift_range = ShiftRange::from_choices({0.1, 0.2});  // fractions of h = 10
  const ImageDataGenerator generator(options);
  std::set<double> ty, tx;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const TransformParameters p = generator.get_random_transform({10, 20, 3}, seed);
    ty.insert(p.ty);
    tx.insert(p.tx);
  }
  EXPECT_EQ(ty, (std::set<double>{-1.0, 0.0, 1.0}));
  EXPECT_EQ(tx, (std::set<double>{-2.0, -1.0, 1.0, 2.0}));
}

TEST(Augmentation, DefaultsDrawNothingAndBadOptionsAreRefused) {
  const ImageDataGenerator plain;
  EXPECT_FALSE(plain.augments());
  const TransformParameters p = plain.get_random_transform({4, 4, 3}, 9);
  EXPECT_EQ(p.theta, 0.0);
  EXPECT_EQ(p.tx, 0.0);
  EXPECT_EQ(p.zx, 1.0);
  EXPECT_FALSE(p.flip_horizontal);
  EXPECT_THROW(plain.get_random_transform({4, 4}, 9), Error);

  const auto refused = [](auto change) {
    ImageDataGeneratorOptions options;
    change(options);
    EXPECT_THROW(ImageDataGenerator{options}, Error);
  };
  refused([](ImageDataGeneratorOptions& o) { o.rotation_range = -5.0; });
  refused([](ImageDataGeneratorOptions& o) { o.width_shift_range = std::nan(""); });
  refused([](ImageDataGeneratorOptions& o) { o.height_shift_range = ShiftRange::from_choices({INFINITY}); });
  refused([](ImageDataGeneratorOptions& o) { o.shear_range = -1.0; });
  refused([](ImageDataGeneratorOptions& o) { o.zoom_range = {1.2, 0.8}; });
  refused([](ImageDataGeneratorOptions& o) { o.zoom_range = 1.5; });  // [-0.5, 2.5]

  EXPECT_EQ(parse_fill_mode("reflect"), FillMode::reflect);
  EXPECT_EQ(fill_mode_name(FillMode::wrap), "wrap");
  EXPECT_THROW(parse_fill_mode("mirror"), Error);
  EXPECT_THROW(apply_affine_transform(Tensor({4, 4}), column_shift(1.0)), Error);
}

// ---------------------------------------------------------------------------------------
// In the iterator

constexpr int kHeight = 6;
constexpr int kWidth = 8;

// A picture that no flip, shift or rotation leaves unchanged; values stay at most 250.
void write_pattern_ppm(const fs::path& path, int id) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << "P6\n" << kWidth << " " << kHeight << "\n255\n";
  for (int r = 0; r < kHeight; ++r)
    for (int c = 0; c < kWidth; ++c)
      out << static_cast<char>(20 * r + 3 * c + id) << static_cast<char>(25 * c + id)
          << static_cast<char>((7 * r * c + 11 * id) % 200);
}

fs::path make_tree(const std::string& name) {
  const fs::path root = testing::scratch_dir(name);
  for (int id = 0; id < 7; ++id)
    write_pattern_ppm(root / (id < 4 ? "a" : "b") / ("0" + std::to_string(id) + ".ppm"), id);
  return root;
}

ImageDataGeneratorOptions augmenting() {
  ImageDataGeneratorOptions options;
  options.rotation_range = 20.0;
  options.width_shift_range = 0.2;
  options.zoom_range = 0.1;
  options.horizontal_flip = true;
  options.fill_mode = FillMode::reflect;
  return options;
}

FlowOptions seeded(uint64_t seed, bool shuffle = false) {
  FlowOptions options;
  options.target_size = {kHeight, kWidth};
  options.class_mode = ClassMode::sparse;
  options.batch_size = 3;
  options.shuffle = shuffle;
  options.seed = seed;
  return options;
}

bool same(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::equal(a.begin(), a.end(), b.begin());
}

TEST(AugmentationIterator, SeededPerEpochAndFile) {
  const fs::path root = make_tree("augmentation_seeded");
  const ImageDataGenerator generator(augmenting());
  DirectoryIterator first = generator.flow_from_directory(root, seeded(5));
  const DirectoryIterator second = generator.flow_from_directory(root, seeded(5));
  const DirectoryIterator other_seed = generator.flow_from_directory(root, seeded(6));
  EXPECT_TRUE(first.augments());
  EXPECT_FALSE(ImageDataGenerator().flow_from_directory(root, seeded(5)).augments());

  const Tensor epoch0 = first.batch(0).x;
  EXPECT_TRUE(same(epoch0, second.batch(0).x));
  EXPECT_TRUE(same(epoch0, first.batch(0).x));  // loading again draws the same
  EXPECT_FALSE(same(epoch0, other_seed.batch(0).x));
  const Tensor plain = ImageDataGenerator().flow_from_directory(root, seeded(5)).batch(0).x;
  EXPECT_FALSE(same(epoch0, plain));

  first.on_epoch_end();
  EXPECT_EQ(first.epoch(), 1);
  EXPECT_FALSE(same(epoch0, first.batch(0).x));
}

TEST(AugmentationIterator, NextAugmentsEachBatchForItsOwnEpoch) {
  const fs::path root = make_tree("augmentation_next");
  const ImageDataGenerator generator(augmenting());
  DirectoryIterator stepped = generator.flow_from_directory(root, seeded(11, true));
  const DirectoryIterator reference = generator.flow_from_directory(root, seeded(11, true));
  for (int64_t i = 0; i < reference.len(); ++i) {
    const Batch batch = stepped.next();  // the last one also starts epoch 1
    const Batch expected = reference.batch(i);
    EXPECT_EQ(batch.indices, expected.indices);
    EXPECT_TRUE(same(batch.x, expected.x)) << "batch " << i;
  }
  EXPECT_EQ(stepped.epoch(), 1);
}

TEST(AugmentationIterator, PrefetchThreadsGiveTheSerialBatches) {
  const fs::path root = make_tree("augmentation_prefetch");
  const DirectoryIterator it = ImageDataGenerator(augmenting()).flow_from_directory(root, seeded(3, true));
  BatchPrefetcher prefetcher(it, 3, 2);
  int64_t batches = 0;
  while (const std::optional<LoadedBatch> loaded = prefetcher.next()) {
    const Batch serial = it.batch(loaded->batch_index);
    EXPECT_TRUE(loaded->skipped.empty());
    EXPECT_EQ(loaded->file_indices, serial.indices);
    EXPECT_TRUE(same(loaded->x, serial.x)) << "batch " << loaded->batch_index;
    EXPECT_TRUE(same(loaded->y, serial.y));
    ++batches;
  }
  EXPECT_EQ(batches, it.len());
}

TEST(AugmentationIterator, AugmentsBeforeRescale) {
  // Shift by exactly 2 columns (either way) with cval 255, then rescale by 1/255: the two
  // filled columns become 1.0, which no pixel of the pictures (at most 250) reaches.
  const fs::path root = make_tree("augmentation_order");
  ImageDataGeneratorOptions options;
  options.width_shift_range = ShiftRange::from_choices({2.0});
  options.fill_mode = FillMode::constant;
  options.cval = 255.0;
  options.rescale = 1.0f / 255.0f;
  const Batch batch = ImageDataGenerator(options).flow_from_directory(root, seeded(1)).batch(0);
  for (int64_t row = 0; row < batch.x.dim(0); ++row) {
    const Tensor sample = batch.x.slice(row, row + 1);
    EXPECT_EQ(std::count(sample.begin(), sample.end(), 1.0f), kHeight * 2 * 3) << "row " << row;
  }
}

}  // namespace
}  // namespace bottleneck
