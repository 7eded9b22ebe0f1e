// DirectoryIterator batches and BatchPrefetcher streaming on a tree of small PPM images
// written here. Each image is filled with a colour derived from its number, so a row of x
// tells which file it came from.
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "bottleneck/data.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/npy.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;

constexpr int kHeight = 4;
constexpr int kWidth = 6;
constexpr TargetSize kSize{kHeight, kWidth};  // the images' own size: no resampling

// The colour of image `id`: (id, 100 + id, 200 - id).
void write_ppm(const fs::path& path, int id) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << "P6\n" << kWidth << " " << kHeight << "\n255\n";
  for (int i = 0; i < kWidth * kHeight; ++i)
    out << static_cast<char>(id) << static_cast<char>(100 + id) << static_cast<char>(200 - id);
}

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// The image number a row of x holds, checking that the row is one flat colour.
int image_id(const Tensor& x, int64_t row) {
  const float* p = x.data() + row * kHeight * kWidth * 3;
  const int id = static_cast<int>(p[0]);
  for (int i = 0; i < kHeight * kWidth; ++i) {
    EXPECT_EQ(p[3 * i], static_cast<float>(id));
    EXPECT_EQ(p[3 * i + 1], static_cast<float>(100 + id));
    EXPECT_EQ(p[3 * i + 2], static_cast<float>(200 - id));
  }
  return id;
}

// root/a/00.ppm .. a/03.ppm, root/b/04.ppm .. b/06.ppm: file index == image number.
fs::path make_tree(const std::string& name) {
  const fs::path root = testing::scratch_dir(name);
  for (int id = 0; id < 7; ++id)
    write_ppm(root / (id < 4 ? "a" : "b") / ("0" + std::to_string(id) + ".ppm"), id);
  return root;
}

FlowOptions unshuffled(ClassMode mode, int batch_size) {
  FlowOptions options;
  options.target_size = kSize;
  options.class_mode = mode;
  options.batch_size = batch_size;
  options.shuffle = false;
  return options;
}

TEST(DataIterator, AttributesAndBatchesInFileOrder) {
  const DirectoryIterator it = ImageDataGenerator().flow_from_directory(
      make_tree("data_iterator_order"), unshuffled(ClassMode::categorical, 3));
  EXPECT_EQ(it.samples(), 7);
  EXPECT_EQ(it.len(), 3);
  EXPECT_EQ(it.num_classes(), 2);
  EXPECT_EQ(it.class_indices(), (std::map<std::string, int>{{"a", 0}, {"b", 1}}));
  EXPECT_EQ(it.classes(), (std::vector<int32_t>{0, 0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(it.filenames().front(), "a/00.ppm");
  EXPECT_EQ(it.found_message(), "Found 7 images belonging to 2 classes.");

  const Batch last = it.batch(2);
  EXPECT_EQ(last.x.shape(), (Shape{1, kHeight, kWidth, 3}));
  EXPECT_EQ(last.indices, (std::vector<int64_t>{6}));
  EXPECT_EQ(image_id(last.x, 0), 6);
  const Batch first = it.batch(0);
  EXPECT_EQ(first.indices, (std::vector<int64_t>{0, 1, 2}));
  for (int64_t r = 0; r < 3; ++r) EXPECT_EQ(image_id(first.x, r), r);
  EXPECT_THROW(it.batch(3), Error);
  EXPECT_THROW(it.batch(-1), Error);
}

TEST(DataIterator, TargetsPerClassMode) {
  const fs::path root = make_tree("data_iterator_modes");
  const ImageDataGenerator generator;
  const Batch categorical = generator.flow_from_directory(root, unshuffled(ClassMode::categorical, 7)).batch(0);
  EXPECT_EQ(categorical.y.shape(), (Shape{7, 2}));
  for (int64_t r = 0; r < 7; ++r) {
    EXPECT_EQ(categorical.y[2 * r], r < 4 ? 1.0f : 0.0f);
    EXPECT_EQ(categorical.y[2 * r + 1], r < 4 ? 0.0f : 1.0f);
  }
  for (ClassMode mode : {ClassMode::binary, ClassMode::sparse}) {
    const Batch batch = generator.flow_from_directory(root, unshuffled(mode, 7)).batch(0);
    EXPECT_EQ(batch.y.shape(), (Shape{7}));
    for (int64_t r = 0; r < 7; ++r) EXPECT_EQ(batch.y[r], r < 4 ? 0.0f : 1.0f);
  }
  const Batch input = generator.flow_from_directory(root, unshuffled(ClassMode::input, 7)).batch(0);
  EXPECT_EQ(input.y.shape(), input.x.shape());
  EXPECT_TRUE(std::equal(input.x.begin(), input.x.end(), input.y.begin()));
  EXPECT_NE(input.y.data(), input.x.data());
  EXPECT_TRUE(generator.flow_from_directory(root, unshuffled(ClassMode::none, 7)).batch(0).y.empty());
  EXPECT_EQ(parse_class_mode("none"), ClassMode::none);
  EXPECT_THROW(parse_class_mode("multi"), Error);
}

TEST(DataIterator, BinaryRefusesMoreThanTwoClasses) {
  const fs::path root = make_tree("data_iterator_binary");
  write_ppm(root / "c" / "07.ppm", 7);
  EXPECT_THROW(ImageDataGenerator().flow_from_directory(root, unshuffled(ClassMode::binary, 2)), Error);
}

TEST(DataIterator, PreprocessingThenRescale) {
  const fs::path root = make_tree("data_iterator_rescale");
  ImageDataGeneratorOptions options;
  options.rescale = 1.0f / 255.0f;
  const Batch rescaled = ImageDataGenerator(options).flow_from_directory(root, unshuffled(ClassMode::none, 1)).batch(0);
  EXPECT_EQ(rescaled.x[1], 100.0f * (1.0f / 255.0f));

  // tf mode then rescale 2: (x / 127.5 - 1) * 2, which differs from rescaling first.
  options.rescale = 2.0f;
  options.preprocessing = Preprocessing::parse("tf");
  const Batch both = ImageDataGenerator(options).flow_from_directory(root, unshuffled(ClassMode::none, 1)).batch(0);
  EXPECT_NEAR(both.x[1], (100.0f / 127.5f - 1.0f) * 2.0f, 1e-6);
  EXPECT_THROW(ImageDataGenerator(ImageDataGeneratorOptions{0.0f, {}, 1.5}), Error);
}

TEST(DataIterator, ShuffleIsAPermutationPerEpochDeterministicForASeed) {
  const fs::path root = testing::scratch_dir("data_iterator_shuffle");
  for (int id = 0; id < 40; ++id) write_ppm(root / "x" / (std::to_string(100 + id) + ".ppm"), id);
  FlowOptions options = unshuffled(ClassMode::sparse, 8);
  options.shuffle = true;
  options.seed = 7;
  const ImageDataGenerator generator;
  DirectoryIterator first = generator.flow_from_directory(root, options);
  DirectoryIterator second = generator.flow_from_directory(root, options);
  options.seed = 8;
  const DirectoryIterator other = generator.flow_from_directory(root, options);

  const std::vector<int64_t> epoch0 = first.index_array();
  EXPECT_EQ(std::set<int64_t>(epoch0.begin(), epoch0.end()).size(), 40u);
  EXPECT_EQ(epoch0, second.index_array());
  EXPECT_NE(epoch0, other.index_array());
  std::vector<int64_t> identity(40);
  for (int64_t i = 0; i < 40; ++i) identity[i] = i;
  EXPECT_NE(epoch0, identity);

  // next() walks the epoch's order, then reshuffles.
  std::vector<int64_t> seen;
  for (int64_t b = 0; b < first.len(); ++b) {
    const Batch batch = first.next();
    for (size_t r = 0; r < batch.indices.size(); ++r) {
      EXPECT_EQ(image_id(batch.x, static_cast<int64_t>(r)), batch.indices[r]);
      EXPECT_EQ(batch.y[static_cast<int64_t>(r)], 0.0f);
    }
    seen.insert(seen.end(), batch.indices.begin(), batch.indices.end());
  }
  EXPECT_EQ(seen, epoch0);
  EXPECT_NE(first.index_array(), epoch0);
  second.on_epoch_end();
  EXPECT_EQ(first.index_array(), second.index_array());
}

TEST(DataIterator, NextWrapsWithAShortLastBatch) {
  DirectoryIterator it = ImageDataGenerator().flow_from_directory(
      make_tree("data_iterator_wrap"), unshuffled(ClassMode::sparse, 3));
  std::vector<size_t> sizes;
  for (int i = 0; i < 4; ++i) sizes.push_back(it.next().indices.size());
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 1, 3}));
}

TEST(DataIterator, FlatFolderNeedsClassModeNone) {
  const fs::path root = testing::scratch_dir("data_iterator_flat");
  write_ppm(root / "b.ppm", 1);
  write_ppm(root / "a.ppm", 2);
  const ImageDataGenerator generator;
  EXPECT_THROW(generator.flow_from_directory(root, unshuffled(ClassMode::categorical, 2)), Error);
  const DirectoryIterator it = generator.flow_from_directory(root, unshuffled(ClassMode::none, 2));
  EXPECT_EQ(it.filenames(), (std::vector<std::string>{"a.ppm", "b.ppm"}));
  EXPECT_EQ(it.found_message(), "Found 2 images belonging to 0 classes.");
  const Batch batch = it.batch(0);
  EXPECT_EQ(image_id(batch.x, 0), 2);
  EXPECT_EQ(image_id(batch.x, 1), 1);
}

TEST(DataIterator, UnreadableFileThrowsNamingIt) {
  const fs::path root = make_tree("data_iterator_bad");
  write_text(root / "a" / "000.jpg", "not an image");
  const DirectoryIterator it = ImageDataGenerator().flow_from_directory(root, unshuffled(ClassMode::none, 2));
  try {
    it.batch(0);
    FAIL() << "expected an Error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("000.jpg"), std::string::npos) << error.what();
  }
}

// The prefetcher: file order, aligned rows, skipped files.

// root/a: 00..03 good, 04 zero bytes, 05 text named .jpg, 06 truncated PPM;
// root/b: 07..09 good (+ the real JPEG fixture and a truncated copy when ../shared exists).
struct CorruptTree {
  fs::path root;
  std::set<std::string> bad;  // filenames expected to be skipped
};

CorruptTree make_corrupt_tree() {
  CorruptTree tree{testing::scratch_dir("data_prefetch_corrupt"), {}};
  const fs::path& root = tree.root;
  for (int id = 0; id < 4; ++id) write_ppm(root / "a" / ("0" + std::to_string(id) + ".ppm"), id);
  write_text(root / "a" / "04.jpg", "");
  write_text(root / "a" / "05.jpg", "this is text, not a JPEG\n");
  write_ppm(root / "a" / "06.ppm", 6);
  fs::resize_file(root / "a" / "06.ppm", 20);
  tree.bad = {"a/04.jpg", "a/05.jpg", "a/06.ppm"};
  for (int id = 7; id < 10; ++id) write_ppm(root / "b" / ("0" + std::to_string(id) + ".ppm"), id);
  if (!testing::shared_dir().empty()) {
    const fs::path photo = testing::shared_dir() / "fixtures" / "images" / "photo_500x375.jpg";
    fs::copy_file(photo, root / "b" / "10_photo.jpg");
    fs::copy_file(photo, root / "b" / "11_truncated.jpg");
    fs::resize_file(root / "b" / "11_truncated.jpg", fs::file_size(photo) / 2);
    tree.bad.insert("b/11_truncated.jpg");
  }
  return tree;
}

TEST(DataPrefetcher, DeliversBatchesInOrderAndSkipsBadFilesWithRowsAligned) {
  const CorruptTree tree = make_corrupt_tree();
  const DirectoryIterator it = ImageDataGenerator().flow_from_directory(tree.root, unshuffled(ClassMode::categorical, 3));
  BatchPrefetcher prefetcher(it, 3, 2);

  std::vector<int64_t> order;
  std::set<std::string> skipped;
  int64_t expected_batch = 0;
  while (std::optional<LoadedBatch> batch = prefetcher.next()) {
    EXPECT_EQ(batch->batch_index, expected_batch++);
    const auto rows = static_cast<int64_t>(batch->file_indices.size());
    EXPECT_EQ(batch->x.shape(), (Shape{rows, kHeight, kWidth, 3}));
    EXPECT_EQ(batch->y.shape(), (Shape{rows, 2}));
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t file = batch->file_indices[r];
      const std::string& name = it.filenames()[file];
      if (name.ends_with(".ppm")) EXPECT_EQ(image_id(batch->x, r), std::stoi(name.substr(2, 2))) << name;
      EXPECT_EQ(batch->y[2 * r + it.classes()[file]], 1.0f) << name;
    }
    for (const SkippedFile& file : batch->skipped) {
      EXPECT_EQ(file.filename, it.filenames()[file.index]);
      EXPECT_FALSE(file.error.empty()) << file.filename;
      skipped.insert(file.filename);
    }
    std::vector<int64_t> batch_files = batch->file_indices;
    for (const SkippedFile& file : batch->skipped) batch_files.push_back(file.index);
    std::sort(batch_files.begin(), batch_files.end());
    order.insert(order.end(), batch_files.begin(), batch_files.end());
  }
  EXPECT_EQ(expected_batch, it.len());
  EXPECT_EQ(skipped, tree.bad);
  std::vector<int64_t> all(static_cast<size_t>(it.samples()));
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int64_t>(i);
  EXPECT_EQ(order, all);
  EXPECT_FALSE(prefetcher.next().has_value());
}

TEST(DataPrefetcher, FollowsTheShuffledEpochOrder) {
  const fs::path root = make_tree("data_prefetch_shuffled");
  FlowOptions options = unshuffled(ClassMode::sparse, 2);
  options.shuffle = true;
  options.seed = 3;
  const DirectoryIterator it = ImageDataGenerator().flow_from_directory(root, options);
  BatchPrefetcher prefetcher(it, 2, 1);
  std::vector<int64_t> files;
  while (std::optional<LoadedBatch> batch = prefetcher.next()) {
    for (size_t r = 0; r < batch->file_indices.size(); ++r) {
      EXPECT_EQ(image_id(batch->x, static_cast<int64_t>(r)), batch->file_indices[r]);
      EXPECT_EQ(batch->y[static_cast<int64_t>(r)], static_cast<float>(it.classes()[batch->file_indices[r]]));
    }
    files.insert(files.end(), batch->file_indices.begin(), batch->file_indices.end());
  }
  EXPECT_EQ(files, it.index_array());
}

TEST(DataPrefetcher, DecodesNoFurtherAheadThanItsQueue) {
  // With a queue of one batch, nothing past batch 0 may be read before it is taken: files
  // spoiled before the first next() must all come back skipped.
  const fs::path root = make_tree("data_prefetch_bounded");
  const DirectoryIterator it = ImageDataGenerator().flow_from_directory(root, unshuffled(ClassMode::none, 1));
  BatchPrefetcher prefetcher(it, 2, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (int64_t file = 1; file < it.samples(); ++file) write_text(it.filepath(file), "spoiled");
  int64_t loaded = 0, skipped = 0;
  while (std::optional<LoadedBatch> batch = prefetcher.next()) {
    loaded += static_cast<int64_t>(batch->file_indices.size());
    skipped += static_cast<int64_t>(batch->skipped.size());
  }
  EXPECT_EQ(loaded, 1);
  EXPECT_EQ(skipped, it.samples() - 1);
}

TEST(DataPrefetcher, StopsCleanlyWhenDroppedEarly) {
  const fs::path root = testing::scratch_dir("data_prefetch_early");
  for (int id = 0; id < 60; ++id) write_ppm(root / "x" / (std::to_string(100 + id) + ".ppm"), id % 50);
  const DirectoryIterator it = ImageDataGenerator().flow_from_directory(root, unshuffled(ClassMode::none, 4));
  { BatchPrefetcher untouched(it, 4, 2); }
  {
    BatchPrefetcher prefetcher(it, 4, 2);
    ASSERT_TRUE(prefetcher.next().has_value());
    ASSERT_TRUE(prefetcher.next().has_value());
  }  // destroyed with batches still queued and workers waiting for room
  SUCCEED();
}

TEST(DataPrefetcher, EmptyIteratorAndBadArguments) {
  const fs::path root = testing::scratch_dir("data_prefetch_empty");
  fs::create_directories(root / "only_class");
  const DirectoryIterator it = ImageDataGenerator().flow_from_directory(root, unshuffled(ClassMode::sparse, 4));
  EXPECT_EQ(it.samples(), 0);
  BatchPrefetcher prefetcher(it, 2, 2);
  EXPECT_FALSE(prefetcher.next().has_value());
  EXPECT_THROW(BatchPrefetcher(it, 0, 2), Error);
  EXPECT_THROW(BatchPrefetcher(it, 1, 0), Error);
  EXPECT_GE(default_prefetch_workers(), 1);
}

// Real data: the cats and dogs tree, and a fixture photo against Keras' own load_img output.

TEST(DataRealImages, CatsAndDogsInKerasOrderStreamWithoutSkips) {
  BOTTLENECK_REQUIRE_SHARED();
  FlowOptions options = unshuffled(ClassMode::binary, 32);
  options.target_size = {32, 48};
  const DirectoryIterator it = ImageDataGenerator().flow_from_directory(
      testing::shared_dir() / "data" / "cats_and_dogs" / "train", options);
  EXPECT_EQ(it.found_message(), "Found 200 images belonging to 2 classes.");
  EXPECT_EQ(std::vector<std::string>(it.filenames().begin(), it.filenames().begin() + 3),
            (std::vector<std::string>{"cats/cat.1.jpg", "cats/cat.10.jpg", "cats/cat.100.jpg"}));
  EXPECT_EQ(it.filenames()[100].substr(0, 5), "dogs/");

  BatchPrefetcher prefetcher(it, 2, 2);
  const Batch first = it.batch(0);
  int64_t rows = 0;
  while (std::optional<LoadedBatch> batch = prefetcher.next()) {
    EXPECT_TRUE(batch->skipped.empty());
    if (batch->batch_index == 0) {
      EXPECT_EQ(batch->file_indices, first.indices);
      EXPECT_TRUE(std::equal(first.x.begin(), first.x.end(), batch->x.begin(), batch->x.end()));
    }
    rows += batch->x.dim(0);
  }
  EXPECT_EQ(rows, 200);
}

TEST(DataRealImages, RescaledBatchEqualsKerasLoadImgTimesRescale) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path fixtures = testing::shared_dir() / "fixtures";
  const fs::path root = testing::scratch_dir("data_real_rescale");
  fs::create_directories(root / "photos");
  fs::copy_file(fixtures / "images" / "photo_500x375.jpg", root / "photos" / "photo.jpg");
  const Tensor expected = load_npy((fixtures / "expected" / "load_img" / "photo_500x375.jpg.240x360.nearest.npy").string());

  ImageDataGeneratorOptions generator_options;
  generator_options.rescale = 1.0f / 255.0f;
  FlowOptions options = unshuffled(ClassMode::none, 32);
  options.target_size = {240, 360};
  const DirectoryIterator it = ImageDataGenerator(generator_options).flow_from_directory(root, options);
  BatchPrefetcher prefetcher(it, 1, 1);
  const std::optional<LoadedBatch> batch = prefetcher.next();
  ASSERT_TRUE(batch.has_value());
  ASSERT_EQ(batch->x.shape(), (Shape{1, 240, 360, 3}));
  ASSERT_EQ(expected.size(), batch->x.size());
  for (int64_t i = 0; i < expected.size(); ++i)
    ASSERT_EQ(batch->x[i], expected[i] * (1.0f / 255.0f)) << "at " << i;
}

}  // namespace
}  // namespace bottleneck
