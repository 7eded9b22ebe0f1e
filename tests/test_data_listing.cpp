// flow_from_directory's listing against keras_preprocessing 1.1's rules, on a tree built
// here: class order, walk order, extensions, symbolic links, empty classes, subsets.
#include <fstream>

#include "bottleneck/data.hpp"
#include "bottleneck/error.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

void touch(const fs::path& path) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << "listing only looks at names";
}

// root/
//   Birds/e.jpeg                        (uppercase sorts before lowercase)
//   cats/.jpg a.JPG b.jpg c.Png notes.txt x.jpeg.bak
//   cats/sub/z.bmp  cats/sub-x/y.tif  cats/sub/deeper/w.ppm
//   dogs/broken.jpg -> missing          (listed, as os.walk does)
//   dogs/d.tiff  dogs/link_file.jpg -> ../../outside/o.jpg
//   dogs/linkdir -> ../../outside_dir   (holds q.png)
//   dogs/loop -> .                      (a cycle when links are followed)
//   empty/
//   stray.jpg                           (not in a class folder: ignored)
fs::path make_tree() {
  const fs::path base = testing::scratch_dir("data_listing");
  const fs::path root = base / "root";
  touch(root / "Birds" / "e.jpeg");
  for (const char* name : {".jpg", "a.JPG", "b.jpg", "c.Png", "notes.txt", "x.jpeg.bak"})
    touch(root / "cats" / name);
  touch(root / "cats" / "sub" / "z.bmp");
  touch(root / "cats" / "sub-x" / "y.tif");
  touch(root / "cats" / "sub" / "deeper" / "w.ppm");
  touch(root / "dogs" / "d.tiff");
  touch(base / "outside" / "o.jpg");
  touch(base / "outside_dir" / "q.png");
  fs::create_symlink("missing", root / "dogs" / "broken.jpg");
  fs::create_symlink("../../outside/o.jpg", root / "dogs" / "link_file.jpg");
  fs::create_directory_symlink("../../outside_dir", root / "dogs" / "linkdir");
  fs::create_directory_symlink(".", root / "dogs" / "loop");
  fs::create_directories(root / "empty");
  touch(root / "stray.jpg");
  return root;
}

TEST(DataListing, ImageExtensionsFollowSplitext) {
  for (const char* name : {"a.jpg", "a.JPG", "b.Png", "c.jpeg", "d.bmp", "e.ppm", "f.tif", "g.TIFF", "a..jpg", "x.y.png"})
    EXPECT_TRUE(has_image_extension(name)) << name;
  for (const char* name : {".jpg", "..jpg", "jpg", "a.jpg.", "a.gif", "a.jpeg.bak", "a.txt", "a"})
    EXPECT_FALSE(has_image_extension(name)) << name;
}

TEST(DataListing, KerasOrderWithoutFollowingLinks) {
  const DirectoryListing listing = list_directory(make_tree());
  EXPECT_EQ(listing.class_names, (Strings{"Birds", "cats", "dogs", "empty"}));
  // os.walk roots sorted as strings: "sub" < "sub-x" < "sub/deeper".
  EXPECT_EQ(listing.filenames,
            (Strings{"Birds/e.jpeg", "cats/a.JPG", "cats/b.jpg", "cats/c.Png", "cats/sub/z.bmp",
                     "cats/sub-x/y.tif", "cats/sub/deeper/w.ppm", "dogs/broken.jpg", "dogs/d.tiff",
                     "dogs/link_file.jpg"}));
  EXPECT_EQ(listing.classes, (std::vector<int32_t>{0, 1, 1, 1, 1, 1, 1, 2, 2, 2}));
}

TEST(DataListing, FollowLinksWalksLinkedFoldersOnceAroundCycles) {
  ListingOptions options;
  options.follow_links = true;
  const DirectoryListing listing = list_directory(make_tree(), options);
  EXPECT_EQ(listing.filenames,
            (Strings{"Birds/e.jpeg", "cats/a.JPG", "cats/b.jpg", "cats/c.Png", "cats/sub/z.bmp",
                     "cats/sub-x/y.tif", "cats/sub/deeper/w.ppm", "dogs/broken.jpg", "dogs/d.tiff",
                     "dogs/link_file.jpg", "dogs/linkdir/q.png"}));
}

TEST(DataListing, GivenClassesSetOrderAndMissingOnesAreEmpty) {
  ListingOptions options;
  options.classes = {"dogs", "nope", "Birds"};
  const DirectoryListing listing = list_directory(make_tree(), options);
  EXPECT_EQ(listing.class_names, options.classes);
  EXPECT_EQ(listing.filenames,
            (Strings{"dogs/broken.jpg", "dogs/d.tiff", "dogs/link_file.jpg", "Birds/e.jpeg"}));
  EXPECT_EQ(listing.classes, (std::vector<int32_t>{0, 0, 0, 2}));
}

TEST(DataListing, ValidationSplitTakesTheFirstFilesOfEachClass) {
  const fs::path root = make_tree();
  ListingOptions options;
  options.validation_split = 0.5;
  options.subset = Subset::validation;
  const DirectoryListing validation = list_directory(root, options);
  // Birds: int(0.5 * 1) = 0, cats: 3 of 6, dogs: 1 of 3, empty: 0.
  EXPECT_EQ(validation.filenames, (Strings{"cats/a.JPG", "cats/b.jpg", "cats/c.Png", "dogs/broken.jpg"}));
  EXPECT_EQ(validation.classes, (std::vector<int32_t>{1, 1, 1, 2}));
  EXPECT_EQ(validation.class_names.size(), 4u);

  options.subset = Subset::training;
  const DirectoryListing training = list_directory(root, options);
  EXPECT_EQ(training.filenames,
            (Strings{"Birds/e.jpeg", "cats/sub/z.bmp", "cats/sub-x/y.tif", "cats/sub/deeper/w.ppm",
                     "dogs/d.tiff", "dogs/link_file.jpg"}));
  EXPECT_EQ(training.classes, (std::vector<int32_t>{0, 1, 1, 1, 2, 2}));
}

TEST(DataListing, SplitCountTruncatesTheDoubleProductLikePython) {
  const fs::path root = testing::scratch_dir("data_listing_split");
  for (int i = 0; i < 100; ++i) touch(root / "only" / ("img" + std::to_string(1000 + i) + ".png"));
  ListingOptions options;
  options.validation_split = 0.29;  // 0.29 * 100 == 28.999999999999996 -> int() gives 28
  options.subset = Subset::validation;
  EXPECT_EQ(list_directory(root, options).filenames.size(), 28u);
  options.subset = Subset::training;
  EXPECT_EQ(list_directory(root, options).filenames.size(), 72u);
  options.subset = Subset::all;
  EXPECT_EQ(list_directory(root, options).filenames.size(), 100u);
}

TEST(DataListing, FlatFolderHasNoClasses) {
  const fs::path root = testing::scratch_dir("data_listing_flat");
  for (const char* name : {"b.png", "A.jpg", "notes.txt"}) touch(root / name);
  const DirectoryListing listing = list_directory(root);
  EXPECT_TRUE(listing.class_names.empty());
  EXPECT_TRUE(listing.classes.empty());
  EXPECT_EQ(listing.filenames, (Strings{"A.jpg", "b.png"}));
}

TEST(DataListing, ErrorsNameTheFolder) {
  const fs::path missing = testing::scratch_dir("data_listing_errors") / "nowhere";
  try {
    list_directory(missing);
    FAIL() << "expected an Error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(missing.string()), std::string::npos) << error.what();
  }
  ListingOptions options;
  options.validation_split = 1.0;
  EXPECT_THROW(list_directory(missing.parent_path(), options), Error);
  EXPECT_THROW(parse_subset("train"), Error);
  EXPECT_EQ(parse_subset("validation"), Subset::validation);
}

}  // namespace
}  // namespace bottleneck
