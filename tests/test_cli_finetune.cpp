// `bottleneck finetune` on real photos with real ImageNet weights (SqueezeNet v1.1 from
// ../shared): after the head is trained, fine-tuning fire9 with it lowers the training loss
// without lowering validation accuracy, and the saved full model evaluates and predicts
// directly on image folders.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

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

}  // namespace
}  // namespace bottleneck
