// `train` and `finetune` as the processes of an MPI job (Open MPI's mpirun, on this machine
// only): two and three processes, each computing its share of every batch, log the losses and
// accuracies of one process, epoch by epoch (the same initial weights, the gradients averaged
// over the whole batch, the dropout masks one process draws); finetune's cached frozen prefix
// is built by all of them. Skips when mpirun or MPI is missing.
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>

#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;
using testing::run_shell;
using testing::scratch_dir;

const std::string head = "flatten,dense:32:relu,dense:1:sigmoid";  // without dropout

fs::path weights() { return testing::shared_dir() / "weights/squeezenet_v1.1_keras_notop.h5"; }

// Real photos as pooled SqueezeNet features (one process: extract is tested on its own).
fs::path features(const std::string& subset) {
  const fs::path folder = scratch_dir(subset);
  const auto r = testing::run_cli({"extract", (testing::shared_dir() / "data/cats_and_dogs" / subset).string(), "-o",
                                   folder.string(), "--model", "squeezenet", "--weights", weights().string(),
                                   "--target-size", "96x96", "--pooling", "avg", "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return folder;
}

// `bottleneck train` of `head_spec` in batches of 32, its model and history named `name` in `out`.
struct TrainRun {
  fs::path train = features("train"), test = features("test"), out = scratch_dir("models");
  std::vector<std::string> command(const std::string& name, const std::string& head_spec, const std::string& epochs,
                                   const std::string& seed) const {
    return {BOTTLENECK_CLI, "train", "--train", train.string(), "--val", test.string(), "-o",
            (out / (name + ".h5")).string(), "--head", head_spec, "--epochs", epochs, "--batch-size", "32", "--seed",
            seed, "--history", (out / (name + ".csv")).string()};
  }
};

// The rows of a --history CSV (epoch,acc,loss,val_acc,val_loss) as numbers.
std::vector<std::vector<double>> history(const fs::path& csv) {
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "epoch,acc,loss,val_acc,val_loss");
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::istringstream fields(line);
    for (std::string field; std::getline(fields, field, ',');) row.push_back(std::stod(field));
    rows.push_back(row);
  }
  return rows;
}

// Runs `command(name)` as one process ("one"), then as jobs of two and three processes: the
// same accuracies, losses within 1e-5 relative, one log.
void expect_jobs_log_as_one_process(const fs::path& out, int epochs,
                                    const std::function<std::vector<std::string>(const std::string&)>& command) {
  const auto one = run_shell(testing::shell_words(command("one")));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const std::vector<std::vector<double>> expected = history(out / "one.csv");
  ASSERT_EQ(expected.size(), static_cast<size_t>(epochs));
  const std::string first_epoch = "Epoch 1/" + std::to_string(epochs), last_epoch = "Epoch " + std::to_string(epochs) +
                                                                                      "/" + std::to_string(epochs);
  for (int processes : {2, 3}) {
    const std::string name = "processes-" + std::to_string(processes);
    const auto job = run_shell(testing::shell_words(testing::mpirun(processes, command(name))));
    ASSERT_EQ(job.exit_code, 0) << job.err;
    const std::string log = job.out + job.err;  // the root's alone
    EXPECT_EQ(log.find(first_epoch), log.rfind(first_epoch)) << log;
    EXPECT_NE(log.find(last_epoch), std::string::npos) << log;
    const std::vector<std::vector<double>> logged = history(out / (name + ".csv"));
    ASSERT_EQ(logged.size(), expected.size());
    for (size_t epoch = 0; epoch < expected.size(); ++epoch) {
      EXPECT_EQ(logged[epoch][1], expected[epoch][1]) << "acc, epoch " << epoch << ", " << processes << " processes";
      EXPECT_EQ(logged[epoch][3], expected[epoch][3]) << "val_acc, epoch " << epoch << ", " << processes << " processes";
      for (size_t loss : {2u, 4u})
        EXPECT_LE(std::fabs(logged[epoch][loss] - expected[epoch][loss]), 1e-5 * std::fabs(expected[epoch][loss]))
            << (loss == 2 ? "loss" : "val_loss") << ", epoch " << epoch << ", " << processes << " processes: "
            << logged[epoch][loss] << " vs " << expected[epoch][loss];
    }
  }
}

TEST(DistributedTrain, TwoAndThreeProcessesLogTheLossesOfOneProcess) {
  BOTTLENECK_REQUIRE_SHARED();
  BOTTLENECK_REQUIRE_MPI();
  const TrainRun run;
  // 200 samples in batches of 32: the last batch (8) splits unevenly over three processes.
  expect_jobs_log_as_one_process(run.out, 4, [&](const std::string& name) { return run.command(name, head, "4", "7"); });
}

TEST(DistributedTrain, WithDropoutTheSameSeedGivesTheSameRunAtAnyProcessCount) {
  BOTTLENECK_REQUIRE_SHARED();
  BOTTLENECK_REQUIRE_MPI();
  const TrainRun run;
  // The seed's head: each process keeps its rows of the masks one process draws for the batch.
  expect_jobs_log_as_one_process(run.out, 3, [&](const std::string& name) {
    return run.command(name, "flatten,dense:256:relu,dropout:0.5,dense:1:sigmoid", "3", "11");
  });
}

TEST(DistributedFinetune, TwoAndThreeProcessesLogTheLossesOfOneProcess) {
  BOTTLENECK_REQUIRE_SHARED();
  BOTTLENECK_REQUIRE_MPI();
  const fs::path train = features("train"), out = scratch_dir("models");
  const fs::path head_file = out / "head.h5";
  const auto trained = testing::run_cli({"train", "--train", train.string(), "-o", head_file.string(), "--head", head,
                                         "--epochs", "1", "-q"});
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  const fs::path photos = testing::shared_dir() / "data/cats_and_dogs";
  // SqueezeNet's top (fire9) and the head, on cached outputs of the rest.
  expect_jobs_log_as_one_process(out, 2, [&](const std::string& name) {
    return std::vector<std::string>{
        BOTTLENECK_CLI, "finetune", "--train", (photos / "train").string(), "--val", (photos / "test").string(),
        "--head", head_file.string(), "-o", (out / (name + ".h5")).string(), "--model", "squeezenet", "--weights",
        weights().string(), "--target-size", "96x96", "--pooling", "avg", "--optimizer", "sgd", "--lr", "1e-3",
        "--momentum", "0.9", "--epochs", "2", "--batch-size", "32", "--history", (out / (name + ".csv")).string()};
  });
}

}  // namespace
}  // namespace bottleneck
