// The walk over an HDF5 file's bytes before HDF5 opens it (io/hdf5_structure_check.hpp): the
// files HDF5 writes in each of its formats pass, and each damage HDF5 1.10 would read past its
// buffers is refused with one line naming the structure. Files are made with the HDF5 C API
// itself (the formats h5py and Keras use and the newer ones), then damaged byte by byte.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <vector>

#include "bottleneck/error.hpp"
#include "bottleneck/weights_file.hpp"
#include "io/hdf5_structure_check.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;
using testing::scratch_dir;
using testing::shared_dir;

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The message of the Error check_structure throws, or "" when it passes.
std::string check(const std::string& bytes) {
  try {
    hdf5::check_structure(bytes, "w.h5");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Whether check_structure refuses `bytes` with a line saying `phrase`.
::testing::AssertionResult refused_saying(const std::string& bytes, const std::string& phrase) {
  const std::string message = check(bytes);
  if (message.find(phrase) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected a refusal saying \"" << phrase << "\", got \"" << message << "\"";
}

// Which format HDF5 writes: the oldest that holds the objects (h5py's and Keras' default), or
// the newest (superblock 3, object headers 2, link messages, new chunk indexes).
enum class Format { earliest, latest };

// A file made by HDF5 in `format`, laid out by `fill` from the root group; its bytes.
std::string make_file(const std::string& name, Format format, const std::function<void(hid_t root)>& fill) {
  const std::string path = (scratch_dir("hdf5") / name).string();
  const hid_t access = H5Pcreate(H5P_FILE_ACCESS);
  if (format == Format::latest) H5Pset_libver_bounds(access, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access);
  EXPECT_GE(file, 0);
  const hid_t root = H5Gopen2(file, "/", H5P_DEFAULT);
  fill(root);
  H5Gclose(root);
  H5Fclose(file);
  H5Pclose(access);
  return read_bytes(path);
}

void write_string_attribute(hid_t object, const char* name, const char* value, bool variable_length) {
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, variable_length ? H5T_VARIABLE : std::strlen(value) + 1);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attribute = H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  if (variable_length)
    H5Awrite(attribute, type, &value);
  else
    H5Awrite(attribute, type, value);
  H5Aclose(attribute);
  H5Sclose(space);
  H5Tclose(type);
}

// A float32 dataset of `count` values, made with `creation` properties.
void write_floats(hid_t group, const char* name, hsize_t count, hid_t creation = H5P_DEFAULT) {
  std::vector<float> values(count, 0.5f);
  const hid_t space = H5Screate_simple(1, &count, nullptr);
  const hid_t dataset = H5Dcreate2(group, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, creation, H5P_DEFAULT);
  H5Dwrite(dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(dataset);
  H5Sclose(space);
}

// What Keras' files hold, and what HDF5 adds when asked: layer groups, string attributes of
// both kinds, a chunked dataset with a fill value, a compact one, a committed datatype (a shared
// message), a soft link and a comment.
// `groups` layer groups: 300 make a B-tree of two levels in the oldest format; the newest
// keeps at most 8 links in a group's header (what passes, dense storage being refused).
void fill_everything(hid_t root, int groups) {
  write_string_attribute(root, "keras_version", "2.4.0", true);
  write_string_attribute(root, "backend", "tensorflow", false);
  for (int i = 0; i < groups; ++i) {
    const std::string name = "layer_" + std::to_string(i);
    const hid_t group = H5Gcreate2(root, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    write_string_attribute(group, "weight_names", "kernel:0", true);
    write_floats(group, "kernel:0", 4);
    H5Gclose(group);
  }
  const hid_t chunked = H5Pcreate(H5P_DATASET_CREATE);
  const hsize_t chunk = 100;
  H5Pset_chunk(chunked, 1, &chunk);
  const float fill = 1.5f;
  H5Pset_fill_value(chunked, H5T_NATIVE_FLOAT, &fill);
  write_floats(root, "chunked", 1000, chunked);
  H5Pclose(chunked);
  const hid_t compact = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_layout(compact, H5D_COMPACT);
  write_floats(root, "compact", 16, compact);
  H5Pclose(compact);
  const hid_t committed = H5Tcopy(H5T_IEEE_F64LE);
  H5Tcommit2(root, "float64", committed, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t two = 2;
  const hid_t space = H5Screate_simple(1, &two, nullptr);
  const hid_t typed = H5Dcreate2(root, "typed", committed, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dclose(typed);
  H5Sclose(space);
  H5Tclose(committed);
  H5Lcreate_soft("/layer_0/kernel:0", root, "alias", H5P_DEFAULT, H5P_DEFAULT);
  H5Oset_comment(root, "made by the tests");
}

TEST(Hdf5StructureCheck, FilesHdf5WritesInItsOldestFormatPass) {
  EXPECT_EQ(check(make_file("earliest.h5", Format::earliest, [](hid_t root) { fill_everything(root, 300); })), "");
}

TEST(Hdf5StructureCheck, FilesHdf5WritesInItsNewestFormatPass) {
  const std::string bytes = make_file("latest.h5", Format::latest, [](hid_t root) { fill_everything(root, 2); });
  ASSERT_NE(bytes.find("OHDR"), std::string::npos);  // really the newer format
  EXPECT_EQ(check(bytes), "");
}

// Links or attributes in a fractal heap are decoded by HDF5 where the walk cannot see them.
TEST(Hdf5StructureCheck, DenseStorageIsRefusedSayingHowToAvoidIt) {
  const std::string links = make_file("dense_links.h5", Format::latest, [](hid_t root) { fill_everything(root, 9); });
  EXPECT_EQ(check(links), "w.h5: the file keeps a group's links in HDF5's dense storage, which bottleneck does not "
                          "read (h5py writes it only with track_order=True or libver='latest'; save the file with "
                          "h5py's defaults)");
  const std::string attributes = make_file("dense_attributes.h5", Format::latest, [](hid_t root) {
    for (int i = 0; i < 9; ++i) write_string_attribute(root, ("a" + std::to_string(i)).c_str(), "v", false);
  });
  EXPECT_NE(check(attributes).find("keeps an object's attributes in HDF5's dense storage"), std::string::npos);
}

TEST(Hdf5StructureCheck, EveryKerasFileOfTheSharedFixturesPasses) {
  BOTTLENECK_REQUIRE_SHARED();
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(shared_dir()))
    if (entry.path().extension() == ".h5") {
      EXPECT_NO_THROW(hdf5::check_structure_of_file(entry.path().string())) << entry.path();
      ++files;
    }
  EXPECT_GE(files, 10);
}

// ---------------------------------------------------------------------------------------
// Damage: a file as Keras writes it, then one field changed.

void put(std::string& bytes, size_t at, uint64_t value, int width) {
  for (int i = 0; i < width; ++i) bytes[at + static_cast<size_t>(i)] = static_cast<char>((value >> (8 * i)) & 0xff);
}

uint64_t get(const std::string& bytes, size_t at, int width) {
  uint64_t value = 0;
  for (int i = width - 1; i >= 0; --i) value = value << 8 | static_cast<uint8_t>(bytes[at + static_cast<size_t>(i)]);
  return value;
}

std::string keras_like_file() {
  return make_file("keras.h5", Format::earliest, [](hid_t root) {
    write_string_attribute(root, "keras_version", "2.4.0", true);
    write_string_attribute(root, "backend", "tensorflow", false);
    const hid_t group = H5Gcreate2(root, "dense", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    write_floats(group, "kernel:0", 4);
    H5Gclose(group);
  });
}

// A version 1 attribute message: version, reserved, sizes of name, datatype and dataspace (2
// bytes each), then each part padded to 8 bytes, then the data.
struct AttributeMessage {
  size_t start;  // of the message's data
  size_t name_size, datatype_size, dataspace_size;
  size_t datatype() const { return start + 8 + (name_size + 7) / 8 * 8; }
  size_t dataspace() const { return datatype() + (datatype_size + 7) / 8 * 8; }
  size_t data() const { return dataspace() + (dataspace_size + 7) / 8 * 8; }
};

AttributeMessage find_attribute(const std::string& bytes, const std::string& name) {
  const size_t at = bytes.find(name + '\0');
  EXPECT_NE(at, std::string::npos);
  AttributeMessage message{at - 8, get(bytes, at - 6, 2), get(bytes, at - 4, 2), get(bytes, at - 2, 2)};
  EXPECT_EQ(bytes[message.start], 1) << "not a version 1 attribute message";
  return message;
}

TEST(Hdf5StructureCheck, KerasLikeFileBeforeDamagePasses) { EXPECT_EQ(check(keras_like_file()), ""); }

// HDF5 1.10 decodes the datatype from wherever the message puts it, past the message's end.
TEST(Hdf5StructureCheck, AttributeDatatypeLargerThanItsMessageIsRefused) {
  std::string bytes = keras_like_file();
  const AttributeMessage attribute = find_attribute(bytes, "backend");
  put(bytes, attribute.start + 4, 65300, 2);
  EXPECT_TRUE(refused_saying(bytes, "w.h5: damaged HDF5 file (object /: the attribute message at byte"));
}

// HDF5 1.10 copies elements x size bytes of data without looking at the message's size.
TEST(Hdf5StructureCheck, AttributeHoldingLessDataThanItsShapeIsRefused) {
  std::string bytes = keras_like_file();
  const AttributeMessage attribute = find_attribute(bytes, "backend");
  // The fixed string's size: 11 bytes grow to 4096, the data stays 11.
  put(bytes, attribute.datatype() + 4, 4096, 4);
  EXPECT_TRUE(refused_saying(bytes, "holds less data than its datatype and dataspace claim"));
}

TEST(Hdf5StructureCheck, AttributeNameWithoutItsEndIsRefused) {
  std::string bytes = keras_like_file();
  const AttributeMessage attribute = find_attribute(bytes, "backend");
  const size_t padded = (attribute.name_size + 7) / 8 * 8;
  for (size_t i = 0; i < padded; ++i) bytes[attribute.start + 8 + i] = 'x';
  EXPECT_TRUE(refused_saying(bytes, "attribute name without its end"));
}

// A variable-length string: its length, its global heap collection, its index there.
TEST(Hdf5StructureCheck, StringMissingFromItsGlobalHeapIsRefused) {
  std::string bytes = keras_like_file();
  const AttributeMessage attribute = find_attribute(bytes, "keras_version");
  ASSERT_EQ(get(bytes, attribute.data(), 4), 5u);  // "2.4.0"
  put(bytes, attribute.data() + 12, 0x7fffffff, 4);
  EXPECT_TRUE(refused_saying(bytes, "refers to a string missing from its global heap"));
}

// An empty string is still read from its heap (only a collection address of 0 means none).
TEST(Hdf5StructureCheck, EmptyStringMissingFromItsGlobalHeapIsRefused) {
  std::string bytes = keras_like_file();
  const AttributeMessage attribute = find_attribute(bytes, "keras_version");
  put(bytes, attribute.data(), 0, 4);
  put(bytes, attribute.data() + 12, 13238273, 4);
  EXPECT_TRUE(refused_saying(bytes, "refers to a string missing from its global heap"));
}

// HDF5 1.10 reads the heap object into a buffer of the string's length.
TEST(Hdf5StructureCheck, HeapObjectLongerThanItsStringIsRefused) {
  std::string bytes = keras_like_file();
  const size_t collection = bytes.find("GCOL");
  ASSERT_NE(collection, std::string::npos);
  ASSERT_EQ(get(bytes, collection + 24, 8), 5u);  // the first object, "2.4.0"
  put(bytes, collection + 24, 8, 8);               // still inside its padding: the heap itself is sound
  EXPECT_TRUE(refused_saying(bytes, "refers to a global heap object whose size is not its length"));
}

TEST(Hdf5StructureCheck, ObjectPastTheEndOfTheFileIsRefused) {
  std::string bytes = keras_like_file();
  // The symbol node of the root group: its first entry is /dense (name offset, then the
  // object header's address).
  const size_t node = bytes.find("SNOD");
  ASSERT_NE(node, std::string::npos);
  put(bytes, node + 8 + 8, uint64_t{1} << 40, 8);
  EXPECT_TRUE(refused_saying(bytes, "lies past the end of the file"));
}

TEST(Hdf5StructureCheck, SymbolNodeClaimingMoreSymbolsThanItsRoomIsRefused) {
  std::string bytes = keras_like_file();
  const size_t node = bytes.find("SNOD");
  put(bytes, node + 6, 1000, 2);
  EXPECT_TRUE(refused_saying(bytes, "holds more symbols than it has room for"));
}

TEST(Hdf5StructureCheck, GroupNameRunningPastItsLocalHeapIsRefused) {
  std::string bytes = keras_like_file();
  const size_t heap = bytes.find("HEAP");
  ASSERT_NE(heap, std::string::npos);
  // The data segment: size (8 bytes at +8), free list (+16; 1 for none), address (+24). All
  // letters, no free space: every name runs to the heap's end and past it.
  put(bytes, heap + 16, 1, 8);
  const size_t size = get(bytes, heap + 8, 8);
  const size_t data = get(bytes, heap + 24, 8);
  for (size_t i = 0; i < size; ++i) bytes[data + i] = 'x';
  EXPECT_TRUE(refused_saying(bytes, "names a string that runs past its local heap"));
}

// A header continued in its own first chunk would be walked forever.
TEST(Hdf5StructureCheck, HeaderContinuingIntoItselfIsRefused) {
  std::string bytes = make_file("continued.h5", Format::earliest, [](hid_t root) {
    for (int i = 0; i < 40; ++i)  // more attributes than the first chunk holds
      write_string_attribute(root, ("attribute_" + std::to_string(i)).c_str(), "a value of some length", false);
  });
  // A version 1 message header: type 0x10 (2 bytes), size 16 (2 bytes), flags, 3 reserved.
  const std::string continuation("\x10\x00\x10\x00\x00\x00\x00\x00", 8);
  const size_t message = bytes.find(continuation);
  ASSERT_NE(message, std::string::npos);
  const uint64_t chunk = get(bytes, message + 8, 8);
  ASSERT_EQ(check(bytes), "");
  // Point the continuation's chunk at a copy of this message: it continues into itself.
  bytes.replace(chunk, 24, bytes.substr(message, 24));
  put(bytes, chunk + 16, 24, 8);
  const std::string refusal = check(bytes);
  EXPECT_NE(refusal.find("continues the header where it was before"), std::string::npos) << refusal;
}

TEST(Hdf5StructureCheck, ExternalLinkIsRefused) {
  const std::string bytes = make_file("external.h5", Format::latest, [](hid_t root) {
    H5Lcreate_external("/etc/other.h5", "/weights", root, "elsewhere", H5P_DEFAULT, H5P_DEFAULT);
  });
  EXPECT_EQ(check(bytes), "w.h5: the file links to another HDF5 file (an external link), which a weights file may not");
}

TEST(Hdf5StructureCheck, ExternalStorageIsRefused) {
  const std::string bytes = make_file("external_storage.h5", Format::earliest, [](hid_t root) {
    const hid_t creation = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_external(creation, "/etc/passwd", 0, 64);
    const hsize_t count = 16;
    const hid_t space = H5Screate_simple(1, &count, nullptr);
    H5Dclose(H5Dcreate2(root, "kernel", H5T_IEEE_F32LE, space, H5P_DEFAULT, creation, H5P_DEFAULT));
    H5Sclose(space);
    H5Pclose(creation);
  });
  EXPECT_TRUE(refused_saying(bytes, "keeps its data in other files (HDF5 external storage)"));
}

// HDF5 1.10 takes whatever a chunk's filters produce for a whole chunk.
TEST(Hdf5StructureCheck, FilteredDatasetsAreRefused) {
  const std::string bytes = make_file("gzip.h5", Format::earliest, [](hid_t root) {
    const hid_t creation = H5Pcreate(H5P_DATASET_CREATE);
    const hsize_t chunk = 8;
    H5Pset_chunk(creation, 1, &chunk);
    H5Pset_deflate(creation, 6);
    write_floats(root, "kernel", 64, creation);
    H5Pclose(creation);
  });
  EXPECT_EQ(check(bytes), "w.h5: a dataset is stored compressed or filtered (an HDF5 filter pipeline), which "
                          "bottleneck does not read (Keras writes none; h5repack -f NONE removes them)");
}

// An unfiltered chunk is read into a buffer of the size its B-tree key gives, then used whole.
TEST(Hdf5StructureCheck, ChunkStoredInOtherThanItsSizeIsRefused) {
  std::string bytes = make_file("chunked.h5", Format::earliest, [](hid_t root) {
    const hid_t creation = H5Pcreate(H5P_DATASET_CREATE);
    const hsize_t chunk = 8;
    H5Pset_chunk(creation, 1, &chunk);
    write_floats(root, "kernel", 64, creation);
    H5Pclose(creation);
  });
  ASSERT_EQ(check(bytes), "");
  // The chunk B-tree node: "TREE", type 1, level, entries, two siblings, then the first key's
  // chunk size (32 bytes: 8 floats).
  const size_t node = bytes.find("TREE\x01", 0);
  ASSERT_NE(node, std::string::npos);
  ASSERT_EQ(get(bytes, node + 24, 4), 32u);
  put(bytes, node + 24, 4, 4);
  EXPECT_TRUE(refused_saying(bytes, "object /kernel: the chunk B-tree node at byte"));
  EXPECT_TRUE(refused_saying(bytes, "holds a chunk of other than its size"));
}

// The public readers run the walk: from a file and from memory (a .keras archive's weights).
TEST(Hdf5StructureCheck, WeightReadersRefuseDamageBeforeHdf5ReadsIt) {
  std::string bytes = keras_like_file();
  const AttributeMessage attribute = find_attribute(bytes, "backend");
  put(bytes, attribute.start + 4, 65300, 2);
  const fs::path path = scratch_dir("damaged") / "w.h5";
  std::ofstream(path, std::ios::binary) << bytes;
  try {
    read_weights_file(path.string());
    ADD_FAILURE() << "read a damaged file";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path.string() + ": damaged HDF5 file (object /: the attribute message"), std::string::npos)
        << e.what();
  }
  try {
    read_weights_image(bytes, "m.keras: model.weights.h5");
    ADD_FAILURE() << "read a damaged image";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("m.keras: model.weights.h5: damaged HDF5 file"), std::string::npos) << e.what();
  }
}

// Storage never written holds no bytes to check: the shape passes the walk (HDF5 would read
// fill values), and the weights reader refuses a shape no weights file has before allocating.
TEST(Hdf5StructureCheck, UnwrittenDatasetOfAbsurdShapeIsLeftToTheReader) {
  const fs::path path = scratch_dir("unwritten") / "w.h5";
  const std::string bytes = make_file("unwritten.h5", Format::earliest, [](hid_t root) {
    const hid_t text = H5Tcopy(H5T_C_S1);
    H5Tset_size(text, 8);
    const hsize_t one = 1;
    const hid_t list = H5Screate_simple(1, &one, nullptr);
    const hid_t names = H5Acreate2(root, "layer_names", text, list, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(names, text, "dense\0\0\0");
    H5Aclose(names);
    const hid_t group = H5Gcreate2(root, "dense", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t weight_names = H5Acreate2(group, "weight_names", text, list, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(weight_names, text, "kernel\0\0");
    H5Aclose(weight_names);
    const hsize_t shape[2] = {hsize_t{1} << 20, hsize_t{1} << 20};
    const hid_t space = H5Screate_simple(2, shape, nullptr);
    const hid_t creation = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_alloc_time(creation, H5D_ALLOC_TIME_LATE);
    H5Dclose(H5Dcreate2(group, "kernel", H5T_IEEE_F32LE, space, H5P_DEFAULT, creation, H5P_DEFAULT));
    H5Pclose(creation);
    H5Sclose(space);
    H5Gclose(group);
    H5Sclose(list);
    H5Tclose(text);
  });
  EXPECT_EQ(check(bytes), "");
  std::ofstream(path, std::ios::binary) << bytes;
  try {
    read_weights_file(path.string());
    ADD_FAILURE() << "read 4 TiB of weights";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("dataset /dense/kernel has an absurd shape (1048576, 1048576)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace bottleneck
