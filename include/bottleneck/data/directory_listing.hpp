#pragma once
// The files flow_from_directory reads, in Keras' order (keras_preprocessing 1.1).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace bottleneck {

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

}  // namespace bottleneck
