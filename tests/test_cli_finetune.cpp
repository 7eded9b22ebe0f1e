// `bottleneck finetune` on real photos with real ImageNet weights (SqueezeNet v1.1 from
// ../shared): after the head is trained, fine-tuning fire9 with it lowers the training loss
// without lowering validation accuracy, and the saved full model evaluates and predicts
// directly on image folders. The same for a saved model shaped as the applications are on
// top (BatchNormalization, ReLU6, an inverted residual block with a depthwise convolution).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "bottleneck/applications.hpp"
#include "bottleneck/layers.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

using testing::run_cli;

// "loss: 0.356997 - acc: 0.970000" -> {loss, acc}
std::pair<double, double> figures(const std::string& line) {
  std::smatch m;
  EXPECT_TRUE(std::regex_search(line, m, std::regex(R"(loss: ([0-9.e+-]+) - acc: ([0-9.e+-]+))"))) << line;
  return {std::stod(m[1]), std::stod(m[2])};
}

// The last "loss" column of a History CSV (epoch,acc,loss,val_acc,val_loss).
double last_training_loss(const std::filesystem::path& csv) {
  std::ifstream in(csv);
  std::string header, line, last;
  std::getline(in, header);
  while (std::getline(in, line)) last = line;
  std::vector<std::string> h, v;
  std::stringstream hs(header), vs(last);
  for (std::string x; std::getline(hs, x, ',');) h.push_back(x);
  for (std::string x; std::getline(vs, x, ',');) v.push_back(x);
  for (size_t i = 0; i < h.size(); ++i)
    if (h[i] == "loss") return std::stod(v.at(i));
  ADD_FAILURE() << "no loss column in " << csv;
  return 0;
}

TEST(CliFinetune, RealPhotosKeepAccuracyAndLowerTrainingLoss) {
  BOTTLENECK_REQUIRE_SHARED();
  auto shared = testing::shared_dir();
  auto data = shared / "data/cats_and_dogs";
  std::string weights = (shared / "weights/squeezenet_v1.1_keras_notop.h5").string();
  auto work = testing::scratch_dir("cli-finetune");
  for (std::string split : {"train", "test"}) {
    auto r = run_cli({"extract", (data / split).string(), "-o", (work / split).string(), "--model", "squeezenet",
                      "--weights", weights, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  auto r = run_cli({"train", "--train", (work / "train").string(), "--val", (work / "test").string(), "-o",
                    (work / "head.h5").string(), "--seed", "1", "--history", (work / "head.csv").string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_cli({"evaluate", (work / "head.h5").string(), (work / "test").string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto [head_loss, head_acc] = figures(r.out);
  EXPECT_GT(head_acc, 0.8) << "transfer learning from ImageNet features should separate cats from dogs";

  r = run_cli({"finetune", "--train", (data / "train").string(), "--val", (data / "test").string(), "--head",
               (work / "head.h5").string(), "-o", (work / "full.h5").string(), "--model", "squeezenet", "--weights",
               weights, "--trainable-from", "fire9/squeeze1x1", "--lr", "1e-5", "--epochs", "3", "--history",
               (work / "finetune.csv").string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_cli({"evaluate", (work / "full.h5").string(), (data / "test").string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto [full_loss, full_acc] = figures(r.out);
  RecordProperty("head_val_acc", std::to_string(head_acc));
  RecordProperty("finetuned_val_acc", std::to_string(full_acc));
  EXPECT_GE(full_acc, head_acc);
  EXPECT_LT(last_training_loss(work / "finetune.csv"), last_training_loss(work / "head.csv"));

  r = run_cli({"predict", (work / "full.h5").string(), (data / "test").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 101) << "a header and one row per test image";
  EXPECT_EQ(r.out.rfind("file,probability,class\ncats/", 0), 0u) << r.out.substr(0, 80);
}

// The losses column of a History CSV, epoch by epoch.
std::vector<double> training_losses(const std::filesystem::path& csv) {
  std::ifstream in(csv);
  std::string header, line;
  std::getline(in, header);
  std::vector<std::string> columns;
  std::stringstream hs(header);
  for (std::string x; std::getline(hs, x, ',');) columns.push_back(x);
  const size_t loss = std::find(columns.begin(), columns.end(), "loss") - columns.begin();
  std::vector<double> losses;
  while (std::getline(in, line)) {
    std::stringstream vs(line);
    std::string x;
    for (size_t i = 0; i <= loss && std::getline(vs, x, ','); ++i) {
    }
    losses.push_back(std::stod(x));
  }
  return losses;
}

// Small PPM images of two classes, a and b.
void write_images(const std::filesystem::path& root, int count) {
  for (const char* label : {"a", "b"}) std::filesystem::create_directories(root / label);
  for (int i = 0; i < count; ++i) {
    std::ofstream out(root / (i % 2 ? "b" : "a") / (std::to_string(i) + ".ppm"), std::ios::binary);
    out << "P6\n48 40\n255\n";
    for (int p = 0; p < 48 * 40 * 3; ++p) out.put(static_cast<char>(p * (i + 3) + (i % 2) * 60));
  }
}

// extract, train a head, finetune from the network's own default cut, evaluate the result.
class CliFinetuneApplication : public ::testing::TestWithParam<std::string> {};

TEST_P(CliFinetuneApplication, TrainsItsTopBlockEndToEnd) {
  const std::string network = GetParam();
  auto work = testing::scratch_dir("cli-finetune-" + network), images = work / "images";
  write_images(images, 8);
  const std::vector<std::string> base = {"--model", network, "--weights", "random", "--target-size", "64x64"};
  auto with_base = [&](std::vector<std::string> args) {
    args.insert(args.end(), base.begin(), base.end());
    return args;
  };
  auto r = run_cli(with_base({"extract", images.string(), "-o", (work / "features").string(), "--quiet"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_cli({"train", "--train", (work / "features").string(), "-o", (work / "head.h5").string(), "--head",
               "globalaveragepooling2d,dense:1:sigmoid", "--epochs", "1", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_cli(with_base({"finetune", "--train", images.string(), "--val", images.string(), "--head",
                         (work / "head.h5").string(), "-o", (work / "full.h5").string(), "--epochs", "2",
                         "--batch-size", "4", "--history", (work / "history.csv").string(), "--quiet"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(training_losses(work / "history.csv").size(), 2u);
  r = run_cli({"evaluate", (work / "full.h5").string(), images.string(), "--target-size", "64x64", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  figures(r.out);
}

INSTANTIATE_TEST_SUITE_P(Networks, CliFinetuneApplication,
                         ::testing::Values("resnet50", "mobilenetv2", "efficientnetb0"),
                         [](const ::testing::TestParamInfo<std::string>& network) { return network.param; });

// SqueezeNet's ImageNet base with a MobileNetV2-style top: a 1x1 convolution, BN, ReLU, then
// an inverted residual block (expand, depthwise, project, each with BN; the block's input added
// back). The top starts at "top_conv", the cut fine-tuning trains from.
void save_application_shaped_base(const std::string& weights, const std::filesystem::path& path) {
  clear_session();
  std::unique_ptr<Model> squeezenet = SqueezeNet({.weights = weights});
  auto relu6 = [](const std::string& name) { return ReLU({.max_value = 6.0f, .name = name}); };
  auto pointwise = [](int64_t filters, const std::string& name) {
    return Conv2D(filters, {.kernel_h = 1, .kernel_w = 1, .use_bias = false, .name = name});
  };
  SymbolicTensor x = pointwise(64, "top_conv")(squeezenet->output());
  SymbolicTensor block_input = ReLU({.name = "top_relu"})(BatchNormalization({.name = "top_bn"})(x));
  x = relu6("expand_relu")(BatchNormalization({.name = "expand_bn"})(pointwise(192, "expand")(block_input)));
  x = DepthwiseConv2D({.padding = "same", .use_bias = false, .name = "depthwise"})(x);
  x = relu6("depthwise_relu")(BatchNormalization({.name = "depthwise_bn"})(x));
  x = BatchNormalization({.name = "project_bn"})(pointwise(64, "project")(x));
  Model base(squeezenet->input(), Add("block_add")({block_input, x}), "squeezenet_inverted_residual", 5);
  base.save(path.string());
}

TEST(CliFinetune, ApplicationShapedModelFileOnRealPhotos) {
  BOTTLENECK_REQUIRE_SHARED();
  auto shared = testing::shared_dir();
  auto data = shared / "data/cats_and_dogs";
  auto work = testing::scratch_dir("cli-finetune-application-shaped");
  const std::string base = (work / "base.h5").string();
  save_application_shaped_base((shared / "weights/squeezenet_v1.1_keras_notop.h5").string(), base);
  for (std::string split : {"train", "test"}) {
    auto r = run_cli({"extract", (data / split).string(), "-o", (work / split).string(), "--model", base,
                      "--preprocess", "caffe", "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  auto r = run_cli({"train", "--train", (work / "train").string(), "--val", (work / "test").string(), "-o",
                    (work / "head.h5").string(), "--head", "globalaveragepooling2d,dense:1:sigmoid", "--seed", "1",
                    "--epochs", "20", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_cli({"evaluate", (work / "head.h5").string(), (work / "test").string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto [head_loss, head_acc] = figures(r.out);

  r = run_cli({"finetune", "--train", (data / "train").string(), "--val", (data / "test").string(), "--head",
               (work / "head.h5").string(), "-o", (work / "full.h5").string(), "--model", base, "--preprocess",
               "caffe", "--trainable-from", "top_conv", "--lr", "1e-3", "--epochs", "4", "--history",
               (work / "finetune.csv").string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_cli({"evaluate", (work / "full.h5").string(), (data / "test").string(), "--preprocess", "caffe", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto [full_loss, full_acc] = figures(r.out);
  const std::vector<double> losses = training_losses(work / "finetune.csv");
  std::string trace;
  for (double loss : losses) trace += std::to_string(loss) + " ";
  RecordProperty("head_val_acc", std::to_string(head_acc));
  RecordProperty("finetuned_val_acc", std::to_string(full_acc));
  RecordProperty("finetune_losses", trace);
  ASSERT_EQ(losses.size(), 4u);
  EXPECT_LT(losses.back(), losses.front()) << "training losses per epoch: " << trace;
  EXPECT_GE(full_acc, head_acc) << "validation accuracy: head " << head_acc << ", fine-tuned " << full_acc;
  std::printf("head: val acc %.3f; fine-tuned: val acc %.3f, training losses %s\n", head_acc, full_acc, trace.c_str());
}

}  // namespace
}  // namespace bottleneck
