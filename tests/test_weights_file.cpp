// Keras HDF5 weight files: the shared real files, every layout built here with the HDF5
// wrapper, damaged inputs, writing and reading back, and matching weights to a model.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numeric>
#include <thread>

#include "bottleneck/error.hpp"
#include "bottleneck/weights_file.hpp"
#include "io/hdf5_file.hpp"
#include "io/weights_assign.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;
using hdf5::StringStorage;
using testing::scratch_dir;
using testing::shared_dir;

// The message of the Error `action` throws, or a failure when it throws none.
template <typename Action>
std::string error_of(Action action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected bottleneck::Error";
  return "";
}

Tensor counting(Shape shape, float start) {
  Tensor t(std::move(shape));
  std::iota(t.begin(), t.end(), start);
  return t;
}

std::vector<float> values_of(const Tensor& t) { return std::vector<float>(t.begin(), t.end()); }

void write(const hdf5::Group& group, const std::string& name, const Tensor& t) {
  group.write_dataset(name, t.shape(), std::span<const float>(t.data(), static_cast<size_t>(t.size())));
}

// Creates `path` and lets `fill` lay it out from the root group.
template <typename Fill>
void build_file(const std::string& path, Fill fill) {
  hdf5::File file = hdf5::File::create(path, path);
  fill(file.root());
  file.close();
}

size_t weighted_count(const WeightsFile& file) {
  size_t n = 0;
  for (const auto& layer : file.layers) n += layer.variables.empty() ? 0 : 1;
  return n;
}

// A Keras 2 save_weights file as h5py writes it: input_1 (no weights), dense (2 variables).
void write_keras2_layout(const hdf5::Group& root, StringStorage names) {
  root.write_strings("layer_names", {"input_1", "dense"}, names);
  root.write_string("keras_version", "2.2.4", StringStorage::variable_length_utf8);
  root.write_string("backend", "tensorflow", StringStorage::fixed_length);
  root.create_group("input_1").write_empty_float64_array("weight_names");
  hdf5::Group dense = root.create_group("dense");
  dense.write_strings("weight_names", {"dense/kernel:0", "dense/bias:0"}, names);
  write(dense, "dense/kernel:0", counting({3, 2}, 1));
  write(dense, "dense/bias:0", counting({2}, 10));
}

void expect_keras2_layers(const WeightsFile& file) {
  ASSERT_EQ(file.layers.size(), 2u);
  EXPECT_EQ(file.layers[0].name, "input_1");
  EXPECT_TRUE(file.layers[0].variables.empty());
  const LayerWeights* dense = file.find("dense");
  ASSERT_NE(dense, nullptr);
  ASSERT_EQ(dense->variables.size(), 2u);
  EXPECT_EQ(dense->variables[0].name, "dense/kernel:0");
  EXPECT_EQ(dense->variables[0].value.shape(), (Shape{3, 2}));
  EXPECT_EQ(values_of(dense->variables[0].value), values_of(counting({3, 2}, 1)));
  EXPECT_EQ(dense->variables[1].name, "dense/bias:0");
  EXPECT_EQ(values_of(dense->variables[1].value), (std::vector<float>{10, 11}));
}

// ---------------------------------------------------------------------------------------
// The shared files

TEST(ReadWeightsFile, PublishedVgg16NotopLayout) {
  BOTTLENECK_REQUIRE_SHARED();
  WeightsFile file = read_weights_file((shared_dir() / "fixtures/vgg16_random_notop.h5").string());
  EXPECT_EQ(file.format, "keras1");
  EXPECT_EQ(file.keras_version, "");
  ASSERT_EQ(file.layers.size(), 18u);
  EXPECT_EQ(file.layers.front().name, "block1_conv1");
  EXPECT_EQ(file.layers.back().name, "block5_pool");
  EXPECT_EQ(weighted_count(file), 13u);
  for (const char* pool : {"block1_pool", "block2_pool", "block3_pool", "block4_pool", "block5_pool"}) {
    ASSERT_NE(file.find(pool), nullptr) << pool;
    EXPECT_TRUE(file.find(pool)->variables.empty()) << pool;
  }
  const LayerWeights* first = file.find("block1_conv1");
  ASSERT_EQ(first->variables.size(), 2u);
  EXPECT_EQ(first->variables[0].name, "block1_conv1_W_1:0");
  EXPECT_EQ(first->variables[0].value.shape(), (Shape{3, 3, 3, 64}));
  EXPECT_EQ(first->variables[1].name, "block1_conv1_b_1:0");
  EXPECT_EQ(first->variables[1].value.shape(), (Shape{64}));
  // Values read with h5py: kernel[0,0,0,0] and kernel[2,1,0,63] (flat 1407).
  EXPECT_FLOAT_EQ(first->variables[0].value[0], -0.13608277f);
  EXPECT_FLOAT_EQ(first->variables[0].value[1407], -0.4082483f);
  const LayerWeights* last = file.find("block5_conv3");
  EXPECT_EQ(last->variables[0].value.shape(), (Shape{3, 3, 512, 512}));
  EXPECT_FLOAT_EQ(last->variables[0].value[last->variables[0].value.size() - 1], 0.020833334f);
}

TEST(ReadWeightsFile, RealSqueezeNetKeras1WithNestedNames) {
  BOTTLENECK_REQUIRE_SHARED();
  WeightsFile file = read_weights_file((shared_dir() / "weights/squeezenet_v1.1_keras_notop.h5").string());
  EXPECT_EQ(file.format, "keras1");
  EXPECT_EQ(file.layers.size(), 63u);
  EXPECT_EQ(file.layers.front().name, "input_1");
  EXPECT_EQ(weighted_count(file), 25u);
  const LayerWeights* conv1 = file.find("conv1");
  ASSERT_NE(conv1, nullptr);
  EXPECT_EQ(conv1->variables[0].name, "uniform1");
  EXPECT_EQ(conv1->variables[0].value.shape(), (Shape{3, 3, 3, 64}));
  EXPECT_FLOAT_EQ(conv1->variables[0].value[965], -0.10870082f);  // [1,2,0,5], from h5py
  const LayerWeights* expand = file.find("fire2/expand1x1");
  ASSERT_NE(expand, nullptr);
  ASSERT_EQ(expand->variables.size(), 2u);
  EXPECT_EQ(expand->variables[0].name, "uniform3");
  EXPECT_EQ(expand->variables[0].value.shape(), (Shape{1, 1, 16, 64}));
  EXPECT_FLOAT_EQ(expand->variables[0].value[1023], -0.19044778f);
  EXPECT_EQ(expand->variables[1].name, "fire2/expand1x1_b");
  EXPECT_EQ(expand->variables[1].value.shape(), (Shape{64}));
  EXPECT_FLOAT_EQ(expand->variables[1].value[0], 0.00090057903f);
  EXPECT_EQ(file.find("fire9/expand3x3")->variables[0].value.shape(), (Shape{3, 3, 64, 256}));
  EXPECT_TRUE(file.find("fire2/concat")->variables.empty());
}

TEST(ReadWeightsFile, TruncatedCopyIsAnErrorNamingTheFile) {
  BOTTLENECK_REQUIRE_SHARED();
  fs::path truncated = scratch_dir("weights_truncated") / "squeezenet_first_100k.h5";
  {
    std::ifstream in(shared_dir() / "weights/squeezenet_v1.1_keras_notop.h5", std::ios::binary);
    std::vector<char> head(100 * 1024);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    std::ofstream(truncated, std::ios::binary).write(head.data(), in.gcount());
  }
  std::string message = error_of([&] { read_weights_file(truncated.string()); });
  EXPECT_NE(message.find(truncated.string()), std::string::npos) << message;
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

// ---------------------------------------------------------------------------------------
// Layouts built here

TEST(ReadWeightsFile, NotHdf5OrMissingIsAnErrorNamingTheFile) {
  fs::path dir = scratch_dir("weights_not_hdf5");
  fs::path text = dir / "notes.h5";
  std::ofstream(text) << "these are not weights\n";
  std::string message = error_of([&] { read_weights_file(text.string()); });
  EXPECT_NE(message.find(text.string()), std::string::npos) << message;
  EXPECT_NE(message.find("not an HDF5 file"), std::string::npos) << message;
  fs::path missing = dir / "absent.h5";
  message = error_of([&] { read_weights_file(missing.string()); });
  EXPECT_NE(message.find(missing.string()), std::string::npos) << message;
}

TEST(ReadWeightsFile, Keras2SaveWeightsFixedLengthNames) {
  std::string path = (scratch_dir("weights_keras2_fixed") / "w.h5").string();
  build_file(path, [](const hdf5::Group& root) {
    write_keras2_layout(root, StringStorage::fixed_length);
  });
  WeightsFile file = read_weights_file(path);
  EXPECT_EQ(file.format, "keras2");
  EXPECT_EQ(file.keras_version, "2.2.4");
  EXPECT_EQ(file.backend, "tensorflow");
  EXPECT_FALSE(file.model_config);
  expect_keras2_layers(file);
}

TEST(ReadWeightsFile, Keras2SaveWeightsVariableLengthNames) {
  std::string path = (scratch_dir("weights_keras2_vlen") / "w.h5").string();
  build_file(path, [](const hdf5::Group& root) {
    write_keras2_layout(root, StringStorage::variable_length_ascii);
  });
  expect_keras2_layers(read_weights_file(path));
}

TEST(ReadWeightsFile, ChunkedLayerNamesAttributes) {
  std::string path = (scratch_dir("weights_chunked") / "w.h5").string();
  build_file(path, [](const hdf5::Group& root) {
    root.write_strings("layer_names0", {"input_1"}, StringStorage::fixed_length, 7);
    root.write_strings("layer_names1", {"dense"}, StringStorage::fixed_length, 7);
    root.write_string("keras_version", "2.4.0", StringStorage::variable_length_ascii);
    root.create_group("input_1").write_empty_float64_array("weight_names");
    hdf5::Group dense = root.create_group("dense");
    dense.write_strings("weight_names0", {"dense/kernel:0"}, StringStorage::fixed_length);
    dense.write_strings("weight_names1", {"dense/bias:0"}, StringStorage::variable_length_utf8);
    write(dense, "dense/kernel:0", counting({3, 2}, 1));
    write(dense, "dense/bias:0", counting({2}, 10));
  });
  expect_keras2_layers(read_weights_file(path));
}

TEST(ReadWeightsFile, Keras2ModelSaveLayout) {
  std::string path = (scratch_dir("weights_model_save") / "m.h5").string();
  build_file(path, [](const hdf5::Group& root) {
    root.write_string("keras_version", "2.4.0", StringStorage::variable_length_utf8);
    root.write_string("backend", "tensorflow", StringStorage::variable_length_utf8);
    root.write_string("model_config", R"({"class_name": "Sequential", "config": {}})", StringStorage::fixed_length);
    root.write_string("training_config", R"({"loss": "binary_crossentropy"})", StringStorage::fixed_length);
    write_keras2_layout(root.create_group("model_weights"), StringStorage::fixed_length);
    root.create_group("optimizer_weights");
  });
  WeightsFile file = read_weights_file(path);
  EXPECT_EQ(file.format, "keras2-model");
  EXPECT_EQ(file.keras_version, "2.4.0");  // the root's, not /model_weights'
  ASSERT_TRUE(file.model_config);
  EXPECT_EQ(*file.model_config, R"({"class_name": "Sequential", "config": {}})");
  ASSERT_TRUE(file.training_config);
  EXPECT_EQ(*file.training_config, R"({"loss": "binary_crossentropy"})");
  expect_keras2_layers(file);
}

TEST(ReadWeightsFile, Keras3WeightsLayoutWithNestedModel) {
  std::string path = (scratch_dir("weights_keras3") / "model.weights.h5").string();
  build_file(path, [](const hdf5::Group& root) {
    root.create_group("vars");
    write(root, "optimizer/vars/0", counting({1}, 0));
    root.create_group("layers/input_layer/vars");
    for (const char* name : {"dense", "dense_2", "dense_10"}) {
      write(root, std::string("layers/") + name + "/vars/0", counting({4, 4}, 0));
      write(root, std::string("layers/") + name + "/vars/1", counting({4}, 100));
    }
    root.create_group("layers/dropout/vars");
    std::vector<int32_t> seed_state{1337, 0};
    root.open_group("layers/dropout").write_dataset("seed_generator/vars/0", {2}, std::span<const int32_t>(seed_state));
    root.create_group("layers/multi_head_attention/vars");
    write(root, "layers/multi_head_attention/query_dense/vars/0", counting({4, 2, 2}, 0));
    root.create_group("layers/functional/vars");
    write(root, "layers/functional/layers/conv2d/vars/0", counting({3, 3, 3, 8}, 0));
    write(root, "layers/functional/layers/conv2d/vars/1", counting({8}, 0));
    root.create_group("layers/functional/layers/max_pooling2d/vars");
  });
  WeightsFile file = read_weights_file(path);
  EXPECT_EQ(file.format, "keras3");
  std::vector<std::string> names;
  for (const auto& layer : file.layers) names.push_back(layer.name);
  // Natural order; the dropout's seed-generator state (integers) is not a weight.
  EXPECT_EQ(names, (std::vector<std::string>{"dense", "dense_2", "dense_10", "dropout", "functional/conv2d",
                                             "functional/max_pooling2d", "input_layer", "multi_head_attention",
                                             "multi_head_attention/query_dense"}));
  EXPECT_TRUE(file.find("dropout")->variables.empty());
  const LayerWeights* dense = file.find("dense_10");
  ASSERT_EQ(dense->variables.size(), 2u);
  EXPECT_EQ(dense->variables[0].name, "vars/0");
  EXPECT_EQ(dense->variables[1].value.shape(), (Shape{4}));
  EXPECT_EQ(dense->variables[1].value[3], 103.0f);
  EXPECT_EQ(file.find("functional/conv2d")->variables[0].value.shape(), (Shape{3, 3, 3, 8}));
  EXPECT_TRUE(file.find("functional/max_pooling2d")->variables.empty());
}

TEST(ReadWeightsFile, Float64DatasetsBecomeFloat32) {
  std::string path = (scratch_dir("weights_float64") / "w.h5").string();
  build_file(path, [](const hdf5::Group& root) {
    root.write_strings("layer_names", {"dense"}, StringStorage::fixed_length);
    hdf5::Group dense = root.create_group("dense");
    dense.write_strings("weight_names", {"kernel"}, StringStorage::fixed_length);
    std::vector<double> values{0.5, -1.25, 3.0};
    dense.write_dataset("kernel", {3}, std::span<const double>(values));
  });
  WeightsFile file = read_weights_file(path);
  EXPECT_EQ(values_of(file.find("dense")->variables[0].value), (std::vector<float>{0.5f, -1.25f, 3.0f}));
}

// Keras' Normalization layer keeps its count as an int64 weight.
TEST(ReadWeightsFile, IntegerDatasetIsReadAsFloat) {
  std::string path = (scratch_dir("weights_int") / "w.h5").string();
  build_file(path, [](const hdf5::Group& root) {
    root.write_strings("layer_names", {"normalization"}, StringStorage::fixed_length);
    hdf5::Group layer = root.create_group("normalization");
    layer.write_strings("weight_names", {"normalization/count:0"}, StringStorage::fixed_length);
    std::vector<int32_t> values{1, 2, 300};
    layer.write_dataset("normalization/count:0", {3}, std::span<const int32_t>(values));
  });
  const WeightsFile file = read_weights_file(path);
  const Tensor& count = file.layers.at(0).variables.at(0).value;
  EXPECT_EQ(std::vector<float>(count.begin(), count.end()), (std::vector<float>{1, 2, 300}));
}

TEST(ReadWeightsFile, MissingLayerGroupOrVariableIsAnErrorNamingBoth) {
  std::string path = (scratch_dir("weights_missing") / "w.h5").string();
  build_file(path, [](const hdf5::Group& root) {
    root.write_strings("layer_names", {"dense", "dense_1"}, StringStorage::fixed_length);
    root.create_group("dense").write_empty_float64_array("weight_names");
  });
  std::string message = error_of([&] { read_weights_file(path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("dense_1"), std::string::npos) << message;

  build_file(path, [](const hdf5::Group& root) {
    root.write_strings("layer_names", {"dense"}, StringStorage::fixed_length);
    root.create_group("dense").write_strings("weight_names", {"dense/kernel:0"}, StringStorage::fixed_length);
  });
  message = error_of([&] { read_weights_file(path); });
  EXPECT_NE(message.find("dense/kernel:0"), std::string::npos) << message;
}

TEST(ReadWeightsFile, HdfWithoutKerasLayoutIsAnError) {
  std::string path = (scratch_dir("weights_no_layout") / "w.h5").string();
  build_file(path, [](const hdf5::Group& root) {
    root.create_group("something");
  });
  std::string message = error_of([&] { read_weights_file(path); });
  EXPECT_NE(message.find("not a Keras weights file"), std::string::npos) << message;
}

// A file whose (7, 11) kernel's header was edited to claim the shape (rows, columns).
std::string kernel_file_claiming(const std::string& name, uint64_t rows, uint64_t columns) {
  std::string path = (scratch_dir(name) / "w.h5").string();
  build_file(path, [](const hdf5::Group& root) {
    root.write_strings("layer_names", {"dense"}, StringStorage::fixed_length);
    hdf5::Group dense = root.create_group("dense");
    dense.write_strings("weight_names", {"kernel"}, StringStorage::fixed_length);
    write(dense, "kernel", counting({7, 11}, 0));
  });
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  // The dataspace message holds the dimensions as little-endian 64-bit numbers, and the
  // maximum dimensions the same way right after.
  auto little_endian = [](uint64_t a, uint64_t b) {
    std::string out;
    for (uint64_t v : {a, b})
      for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
    return out;
  };
  const std::string original = little_endian(7, 11), claimed = little_endian(rows, columns);
  int patched = 0;
  for (size_t at = bytes.find(original); at != std::string::npos; at = bytes.find(original, at + 16), ++patched)
    bytes.replace(at, 16, claimed);
  EXPECT_TRUE(patched == 1 || patched == 2) << patched;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// keras_version as h5py writes a str, in a global heap object; the object's size edited to
// claim 20 GiB in its 4 KiB collection. HDF5 1.10 copied 20 GiB from the collection when
// reading the string (a crash, found by fuzz_weights); the file and its image are refused.
TEST(ReadWeightsFile, GlobalHeapObjectLargerThanItsCollectionIsRefused) {
  const std::string path = (scratch_dir("weights_heap_overrun") / "w.h5").string();
  build_file(path, [](const hdf5::Group& root) {
    root.write_strings("layer_names", {"dense"}, StringStorage::fixed_length);
    root.write_string("keras_version", "2.4.0", StringStorage::variable_length_utf8);
  });
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  // The collection's 16-byte header, then the first object: index 1, its count, 4 reserved
  // bytes and its size.
  const size_t collection = bytes.find("GCOL");
  ASSERT_NE(collection, std::string::npos);
  ASSERT_EQ(bytes[collection + 16], 1);
  const uint64_t claimed = uint64_t{20} << 30;
  for (int i = 0; i < 8; ++i) bytes[collection + 24 + i] = static_cast<char>((claimed >> (8 * i)) & 0xff);
  std::ofstream(path, std::ios::binary) << bytes;

  const std::string message = error_of([&] { read_weights_file(path); });
  EXPECT_NE(message.find(path + ": damaged HDF5 file"), std::string::npos) << message;
  const std::string image_message = error_of([&] { read_weights_image(bytes, "m.keras: model.weights.h5"); });
  EXPECT_NE(image_message.find("m.keras: model.weights.h5: damaged HDF5 file"), std::string::npos) << image_message;
}

// Refused before anything that size is allocated (it would be 4 EiB).
TEST(ReadWeightsFile, AbsurdDatasetShapeIsRefused) {
  std::string path = kernel_file_claiming("weights_absurd", uint64_t{1} << 40, uint64_t{1} << 40);
  std::string message = error_of([&] { read_weights_file(path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("damaged HDF5 file (object /dense/kernel: the dataspace message"), std::string::npos) << message;
  EXPECT_NE(message.find("holds more elements than 64 bits count"), std::string::npos) << message;
}

// 64 MiB of float32 claimed by a file of a few KiB.
TEST(ReadWeightsFile, DatasetLargerThanTheFileIsRefused) {
  std::string path = kernel_file_claiming("weights_overlong", 1 << 20, 16);
  std::string message = error_of([&] { read_weights_file(path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("damaged HDF5 file (object /dense/kernel: the object header"), std::string::npos) << message;
  EXPECT_NE(message.find("stores its data in fewer bytes than its shape and datatype need"), std::string::npos)
      << message;
}

// ---------------------------------------------------------------------------------------
// Writing

std::vector<LayerWeights> small_model_layers() {
  return {{"input_1", {}},
          {"flatten", {}},
          {"dense", {{"dense/kernel:0", counting({6, 4}, 0)}, {"dense/bias:0", counting({4}, -2)}}},
          {"dropout", {}},
          {"dense_1", {{"dense_1/kernel:0", counting({4, 1}, 0.5f)}, {"dense_1/bias:0", counting({1}, 7)}}}};
}

void expect_same_layers(const std::vector<LayerWeights>& got, const std::vector<LayerWeights>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].name, want[i].name);
    ASSERT_EQ(got[i].variables.size(), want[i].variables.size()) << want[i].name;
    for (size_t v = 0; v < want[i].variables.size(); ++v) {
      EXPECT_EQ(got[i].variables[v].name, want[i].variables[v].name);
      EXPECT_EQ(got[i].variables[v].value.shape(), want[i].variables[v].value.shape());
      EXPECT_EQ(values_of(got[i].variables[v].value), values_of(want[i].variables[v].value));
    }
  }
}

TEST(WriteWeightsFile, SaveWeightsRoundTripInKerasLayout) {
  fs::path dir = scratch_dir("weights_write");
  std::string path = (dir / "head.h5").string();
  write_keras_weights_file(path, small_model_layers());
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1) << "temporary file left";

  WeightsFile file = read_weights_file(path);
  EXPECT_EQ(file.format, "keras2");
  EXPECT_EQ(file.keras_version, "2.4.0");
  EXPECT_EQ(file.backend, "tensorflow");
  expect_same_layers(file.layers, small_model_layers());

  // What Keras' loader looks at, attribute by attribute.
  hdf5::File raw = hdf5::File::open_read_only(path);
  hdf5::Group root = raw.root();
  EXPECT_EQ(root.read_strings("layer_names"),
            (std::vector<std::string>{"input_1", "flatten", "dense", "dropout", "dense_1"}));
  EXPECT_EQ(root.open_group("flatten").read_strings("weight_names"), std::vector<std::string>{});
  EXPECT_EQ(root.node_kind("dense/dense/kernel:0"), hdf5::NodeKind::dataset);
  EXPECT_EQ(root.node_kind("dense_1/dense_1"), hdf5::NodeKind::group);
}

TEST(WriteWeightsFile, ModelSaveRoundTrip) {
  std::string path = (scratch_dir("weights_write_model") / "model.h5").string();
  const std::string config = R"({"class_name": "Sequential", "config": {"name": "head", "layers": []}})";
  const std::string training = R"({"loss": "binary_crossentropy", "metrics": ["accuracy"]})";
  write_keras_model_file(path, config, small_model_layers(), training);
  WeightsFile file = read_weights_file(path);
  EXPECT_EQ(file.format, "keras2-model");
  EXPECT_EQ(file.keras_version, "2.4.0");
  ASSERT_TRUE(file.model_config);
  EXPECT_EQ(*file.model_config, config);
  ASSERT_TRUE(file.training_config);
  EXPECT_EQ(*file.training_config, training);
  expect_same_layers(file.layers, small_model_layers());

  EXPECT_NE(error_of([&] { write_keras_model_file(path, "{not json", small_model_layers()); }).find(path),
            std::string::npos);
  EXPECT_EQ(read_weights_file(path).model_config, config) << "a failed write must leave the old file";
}

TEST(WriteWeightsFile, SameWeightsGiveTheSameBytesAtAnyTime) {
  // HDF5 would stamp each object with its creation time (whole seconds): wait past one.
  const fs::path dir = scratch_dir("weights_write_reproducible");
  write_keras_model_file((dir / "first.h5").string(), "{}", small_model_layers(), "{}");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  write_keras_model_file((dir / "second.h5").string(), "{}", small_model_layers(), "{}");
  auto bytes = [](const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(bytes(dir / "first.h5"), bytes(dir / "second.h5"));
}

TEST(WriteWeightsFile, ManyLayersSplitLayerNamesLikeKeras) {
  std::vector<LayerWeights> layers;
  for (int i = 0; i < 3000; ++i) layers.push_back({"a_rather_long_layer_name_" + std::to_string(i), {}});
  layers.back().variables.push_back({"kernel:0", counting({2}, 1)});
  std::string path = (scratch_dir("weights_write_chunked") / "many.h5").string();
  write_keras_weights_file(path, layers);
  {
    hdf5::File raw = hdf5::File::open_read_only(path);
    hdf5::Group root = raw.root();
    EXPECT_FALSE(root.has_attribute("layer_names"));
    EXPECT_TRUE(root.has_attribute("layer_names0"));
    EXPECT_TRUE(root.has_attribute("layer_names1"));
    EXPECT_EQ(root.read_strings("layer_names0").size(), 1500u);  // numpy.array_split halves
  }
  expect_same_layers(read_weights_file(path).layers, layers);
}

TEST(WriteWeightsFile, UnwritablePathIsAnError) {
  std::string path = (scratch_dir("weights_write_bad") / "no/such/dir/w.h5").string();
  EXPECT_NE(error_of([&] { write_keras_weights_file(path, small_model_layers()); }).find(path), std::string::npos);
  EXPECT_FALSE(fs::exists(path));
}

// ---------------------------------------------------------------------------------------
// assign_weights

WeightsFile head_file() {
  WeightsFile file;
  file.format = "keras2";
  file.layers = small_model_layers();
  return file;
}

std::vector<detail::WeightTarget> head_targets(const std::string& first, const std::string& second) {
  return {{first, {Tensor({6, 4}), Tensor({4})}}, {second, {Tensor({4, 1}), Tensor({1})}}};
}

TEST(AssignWeights, ByName) {
  std::vector<detail::WeightTarget> targets = head_targets("dense_1", "dense");  // model order differs
  targets[0].destinations = {Tensor({4, 1}), Tensor({1})};
  targets[1].destinations = {Tensor({6, 4}), Tensor({4})};
  EXPECT_EQ(detail::assign_weights(head_file(), targets, "head.h5"), 2u);
  EXPECT_EQ(values_of(targets[0].destinations[0]), values_of(counting({4, 1}, 0.5f)));
  EXPECT_EQ(values_of(targets[1].destinations[1]), values_of(counting({4}, -2)));
}

TEST(AssignWeights, InOrderWhenNoNameMatches) {
  std::vector<detail::WeightTarget> targets = head_targets("fc1", "predictions");
  EXPECT_EQ(detail::assign_weights(head_file(), targets, "head.h5"), 2u);
  EXPECT_EQ(values_of(targets[0].destinations[0]), values_of(counting({6, 4}, 0)));
  EXPECT_EQ(values_of(targets[1].destinations[1]), (std::vector<float>{7}));
}

TEST(AssignWeights, InOrderNeedsEqualCounts) {
  std::vector<detail::WeightTarget> targets = head_targets("fc1", "predictions");
  targets.push_back({"extra", {Tensor({1})}});
  std::string message = error_of([&] { detail::assign_weights(head_file(), targets, "head.h5"); });
  EXPECT_NE(message.find("head.h5"), std::string::npos) << message;
  EXPECT_NE(message.find("2 layers with weights"), std::string::npos) << message;
  EXPECT_NE(message.find("has 3"), std::string::npos) << message;
}

TEST(AssignWeights, ShapeMismatchNamesLayerAndShapesAndChangesNothing) {
  std::vector<detail::WeightTarget> targets = head_targets("dense", "dense_1");
  targets[1].destinations[0] = Tensor({4, 2}, -1.0f);
  std::string message = error_of([&] { detail::assign_weights(head_file(), targets, "head.h5"); });
  EXPECT_NE(message.find("head.h5"), std::string::npos) << message;
  EXPECT_NE(message.find("dense_1"), std::string::npos) << message;
  EXPECT_NE(message.find("expected shape (4, 2)"), std::string::npos) << message;
  EXPECT_NE(message.find("found (4, 1)"), std::string::npos) << message;
  EXPECT_EQ(values_of(targets[0].destinations[0]), std::vector<float>(24, 0.0f)) << "nothing copied on failure";
}

TEST(AssignWeights, ModelLayerMissingFromFileNamesBoth) {
  std::vector<detail::WeightTarget> targets = head_targets("dense", "predictions");
  std::string message = error_of([&] { detail::assign_weights(head_file(), targets, "head.h5"); });
  EXPECT_NE(message.find("head.h5"), std::string::npos) << message;
  EXPECT_NE(message.find("predictions"), std::string::npos) << message;
}

TEST(AssignWeights, VariableCountMismatch) {
  std::vector<detail::WeightTarget> targets = head_targets("dense", "dense_1");
  targets[0].destinations.pop_back();
  std::string message = error_of([&] { detail::assign_weights(head_file(), targets, "head.h5"); });
  EXPECT_NE(message.find("expects 1 weights"), std::string::npos) << message;
}

TEST(AssignWeights, SharedVgg16IntoModelShapes) {
  BOTTLENECK_REQUIRE_SHARED();
  WeightsFile file = read_weights_file((shared_dir() / "fixtures/vgg16_random_notop.h5").string());
  std::vector<detail::WeightTarget> targets;
  for (const auto& layer : file.layers)
    if (!layer.variables.empty())
      targets.push_back({layer.name, {Tensor(layer.variables[0].value.shape()), Tensor(layer.variables[1].value.shape())}});
  EXPECT_EQ(detail::assign_weights(file, targets, "vgg16.h5"), 13u);
  EXPECT_FLOAT_EQ(targets[0].destinations[0][1407], -0.4082483f);
}

}  // namespace
}  // namespace bottleneck
