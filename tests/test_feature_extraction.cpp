// predict_to_npy: bulk extraction streamed to a .npy in the listing's order, unreadable files
// skipped or fatal, and resumable runs: an interrupted run continues to the very file an
// uninterrupted one writes, and a record made for another run is refused, not trusted.
#include <signal.h>

#include <fstream>

#include "bottleneck/applications.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/interrupt.hpp"
#include "bottleneck/npy.hpp"
#include "bottleneck/transfer/feature_extraction.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;

constexpr int kSide = 48;

// root/a and root/b with `count` noisy PPM images between them, and one text file posing as an image.
fs::path make_tree(const std::string& name, int count) {
  const fs::path root = testing::scratch_dir(name);
  for (int i = 0; i < count; ++i) {
    const fs::path path = root / (i % 3 ? "a" : "b") / (std::to_string(i) + ".ppm");
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << "P6\n" << kSide << " " << kSide << "\n255\n";
    for (int p = 0; p < kSide * kSide * 3; ++p) out.put(static_cast<char>((p * 7 + i * 31) % 251));
  }
  std::ofstream(root / "a" / "5x.ppm") << "not an image";
  return root;
}

struct Extraction {
  std::unique_ptr<Model> model =
      SqueezeNet({.weights = "random", .input_shape = Shape{kSide, kSide, 3}, .pooling = "avg", .seed = 7});
  DirectoryIterator images;
  explicit Extraction(const fs::path& root, int batch_size = 3)
      : images(ImageDataGenerator().flow_from_directory(
            root, {.target_size = {kSide, kSide}, .class_mode = ClassMode::sparse, .batch_size = batch_size,
                   .shuffle = false})) {}
  ExtractionResult run(const std::string& path, ExtractionOptions options = {}) {
    return predict_to_npy(*model, images, path, options);
  }
};

std::vector<char> bytes_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Options that interrupt the run (as Ctrl-C would) once `after_files` files are handled.
ExtractionOptions interrupted_after(int64_t after_files, ExtractionOptions options) {
  options.on_progress = [after_files](int64_t done) {
    if (done >= after_files) request_interrupt(SIGINT);
  };
  return options;
}

TEST(PredictToNpy, RowsFollowTheListingAndBadFilesAreSkippedOrFatal) {
  const fs::path root = make_tree("extraction_rows", 8);
  Extraction e(root);
  const std::string out = (root / "features.npy").string();
  std::vector<int64_t> progress;
  ExtractionOptions options;
  options.on_progress = [&](int64_t done) { progress.push_back(done); };
  ExtractionResult result = e.run(out, options);

  ASSERT_EQ(result.skipped.size(), 1u);
  EXPECT_EQ(result.skipped[0].filename, "a/5x.ppm");
  EXPECT_EQ(result.features_shape, (Shape{8, 512}));
  EXPECT_EQ(progress, (std::vector<int64_t>{3, 6, 9}));
  Tensor features = load_npy(out);
  ASSERT_EQ(features.shape(), result.features_shape);
  for (size_t row = 0; row < result.file_indices.size(); ++row) {
    const int64_t file = result.file_indices[row];
    EXPECT_NE(e.images.filenames()[file], "a/5x.ppm");
    Tensor x = expand_dims(img_to_array(load_img(e.images.filepath(file).string(), TargetSize{kSide, kSide})), 0);
    Tensor expected = e.model->predict(x);
    for (int64_t i = 0; i < expected.size(); ++i)
      ASSERT_FLOAT_EQ(features[static_cast<int64_t>(row) * 512 + i], expected[i]) << e.images.filenames()[file];
  }

  fs::remove(out);
  EXPECT_THROW(e.run(out, {.on_error = OnError::fail}), Error);
  for (const auto& entry : fs::directory_iterator(root)) EXPECT_TRUE(entry.is_directory()) << entry.path();
}

TEST(PredictToNpy, AnInterruptedRunResumesToTheSameFile) {
  const fs::path root = make_tree("extraction_resume", 14);
  const std::string reference = (root / "reference.npy").string(), out = (root / "features.npy").string();
  Extraction e(root);
  const ExtractionResult whole = e.run(reference);

  ExtractionOptions resumable{.resumable = true, .run_id = "settings"};
  EXPECT_THROW(e.run(out, interrupted_after(4, resumable)), Interrupted);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(fs::exists(out + ".partial"));
  EXPECT_TRUE(fs::exists(out + ".progress.json"));

  // Resume, be interrupted again, resume again: still the same file.
  ExtractionOptions resume = resumable;
  resume.resume = true;
  std::vector<int64_t> resumed_at;
  resume.on_resume = [&](int64_t done) { resumed_at.push_back(done); };
  EXPECT_THROW(e.run(out, interrupted_after(9, resume)), Interrupted);
  const ExtractionResult resumed = e.run(out, resume);
  EXPECT_EQ(resumed_at, (std::vector<int64_t>{6, 9}));  // whole batches of 3
  EXPECT_EQ(resumed.files_resumed, 9);
  EXPECT_EQ(resumed.file_indices, whole.file_indices);
  EXPECT_EQ(resumed.features_shape, whole.features_shape);
  ASSERT_EQ(resumed.skipped.size(), 1u);
  EXPECT_EQ(resumed.skipped[0].filename, whole.skipped[0].filename);
  EXPECT_EQ(bytes_of(out), bytes_of(reference));
  EXPECT_FALSE(fs::exists(out + ".partial"));
  EXPECT_FALSE(fs::exists(out + ".progress.json"));

  // Resuming with nothing to resume is an ordinary run.
  fs::remove(out);
  EXPECT_EQ(e.run(out, resume).files_resumed, 0);
  EXPECT_EQ(bytes_of(out), bytes_of(reference));
}

TEST(PredictToNpy, ResumingRefusesTheRecordOfAnotherRun) {
  const fs::path root = make_tree("extraction_refuse", 10);
  const std::string out = (root / "features.npy").string();
  Extraction e(root);
  const std::string run_id = R"({"weights": "a.h5", "target_size": [48, 48]})";
  EXPECT_THROW(e.run(out, interrupted_after(3, {.resumable = true, .run_id = run_id})), Interrupted);
  const std::vector<char> partial = bytes_of(out + ".partial"), record = bytes_of(out + ".progress.json");

  auto refusal = [&](Extraction& other, const std::string& other_id) {
    try {
      other.run(out, {.resumable = true, .resume = true, .run_id = other_id});
    } catch (const Error& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(refusal(e, R"({"weights": "b.h5", "target_size": [48, 48]})").find("other weights;"), std::string::npos);
  EXPECT_NE(refusal(e, "plain words").find("other settings"), std::string::npos);
  Extraction other_batches(root, 4);
  EXPECT_NE(refusal(other_batches, run_id).find("other batch size"), std::string::npos);
  std::ofstream(root / "b" / "99.ppm") << "a new file";
  Extraction more_images(root);
  EXPECT_NE(refusal(more_images, run_id).find("other images"), std::string::npos);
  fs::remove(root / "b" / "99.ppm");
  // A refusal leaves the interrupted run as it was, to be resumed with the right settings.
  EXPECT_EQ(bytes_of(out + ".partial"), partial);
  EXPECT_EQ(bytes_of(out + ".progress.json"), record);
  EXPECT_FALSE(fs::exists(out));

  // A partial file shorter than its record is refused too.
  fs::resize_file(out + ".partial", 200);
  EXPECT_THROW(e.run(out, {.resumable = true, .resume = true, .run_id = run_id}), Error);
  EXPECT_FALSE(fs::exists(out));

  // Without `resume` the leftovers are replaced by a fresh run.
  EXPECT_EQ(e.run(out, {.resumable = true, .run_id = run_id}).files_resumed, 0);
  EXPECT_EQ(load_npy(out).dim(0), 10);
  EXPECT_FALSE(fs::exists(out + ".partial"));
  EXPECT_FALSE(fs::exists(out + ".progress.json"));
}

TEST(PredictToNpy, AFailedRunLeavesNothingToResume) {
  const fs::path root = make_tree("extraction_failed", 6);
  const std::string out = (root / "features.npy").string();
  Extraction e(root);
  EXPECT_THROW(e.run(out, {.on_error = OnError::fail, .resumable = true}), Error);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out + ".partial"));
  EXPECT_FALSE(fs::exists(out + ".progress.json"));
}

TEST(PredictToNpy, AnInterruptIsReportedOnce) {
  const fs::path root = make_tree("extraction_interrupt_once", 4);
  Extraction e(root);
  request_interrupt(SIGTERM);
  try {
    e.run((root / "features.npy").string());
    FAIL() << "not interrupted";
  } catch (const Interrupted& interrupted) {
    EXPECT_EQ(interrupted.signal(), SIGTERM);
    EXPECT_STREQ(interrupted.what(), "interrupted by SIGTERM");
  }
  EXPECT_EQ(e.run((root / "features.npy").string()).features_shape, (Shape{4, 512}));
}

}  // namespace
}  // namespace bottleneck
