// bottleneck train / evaluate / predict on the head fixtures, as a user runs them.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bottleneck/layers.hpp"
#include "bottleneck/model.hpp"
#include "bottleneck/npy.hpp"
#include "bottleneck/weights_file.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;

fs::path fixture(const std::string& name) { return testing::shared_dir() / "fixtures" / "training" / name; }

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> split(const std::string& line, char separator) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  for (std::string field; std::getline(stream, field, separator);) fields.push_back(field);
  return fields;
}

void expect_relative(double got, double expected, const std::string& what) {
  EXPECT_LE(std::fabs(got - expected), 1e-4 * std::max(std::fabs(expected), 1e-6))
      << what << ": got " << got << ", expected " << expected;
}

// A feature folder as `extract` writes it, from the fixture's arrays.
fs::path feature_folder(const fs::path& root, const fs::path& dir, const std::string& split_name) {
  fs::path out = root / split_name;
  fs::create_directories(out);
  fs::copy_file(dir / ("x_" + split_name + ".npy"), out / "features.npy");
  fs::copy_file(dir / ("y_" + split_name + ".npy"), out / "labels.npy");
  return out;
}

struct TrainedHead {
  fs::path root, train, val, model;
  nlohmann::json trace;
  testing::CommandResult result;
};

TrainedHead train_fixture(const std::string& name, const std::vector<std::string>& optimizer_args) {
  const fs::path dir = fixture(name);
  TrainedHead t;
  t.root = testing::scratch_dir("cli_train_" + name);
  t.train = feature_folder(t.root, dir, "train");
  t.val = feature_folder(t.root, dir, "val");
  t.model = t.root / "head.h5";
  std::ifstream in(dir / "trace.json");
  t.trace = nlohmann::json::parse(in);
  std::vector<std::string> args{"train", "--train", t.train.string(), "--val", t.val.string(), "-o", t.model.string(),
                                "--head", "flatten,dense:16:relu,dense:1:sigmoid", "--init-weights",
                                (dir / "init_weights_keras2.h5").string(), "--no-shuffle", "--epochs", "3",
                                "--batch-size", "16", "--history", (t.root / "history.csv").string(), "--plot",
                                (t.root / "history.svg").string()};
  args.insert(args.end(), optimizer_args.begin(), optimizer_args.end());
  t.result = run_cli(args);
  return t;
}

void check_trained(const TrainedHead& t, const std::string& name) {
  ASSERT_EQ(t.result.exit_code, 0) << t.result.err;
  // Keras' log, line for line (times vary).
  std::vector<std::string> log = lines_of(t.result.out);
  ASSERT_EQ(log.size(), 7u) << t.result.out;
  EXPECT_EQ(log[0], "Train on 64 samples, validate on 40 samples");
  EXPECT_EQ(log[1], "Epoch 1/3");
  EXPECT_EQ(log[2].substr(0, 41), "64/64 [==============================] - ");
  EXPECT_NE(log[6].find("/step - loss: "), std::string::npos) << log[6];

  // History CSV: Keras' CSVLogger layout, full precision, against the trace.
  std::vector<std::string> csv = lines_of(read_text(t.root / "history.csv"));
  ASSERT_EQ(csv.size(), 4u);
  EXPECT_EQ(csv[0], "epoch,acc,loss,val_acc,val_loss");
  const std::vector<std::string> columns = split(csv[0], ',');
  for (size_t e = 0; e < 3; ++e) {
    std::vector<std::string> row = split(csv[e + 1], ',');
    ASSERT_EQ(row.size(), columns.size());
    for (size_t c = 1; c < columns.size(); ++c)
      expect_relative(std::stod(row[c]), t.trace["history"][e][columns[c]].get<double>(),
                      name + " epoch " + std::to_string(e + 1) + " " + columns[c]);
  }
  EXPECT_NE(read_text(t.root / "history.svg").find("<svg"), std::string::npos);

  // The saved model: Keras 2 layout with the trained weights.
  WeightsFile file = read_weights_file(t.model.string());
  EXPECT_EQ(file.format, "keras2-model");
  ASSERT_TRUE(file.model_config.has_value());
  EXPECT_EQ(nlohmann::json::parse(*file.model_config)["class_name"], "Sequential");
  const std::vector<std::pair<std::string, std::string>> finals{{"dense", "dense1"}, {"dense_1", "dense2"}};
  for (const auto& [layer, prefix] : finals) {
    const LayerWeights* weights = file.find(layer);
    ASSERT_NE(weights, nullptr) << layer;
    ASSERT_EQ(weights->variables.size(), 2u);
    for (int v = 0; v < 2; ++v) {
      Tensor expected = load_npy((fixture(name) / (prefix + (v ? "_bias" : "_kernel") + "_final.npy")).string());
      const Tensor& got = weights->variables[v].value;
      ASSERT_EQ(got.shape(), expected.shape());
      float peak = 0.0f;
      for (float x : expected) peak = std::max(peak, std::fabs(x));
      for (int64_t i = 0; i < got.size(); ++i) EXPECT_LE(std::fabs(got[i] - expected[i]), 1e-4f * peak) << layer;
    }
  }
}

TEST(CliTrain, ReproducesTheAdadeltaFixture) {
  BOTTLENECK_REQUIRE_SHARED();
  check_trained(train_fixture("head_adadelta", {}), "head_adadelta");
}

TEST(CliTrain, ReproducesTheSgdMomentumFixture) {
  BOTTLENECK_REQUIRE_SHARED();
  check_trained(train_fixture("head_sgd_momentum", {"--optimizer", "sgd", "--lr", "0.01", "--momentum", "0.9"}),
                "head_sgd_momentum");
}

TEST(CliTrain, EvaluateAndPredictAgreeWithTheLastEpoch) {
  BOTTLENECK_REQUIRE_SHARED();
  TrainedHead t = train_fixture("head_adadelta", {});
  ASSERT_EQ(t.result.exit_code, 0) << t.result.err;
  const nlohmann::json& last = t.trace["history"][2];

  testing::CommandResult evaluated = run_cli({"evaluate", t.model.string(), t.val.string(), "--batch-size", "16", "--quiet"});
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.err;
  std::vector<std::string> fields = split(lines_of(evaluated.out).at(0), ' ');
  ASSERT_EQ(fields.size(), 5u) << evaluated.out;  // loss: X - acc: Y
  EXPECT_EQ(fields[0], "loss:");
  EXPECT_EQ(fields[3], "acc:");
  expect_relative(std::stod(fields[1]), last["val_loss"].get<double>(), "evaluate loss");
  expect_relative(std::stod(fields[4]), last["val_acc"].get<double>(), "evaluate acc");

  testing::CommandResult predicted = run_cli({"predict", t.model.string(), t.val.string()});
  ASSERT_EQ(predicted.exit_code, 0) << predicted.err;
  std::vector<std::string> rows = lines_of(predicted.out);
  ASSERT_EQ(rows.size(), 41u);
  EXPECT_EQ(rows[0], "file,probability,class");
  std::unique_ptr<Model> model = load_model(t.model.string());
  Tensor x_val = load_npy((t.val / "features.npy").string());
  Tensor y_val = load_npy((t.val / "labels.npy").string());
  Tensor probabilities = model->predict(x_val);
  int correct = 0;
  for (int64_t n = 0; n < 40; ++n) {
    std::vector<std::string> row = split(rows[n + 1], ',');
    ASSERT_EQ(row.size(), 3u);
    EXPECT_NEAR(std::stod(row[1]), probabilities[n], 1e-6);
    correct += std::stoi(row[2]) == static_cast<int>(y_val[n]);
  }
  expect_relative(correct / 40.0, last["val_acc"].get<double>(), "accuracy from predict's classes");
}

TEST(CliPredict, ImagesThroughTheBaseNetworkGiveWhatTheirFeaturesGive) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path root = testing::scratch_dir("cli_predict_images");
  const fs::path images = root / "images";
  const fs::path fixtures = testing::shared_dir() / "fixtures" / "images";
  fs::create_directories(images / "a");
  fs::create_directories(images / "b");
  fs::copy_file(fixtures / "photo_500x375.jpg", images / "a" / "photo.jpg");
  fs::copy_file(fixtures / "gray_300x200.jpg", images / "a" / "gray.jpg");
  fs::copy_file(fixtures / "exact_224x224.png", images / "b" / "exact.png");
  const std::string weights = (testing::shared_dir() / "weights" / "squeezenet_v1.1_keras_notop.h5").string();
  testing::CommandResult extracted = run_cli({"extract", images.string(), "-o", (root / "features").string(), "--model",
                                              "squeezenet", "--weights", weights, "--quiet"});
  ASSERT_EQ(extracted.exit_code, 0) << extracted.err;

  // A head for SqueezeNet's 13x13x512 features, saved untrained.
  clear_session();
  Sequential head;
  head.add(Input({13, 13, 512}));
  head.add(GlobalAveragePooling2D());
  head.add(Dense(1, "sigmoid"));
  head.compile("adadelta", "binary_crossentropy", {"accuracy"});
  head.save((root / "head.h5").string());

  testing::CommandResult from_features = run_cli({"predict", (root / "head.h5").string(), (root / "features").string()});
  testing::CommandResult from_images = run_cli({"predict", (root / "head.h5").string(), images.string(), "--base",
                                                "squeezenet", "--base-weights", weights});
  ASSERT_EQ(from_features.exit_code, 0) << from_features.err;
  ASSERT_EQ(from_images.exit_code, 0) << from_images.err;
  std::vector<std::string> a = lines_of(from_features.out), b = lines_of(from_images.out);
  ASSERT_EQ(a.size(), 4u) << from_features.out;
  ASSERT_EQ(b.size(), 4u) << from_images.out;
  for (size_t i = 1; i < a.size(); ++i) {
    std::vector<std::string> x = split(a[i], ','), y = split(b[i], ',');
    EXPECT_EQ(x[0], y[0]);
    EXPECT_NEAR(std::stod(x[1]), std::stod(y[1]), 1e-5);
    EXPECT_EQ(x[2], y[2]);
  }
  EXPECT_EQ(split(a[1], ',')[0], "a/gray.jpg");  // flow_from_directory's order

  testing::CommandResult wrong_base = run_cli({"predict", (root / "head.h5").string(), images.string(), "--base",
                                               "squeezenet", "--base-weights", weights, "--pooling", "avg"});
  EXPECT_NE(wrong_base.exit_code, 0);
  EXPECT_NE(wrong_base.err.find("(512,)"), std::string::npos) << wrong_base.err;
}

TEST(CliTrain, ExplainsBadInput) {
  BOTTLENECK_REQUIRE_SHARED();
  const fs::path root = testing::scratch_dir("cli_train_errors");
  testing::CommandResult missing = run_cli({"train", "--train", (root / "nowhere").string(), "-o", (root / "m.h5").string()});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("nowhere"), std::string::npos) << missing.err;

  const fs::path train = feature_folder(root, fixture("head_adadelta"), "train");
  testing::CommandResult bad_head =
      run_cli({"train", "--train", train.string(), "-o", (root / "m.h5").string(), "--head", "flatten,dense:x"});
  EXPECT_NE(bad_head.exit_code, 0);
  EXPECT_NE(bad_head.err.find("dense:x"), std::string::npos) << bad_head.err;
  EXPECT_FALSE(fs::exists(root / "m.h5"));

  testing::CommandResult momentum = run_cli(
      {"train", "--train", train.string(), "-o", (root / "m.h5").string(), "--optimizer", "adam", "--momentum", "0.9"});
  EXPECT_NE(momentum.exit_code, 0);
  EXPECT_NE(momentum.err.find("--momentum"), std::string::npos) << momentum.err;
}

// A feature folder of random features and alternating labels, as `extract` would leave one.
fs::path random_feature_folder(const fs::path& root) {
  const fs::path folder = root / "features";
  fs::create_directories(folder);
  Tensor features({40, 2, 2, 4});
  for (int64_t i = 0; i < features.size(); ++i) features[i] = static_cast<float>((i * 37) % 11) - 5.0f;
  std::vector<int32_t> labels(40);
  for (size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<int32_t>(i % 2);
  save_npy((folder / "features.npy").string(), features);
  save_npy((folder / "labels.npy").string(), labels);
  return folder;
}

std::set<std::string> files_in(const fs::path& folder) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.insert(entry.path().filename().string());
  return names;
}

TEST(CliTrain, TheModelAndItsHistoryAppearTogetherOrNotAtAll) {
  const fs::path root = testing::scratch_dir("cli_train_outputs");
  const fs::path train = random_feature_folder(root);
  const fs::path model = root / "head.h5", history = root / "history.csv", plot = root / "plot.svg";
  const std::vector<std::string> base{"train", "--train", train.string(), "-o", model.string(), "--epochs", "2", "-q"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args);
  };

  // An unwritable plot: refused before training, and no model appears.
  const fs::path missing_folder_plot = root / "no_such_folder" / "plot.svg";
  testing::CommandResult refused = with({"--history", history.string(), "--plot", missing_folder_plot.string()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err, "error: cannot write " + missing_folder_plot.string() + ": no folder " +
                             missing_folder_plot.parent_path().string() + "\n");
  EXPECT_EQ(files_in(root), (std::set<std::string>{"features"}));

  // A complete run publishes all three and leaves nothing else.
  testing::CommandResult done = with({"--history", history.string(), "--plot", plot.string()});
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(files_in(root), (std::set<std::string>{"features", "head.h5", "history.csv", "plot.svg"}));

  // A history that cannot be written (a folder is in the way) leaves the earlier model as it was.
  std::ifstream before_in(model, std::ios::binary);
  const std::string before((std::istreambuf_iterator<char>(before_in)), {});
  fs::create_directories(root / "history_is_a_folder");
  testing::CommandResult blocked = with({"--seed", "3", "--history", (root / "history_is_a_folder").string()});
  EXPECT_EQ(blocked.exit_code, 1);
  EXPECT_NE(blocked.err.find("history_is_a_folder: it is a directory"), std::string::npos) << blocked.err;
  std::ifstream after_in(model, std::ios::binary);
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(after_in)), {}), before);
  EXPECT_EQ(files_in(root),
            (std::set<std::string>{"features", "head.h5", "history.csv", "plot.svg", "history_is_a_folder"}));
}

}  // namespace
}  // namespace bottleneck
