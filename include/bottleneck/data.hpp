#pragma once
// Keras' ImageDataGenerator(...).flow_from_directory(...) (keras_preprocessing 1.1): the
// folder listing, its DirectoryIterator (with Keras' random augmentation), and a threaded
// prefetcher that streams batches in file order for bulk extraction, reporting unreadable
// files instead of throwing.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bottleneck/augmentation.hpp"
#include "bottleneck/image.hpp"
#include "bottleneck/preprocessing.hpp"
#include "bottleneck/tensor.hpp"

namespace bottleneck {

// ---------------------------------------------------------------------------------------
// Listing

// Keras' subset=None / "training" / "validation".
enum class Subset { all, training, validation };
Subset parse_subset(std::string_view name);  // "all" (or ""), "training", "validation"

struct ListingOptions {
  std::vector<std::string> classes;  // empty: the sorted subfolder names
  bool follow_links = false;
  double validation_split = 0.0;  // per class, validation = the first int(split * n) files
  Subset subset = Subset::all;
};

struct DirectoryListing {
  std::vector<std::string> class_names;  // index order; empty for a flat folder
  std::vector<std::string> filenames;    // "class/rel/path" ("name.jpg" when flat), row order
  std::vector<int32_t> classes;          // class index per file; empty for a flat folder
};

// Keras' white list (png, jpg, jpeg, bmp, ppm, tif, tiff), compared in lowercase on the
// extension as os.path.splitext sees it (".jpg" alone has none).
bool has_image_extension(std::string_view filename);

// The files flow_from_directory would read, in its order. A folder without subfolders
// (and no classes given) is read as a flat folder of unlabelled images. Throws Error when
// the folder cannot be read.
DirectoryListing list_directory(const std::filesystem::path& directory,
                                const ListingOptions& options = {});

// ---------------------------------------------------------------------------------------
// ImageDataGenerator / DirectoryIterator

enum class ClassMode { categorical, binary, sparse, input, none };
ClassMode parse_class_mode(std::string_view name);  // Keras' names; "none" for None
std::string_view class_mode_name(ClassMode mode);

struct FlowOptions {
  TargetSize target_size{256, 256};
  std::string color_mode = "rgb";    // the only mode the image module decodes to
  std::vector<std::string> classes;  // empty: the sorted subfolder names
  ClassMode class_mode = ClassMode::categorical;
  int batch_size = 32;
  bool shuffle = true;
  std::optional<uint64_t> seed;  // none: a random seed, drawn once
  bool follow_links = false;
  Subset subset = Subset::all;
  Interpolation interpolation = Interpolation::nearest;
};

struct ImageDataGeneratorOptions {
  float rescale = 0.0f;         // Keras' rescale; 0 means none (as Keras' None or 0)
  Preprocessing preprocessing;  // Keras' preprocessing_function
  double validation_split = 0.0;

  // Random augmentation (see augmentation.hpp), drawn per image and applied before
  // standardize(), as Keras' iterators do. The defaults are Keras': none.
  double rotation_range = 0.0;    // degrees: theta uniform in [-r, r)
  ShiftRange width_shift_range;   // ty, the column shift
  ShiftRange height_shift_range;  // tx, the row shift
  double shear_range = 0.0;       // degrees: shear uniform in [-r, r)
  ZoomRange zoom_range;           // zx and zy, each uniform in [low, high)
  FillMode fill_mode = FillMode::nearest;
  double cval = 0.0;              // the fill value for FillMode::constant
  bool horizontal_flip = false;   // columns reversed with probability 1/2
  bool vertical_flip = false;     // rows reversed with probability 1/2
};

class DirectoryIterator;

class ImageDataGenerator {
public:
  explicit ImageDataGenerator(ImageDataGeneratorOptions options = {});

  DirectoryIterator flow_from_directory(const std::filesystem::path& directory,
                                        FlowOptions options = {}) const;

  // Keras' standardize(): preprocessing_function, then rescale (in place, float32).
  void standardize(Tensor& x) const;

  // Whether any random transformation is configured (else the three below are identities).
  bool augments() const;
  // Keras' get_random_transform for an (h, w, c) image: one draw of every configured
  // transformation, uniform over Keras' ranges, the same for the same seed.
  TransformParameters get_random_transform(const Shape& img_shape, uint64_t seed) const;
  // Keras' apply_transform: the affine transform (fill_mode, cval), then the flips.
  Tensor apply_transform(const Tensor& x, const TransformParameters& parameters) const;
  // Keras' random_transform: apply_transform(x, get_random_transform(x.shape(), seed)).
  Tensor random_transform(const Tensor& x, uint64_t seed) const;

  const ImageDataGeneratorOptions& options() const { return options_; }

private:
  ImageDataGeneratorOptions options_;
};

// One batch: x (N, h, w, 3); y per class_mode (empty tensor for none); which files.
struct Batch {
  Tensor x;
  Tensor y;
  std::vector<int64_t> indices;
};

class DirectoryIterator {
public:
  DirectoryIterator(std::filesystem::path directory, ImageDataGenerator generator,
                    FlowOptions options);

  // Keras' attributes.
  const std::vector<std::string>& filenames() const { return listing_.filenames; }
  const std::vector<int32_t>& classes() const { return listing_.classes; }
  const std::vector<std::string>& class_names() const { return listing_.class_names; }
  const std::map<std::string, int>& class_indices() const { return class_indices_; }
  int64_t samples() const { return static_cast<int64_t>(listing_.filenames.size()); }
  int num_classes() const { return static_cast<int>(listing_.class_names.size()); }
  int batch_size() const { return options_.batch_size; }
  const std::filesystem::path& directory() const { return directory_; }
  std::filesystem::path filepath(int64_t index) const { return directory_ / filenames().at(index); }
  const FlowOptions& options() const { return options_; }
  // "Found N images belonging to C classes." (Keras prints it; we let the caller log it.)
  std::string found_message() const;

  // Number of batches per epoch: ceil(samples / batch_size).
  int64_t len() const;
  // Batch i of the current epoch's order (Keras' iterator[i]); throws Error when the
  // index is out of range or a file cannot be read.
  Batch batch(int64_t i) const;
  // The next batch, epoch after epoch (Keras' next(iterator)); each new epoch reshuffles.
  Batch next();
  // Starts a new epoch order: a new permutation when shuffling (deterministic per seed).
  void on_epoch_end();
  void reset() { batch_index_ = 0; }

  // Sample order of the current epoch, and the file indices of its batch i.
  const std::vector<int64_t>& index_array() const { return index_array_; }
  std::vector<int64_t> batch_indices(int64_t i) const;

  // Whether the generator draws random transformations: then a sample differs from epoch
  // to epoch, and features computed from it once cannot be reused.
  bool augments() const { return generator_.augments(); }
  // Epochs completed (on_epoch_end calls); augmentation is drawn per (seed, epoch, file).
  int64_t epoch() const { return epoch_; }

  // One file through load_img, img_to_array, the generator's random transformation for
  // (seed, epoch, index) and standardize: (h, w, 3), for the current epoch or a given one.
  // Thread-safe; the transformation does not depend on which thread loads the file or when.
  Tensor load_sample(int64_t index) const;
  Tensor load_sample(int64_t index, int64_t epoch) const;
  // Targets for these files per class_mode; x is the batch itself (for "input").
  Tensor targets(const std::vector<int64_t>& indices, const Tensor& x) const;

private:
  Batch load_batch(std::vector<int64_t> indices, int64_t epoch) const;

  std::filesystem::path directory_;
  ImageDataGenerator generator_;
  FlowOptions options_;
  DirectoryListing listing_;
  std::map<std::string, int> class_indices_;
  uint64_t seed_ = 0;
  int64_t epoch_ = 0;
  int64_t batch_index_ = 0;
  std::vector<int64_t> index_array_;
};

// ---------------------------------------------------------------------------------------
// Streaming prefetch

struct SkippedFile {
  int64_t index = 0;     // into DirectoryIterator::filenames()
  std::string filename;  // as in filenames()
  std::string error;     // why it could not be read
};

// One batch of the epoch, in order. x holds the images that loaded (rows follow
// file_indices); the files that failed are in skipped, so rows stay aligned.
struct LoadedBatch {
  int64_t batch_index = 0;
  Tensor x;
  Tensor y;  // per class_mode, for the rows of x; empty for none
  std::vector<int64_t> file_indices;
  std::vector<SkippedFile> skipped;
};

// Decoding threads for a prefetcher when the caller does not choose: half the hardware
// threads (the network's own threads need the rest), at least one.
int default_prefetch_workers();

// Loads one epoch of a DirectoryIterator (its current order) on worker threads while the
// caller consumes batches. At most queue_depth batches are decoded ahead, so memory does
// not grow with the number of images. The iterator must outlive the prefetcher and must
// not be advanced meanwhile. Destroying it early stops and joins the workers.
class BatchPrefetcher {
public:
  // Starts at batch `first_batch` of the epoch (to resume an interrupted pass).
  BatchPrefetcher(const DirectoryIterator& iterator, int workers = default_prefetch_workers(),
                  int queue_depth = 2, int64_t first_batch = 0);
  ~BatchPrefetcher();
  BatchPrefetcher(const BatchPrefetcher&) = delete;
  BatchPrefetcher& operator=(const BatchPrefetcher&) = delete;

  // The next batch in order, or nothing after the last one.
  std::optional<LoadedBatch> next();

private:
  class Pipeline;  // the queue and its threads (batch_prefetcher.cpp)
  std::unique_ptr<Pipeline> pipeline_;
};

}  // namespace bottleneck
