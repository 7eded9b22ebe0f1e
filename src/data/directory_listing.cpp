// flow_from_directory's file listing, as keras_preprocessing 1.1 does it:
// classes = sorted(d for d in os.listdir(directory) if os.path.isdir(...)); per class,
// sorted(os.walk(class_dir, followlinks=...), key=root) with each folder's files sorted,
// filtered by extension, then split per class for validation_split.
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <system_error>

#include "bottleneck/data/directory_listing.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck {

namespace fs = std::filesystem;

namespace {

// A folder's identity, to stop following symbolic links around a cycle (os.walk would
// recurse until the system refuses the path; we visit each folder once per branch).
struct FolderId {
  dev_t device = 0;
  ino_t inode = 0;
  bool operator==(const FolderId&) const = default;
};

std::optional<FolderId> folder_id(const fs::path& folder) {
  struct stat info {};
  if (::stat(folder.c_str(), &info) != 0) return std::nullopt;
  return FolderId{info.st_dev, info.st_ino};
}

// One folder visited by the walk: its path relative to the walk's root, its file names.
struct WalkedFolder {
  std::string relative;
  std::vector<std::string> files;
};

[[noreturn]] void throw_unreadable(const fs::path& folder, const std::error_code& error) {
  throw Error("cannot read folder " + folder.string() + ": " + error.message());
}

// os.walk's classification: an entry is a folder when it is one after following links
// (a link to a folder is listed as a folder, walked only with follow_links); anything
// else is a file, broken links included. Pipes, sockets and devices are left out: reading
// them could block forever.
void walk(const fs::path& root, const std::string& relative, bool follow_links,
          std::vector<FolderId>& ancestors, std::vector<WalkedFolder>& out) {
  const fs::path folder = relative.empty() ? root : root / relative;
  std::error_code error;
  fs::directory_iterator entries(folder, error);
  if (error) throw_unreadable(folder, error);

  WalkedFolder walked{relative, {}};
  std::vector<std::string> subfolders;
  for (; entries != fs::directory_iterator(); entries.increment(error)) {
    if (error) throw_unreadable(folder, error);
    const fs::directory_entry& entry = *entries;
    std::error_code status_error;
    const fs::file_status target = entry.status(status_error);  // follows links
    const std::string name = entry.path().filename().string();
    if (fs::is_directory(target)) {
      if (follow_links || !entry.is_symlink(status_error)) subfolders.push_back(name);
    } else if (status_error || fs::is_regular_file(target)) {
      walked.files.push_back(name);
    }
  }
  if (error) throw_unreadable(folder, error);
  std::sort(walked.files.begin(), walked.files.end());
  out.push_back(std::move(walked));

  for (const std::string& name : subfolders) {
    const std::string child = relative.empty() ? name : relative + "/" + name;
    const std::optional<FolderId> id = folder_id(root / child);
    if (!id || std::find(ancestors.begin(), ancestors.end(), *id) != ancestors.end()) continue;
    ancestors.push_back(*id);
    walk(root, child, follow_links, ancestors, out);
    ancestors.pop_back();
  }
}

// _iter_valid_files: image files under root, as paths relative to it, in Keras' order.
// A class folder that does not exist yields nothing, as os.walk does.
std::vector<std::string> valid_files(const fs::path& root, bool follow_links) {
  std::error_code error;
  if (!fs::is_directory(root, error)) return {};
  std::vector<FolderId> ancestors;
  if (const std::optional<FolderId> id = folder_id(root)) ancestors.push_back(*id);
  std::vector<WalkedFolder> folders;
  walk(root, "", follow_links, ancestors, folders);
  // Keras sorts the walk by the root path string, so "a-b" comes before "a/b".
  std::sort(folders.begin(), folders.end(),
            [](const WalkedFolder& a, const WalkedFolder& b) { return a.relative < b.relative; });

  std::vector<std::string> files;
  for (const WalkedFolder& folder : folders)
    for (const std::string& name : folder.files)
      if (has_image_extension(name))
        files.push_back(folder.relative.empty() ? name : folder.relative + "/" + name);
  return files;
}

std::vector<std::string> sorted_subfolders(const fs::path& directory) {
  std::error_code error;
  fs::directory_iterator entries(directory, error);
  if (error) throw_unreadable(directory, error);
  std::vector<std::string> names;
  for (; entries != fs::directory_iterator(); entries.increment(error)) {
    if (error) throw_unreadable(directory, error);
    std::error_code status_error;
    if (entries->is_directory(status_error)) names.push_back(entries->path().filename().string());
  }
  if (error) throw_unreadable(directory, error);
  std::sort(names.begin(), names.end());
  return names;
}

// The files of one class kept by the subset: validation is the first int(split * n).
std::vector<std::string> subset_of(std::vector<std::string> files, const ListingOptions& options) {
  if (options.subset == Subset::all) return files;
  const auto cut = static_cast<size_t>(options.validation_split * static_cast<double>(files.size()));
  if (options.subset == Subset::validation) files.resize(cut);
  else files.erase(files.begin(), files.begin() + static_cast<std::ptrdiff_t>(cut));
  return files;
}

}  // namespace

bool has_image_extension(std::string_view filename) {
  // os.path.splitext: the extension starts at the last dot, unless only dots precede it.
  const size_t dot = filename.rfind('.');
  if (dot == std::string_view::npos) return false;
  if (filename.find_first_not_of('.') >= dot) return false;
  std::string extension(filename.substr(dot + 1));
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static constexpr std::array<std::string_view, 7> allowed = {"png", "jpg", "jpeg", "bmp",
                                                              "ppm", "tif", "tiff"};
  return std::find(allowed.begin(), allowed.end(), extension) != allowed.end();
}

Subset parse_subset(std::string_view name) {
  if (name.empty() || name == "all") return Subset::all;
  if (name == "training") return Subset::training;
  if (name == "validation") return Subset::validation;
  throw Error("invalid subset '" + std::string(name) + "': expected training or validation");
}

DirectoryListing list_directory(const fs::path& directory, const ListingOptions& options) {
  if (!(options.validation_split >= 0.0 && options.validation_split < 1.0))
    throw Error("validation_split must be in [0, 1), got " +
                std::to_string(options.validation_split) + " for " + directory.string());
  std::error_code error;
  if (!fs::is_directory(directory, error))
    throw Error("cannot read folder " + directory.string() + ": not a folder");

  DirectoryListing listing;
  listing.class_names = options.classes.empty() ? sorted_subfolders(directory) : options.classes;
  if (listing.class_names.empty()) {
    // No class folders: a flat folder of unlabelled images.
    listing.filenames = subset_of(valid_files(directory, options.follow_links), options);
    return listing;
  }
  for (size_t index = 0; index < listing.class_names.size(); ++index) {
    const std::string& name = listing.class_names[index];
    for (const std::string& file : subset_of(valid_files(directory / name, options.follow_links), options)) {
      listing.filenames.push_back(name + "/" + file);
      listing.classes.push_back(static_cast<int32_t>(index));
    }
  }
  return listing;
}

}  // namespace bottleneck
