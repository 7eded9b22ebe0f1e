#pragma once
// keras DirectoryIterator: what flow_from_directory returns, batch by batch.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "bottleneck/data/directory_listing.hpp"
#include "bottleneck/data/image_data_generator.hpp"
#include "bottleneck/tensor.hpp"

namespace bottleneck {

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

}  // namespace bottleneck
