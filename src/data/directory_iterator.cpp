// DirectoryIterator: Keras' flow_from_directory iterator over a listing — epoch orders,
// batches of decoded, augmented and standardized images, and targets per class_mode.
#include <algorithm>
#include <cstring>
#include <random>

#include "bottleneck/data/directory_iterator.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/stage_times.hpp"

namespace bottleneck {

namespace {

// SplitMix64's finaliser: decorrelates (seed, epoch) before seeding the generator.
uint64_t mix(uint64_t value) {
  value += 0x9E3779B97F4A7C15ULL;
  value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ULL;
  value = (value ^ (value >> 27)) * 0x94D049BB133111EBULL;
  return value ^ (value >> 31);
}

// The epoch's sample order: identity, or a Fisher-Yates permutation that depends only on
// (seed, epoch) — written out so that it is the same with every standard library.
std::vector<int64_t> epoch_order(int64_t samples, bool shuffle, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(samples));
  for (int64_t i = 0; i < samples; ++i) order[static_cast<size_t>(i)] = i;
  if (!shuffle) return order;
  std::mt19937_64 random(mix(seed ^ mix(static_cast<uint64_t>(epoch))));
  for (int64_t i = samples - 1; i > 0; --i) {
    const auto bound = static_cast<unsigned __int128>(i + 1);
    const auto j = static_cast<int64_t>((static_cast<unsigned __int128>(random()) * bound) >> 64);
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
  }
  return order;
}

// The augmentation seed of one file in one epoch: a function of (seed, epoch, index) only,
// so that decoding threads draw the same transformation whatever their schedule. The
// constant keeps it apart from the shuffling stream of the same (seed, epoch).
uint64_t sample_seed(uint64_t seed, int64_t epoch, int64_t index) {
  constexpr uint64_t kAugmentationStream = 0x61756734D5A1E2C3ULL;
  return mix(mix(mix(seed ^ kAugmentationStream) ^ static_cast<uint64_t>(epoch)) ^
             static_cast<uint64_t>(index));
}

uint64_t random_seed() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

}  // namespace

ClassMode parse_class_mode(std::string_view name) {
  if (name == "categorical") return ClassMode::categorical;
  if (name == "binary") return ClassMode::binary;
  if (name == "sparse") return ClassMode::sparse;
  if (name == "input") return ClassMode::input;
  if (name == "none" || name == "None") return ClassMode::none;
  throw Error("invalid class_mode '" + std::string(name) +
              "': expected categorical, binary, sparse, input or none");
}

std::string_view class_mode_name(ClassMode mode) {
  switch (mode) {
    case ClassMode::categorical: return "categorical";
    case ClassMode::binary: return "binary";
    case ClassMode::sparse: return "sparse";
    case ClassMode::input: return "input";
    case ClassMode::none: return "none";
  }
  return "none";
}

DirectoryIterator::DirectoryIterator(std::filesystem::path directory, ImageDataGenerator generator,
                                     FlowOptions options)
    : directory_(std::move(directory)), generator_(std::move(generator)), options_(std::move(options)) {
  const std::string where = " for " + directory_.string();
  if (options_.color_mode != "rgb")
    throw Error("color_mode '" + options_.color_mode + "' is not supported (only rgb)" + where);
  if (options_.batch_size <= 0) throw Error("batch_size must be positive" + where);
  if (options_.target_size.height <= 0 || options_.target_size.width <= 0)
    throw Error("target_size must be positive" + where);

  listing_ = list_directory(directory_, ListingOptions{options_.classes, options_.follow_links,
                                                       generator_.options().validation_split,
                                                       options_.subset});
  for (size_t i = 0; i < listing_.class_names.size(); ++i)
    class_indices_[listing_.class_names[i]] = static_cast<int>(i);

  const bool needs_labels = options_.class_mode == ClassMode::categorical ||
                            options_.class_mode == ClassMode::binary ||
                            options_.class_mode == ClassMode::sparse;
  if (needs_labels && listing_.class_names.empty() && samples() > 0)
    throw Error(directory_.string() + " has no class subfolders: class_mode " +
                std::string(class_mode_name(options_.class_mode)) + " needs them (use none)");
  if (options_.class_mode == ClassMode::binary && num_classes() > 2)
    throw Error("class_mode binary needs at most 2 classes, found " +
                std::to_string(num_classes()) + where);

  seed_ = options_.seed ? *options_.seed : random_seed();
  index_array_ = epoch_order(samples(), options_.shuffle, seed_, epoch_);
}

std::string DirectoryIterator::found_message() const {
  return "Found " + std::to_string(samples()) + " images belonging to " +
         std::to_string(num_classes()) + " classes.";
}

int64_t DirectoryIterator::len() const {
  return (samples() + options_.batch_size - 1) / options_.batch_size;
}

std::vector<int64_t> DirectoryIterator::batch_indices(int64_t i) const {
  if (i < 0 || i >= len())
    throw Error("batch " + std::to_string(i) + " is out of range: " + directory_.string() +
                " has " + std::to_string(len()) + " batches");
  const int64_t begin = i * options_.batch_size;
  const int64_t end = std::min(begin + options_.batch_size, samples());
  return {index_array_.begin() + begin, index_array_.begin() + end};
}

Tensor DirectoryIterator::load_sample(int64_t index) const { return load_sample(index, epoch_); }

Tensor DirectoryIterator::load_sample(int64_t index, int64_t epoch) const {
  const Image image = load_img(filepath(index).string(), options_.target_size, options_.interpolation);
  StageTimer timer(Stage::preprocess);
  Tensor x = img_to_array(image);
  if (x.shape() != Shape{options_.target_size.height, options_.target_size.width, 3})
    throw Error("load_img gave " + shape_to_string(x.shape()) + " for " + filepath(index).string());
  // Keras' order: img_to_array, get_random_transform, apply_transform, standardize.
  if (generator_.augments()) x = generator_.random_transform(x, sample_seed(seed_, epoch, index));
  generator_.standardize(x);
  return x;
}

Tensor DirectoryIterator::targets(const std::vector<int64_t>& indices, const Tensor& x) const {
  const auto rows = static_cast<int64_t>(indices.size());
  switch (options_.class_mode) {
    case ClassMode::none: return Tensor();
    case ClassMode::input: return x.clone();
    case ClassMode::binary:
    case ClassMode::sparse: {
      Tensor y({rows});
      for (int64_t r = 0; r < rows; ++r) y[r] = static_cast<float>(classes().at(indices[r]));
      return y;
    }
    case ClassMode::categorical: {
      Tensor y({rows, num_classes()});
      for (int64_t r = 0; r < rows; ++r) y[r * num_classes() + classes().at(indices[r])] = 1.0f;
      return y;
    }
  }
  return Tensor();
}

Batch DirectoryIterator::load_batch(std::vector<int64_t> indices, int64_t epoch) const {
  Batch batch;
  batch.indices = std::move(indices);
  const int64_t height = options_.target_size.height, width = options_.target_size.width;
  const int64_t row_size = height * width * 3;
  batch.x = Tensor({static_cast<int64_t>(batch.indices.size()), height, width, 3});
  for (size_t r = 0; r < batch.indices.size(); ++r) {
    const Tensor sample = load_sample(batch.indices[r], epoch);
    std::memcpy(batch.x.data() + static_cast<int64_t>(r) * row_size, sample.data(),
                sizeof(float) * static_cast<size_t>(row_size));
  }
  batch.y = targets(batch.indices, batch.x);
  return batch;
}

Batch DirectoryIterator::batch(int64_t i) const { return load_batch(batch_indices(i), epoch_); }

Batch DirectoryIterator::next() {
  if (samples() == 0) throw Error("no images to iterate over in " + directory_.string());
  // Advance before loading, as Keras does, so that an unreadable file is not retried forever;
  // the batch still belongs to (and is augmented for) the epoch it was taken from.
  std::vector<int64_t> indices = batch_indices(batch_index_);
  const int64_t epoch = epoch_;
  if (++batch_index_ == len()) {
    batch_index_ = 0;
    on_epoch_end();
  }
  return load_batch(std::move(indices), epoch);
}

void DirectoryIterator::on_epoch_end() {
  ++epoch_;
  index_array_ = epoch_order(samples(), options_.shuffle, seed_, epoch_);
}

}  // namespace bottleneck
