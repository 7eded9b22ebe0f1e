// Killing `extract` at a random moment (SIGKILL, or SIGINT) leaves the previous outputs
// whole or no outputs at all, never a truncated .npy or a features.npy without its meta.json;
// the next run succeeds over whatever the killed one left, and `extract --resume` continues
// a killed or interrupted run to exactly the outputs of an uninterrupted one.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <algorithm>
#include <map>
#include <set>
#include <fstream>
#include <random>
#include <thread>

#include "bottleneck/npy.hpp"
#include "bottleneck/weights_file.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;
using testing::scratch_dir;

std::vector<uint8_t> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void write_images(const fs::path& root, int count) {
  fs::create_directories(root / "a");
  fs::create_directories(root / "b");
  for (int i = 0; i < count; ++i) {
    std::ofstream out(root / (i % 2 ? "b" : "a") / (std::to_string(i) + ".ppm"), std::ios::binary);
    out << "P6\n48 48\n255\n";
    for (int p = 0; p < 48 * 48 * 3; ++p) out.put(static_cast<char>(p * (i + 3)));
  }
}

std::vector<std::string> extract_args(const fs::path& images, const fs::path& out, const std::string& size = "64x64",
                                      const std::string& batch_size = "4") {
  return {BOTTLENECK_CLI, "extract", images.string(), "-o", out.string(), "--model", "squeezenet", "--weights",
          "random", "--target-size", size, "--batch-size", batch_size, "-q"};
}

// Starts the tool, sends `signal` after `delay`, returns its wait status; its stderr goes
// to `stderr_path` when given.
int run_and_signal(const std::vector<std::string>& args, std::chrono::milliseconds delay, int signal,
                   const std::string& stderr_path = "/dev/null") {
  const pid_t pid = testing::spawn(args, stderr_path);
  std::this_thread::sleep_for(delay);
  if (signal) ::kill(pid, signal);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

// The folder holds either exactly `complete` (file name -> bytes) or none of those outputs.
void expect_previous_or_none(const fs::path& out, const std::map<std::string, std::vector<uint8_t>>& complete) {
  if (!fs::exists(out / "meta.json")) {
    // Interrupted while publishing, or never published: no meta.json marks it incomplete,
    // and whatever .npy is there is still a whole file.
    if (fs::exists(out / "features.npy")) EXPECT_EQ(read_bytes(out / "features.npy"), complete.at("features.npy"));
    return;
  }
  for (const auto& [name, bytes] : complete) EXPECT_EQ(read_bytes(out / name), bytes) << name;
}

TEST(CrashSafety, KilledExtractLeavesThePreviousOutputsOrNone) {
  const fs::path dir = scratch_dir("crash-safety");
  const fs::path images = dir / "images", out = dir / "out";
  write_images(images, 12);
  ASSERT_EQ(run_and_signal(extract_args(images, out), std::chrono::milliseconds(0), 0), 0);  // signal 0: none
  std::map<std::string, std::vector<uint8_t>> complete;
  for (const char* name : {"features.npy", "labels.npy", "files.txt", "classes.txt", "meta.json"})
    complete[name] = read_bytes(out / name);
  ASSERT_EQ(read_npy((out / "features.npy").string()).shape[0], 12);

  // Measure a whole run, then kill at random moments within it.
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(run_and_signal(extract_args(images, out), std::chrono::milliseconds(0), 0), 0);
  const auto run_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  std::mt19937 random(12345);
  int killed = 0;
  for (int i = 0; i < 20; ++i) {
    const int signal = i % 5 == 4 ? SIGINT : SIGKILL;
    const auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(0, run_ms.count())(random));
    const int status = run_and_signal(extract_args(images, out), delay, signal);
    killed += WIFSIGNALED(status);
    SCOPED_TRACE("run " + std::to_string(i) + ", signal " + std::to_string(signal) + " after " +
                 std::to_string(delay.count()) + " ms");
    expect_previous_or_none(out, complete);
  }
  EXPECT_GT(killed, 0) << "no run was interrupted: the kills all came too late";
  // The next run cleans up what the killed ones left and gives the same result.
  ASSERT_EQ(run_and_signal(extract_args(images, out), std::chrono::milliseconds(0), 0), 0);
  for (const auto& [name, bytes] : complete) EXPECT_EQ(read_bytes(out / name), bytes) << name;
  EXPECT_FALSE(fs::exists(out / ".extract-partial"));
}

const std::vector<std::string> output_names = {"features.npy", "labels.npy", "files.txt", "classes.txt", "meta.json"};

std::map<std::string, std::vector<uint8_t>> outputs_in(const fs::path& out) {
  std::map<std::string, std::vector<uint8_t>> outputs;
  for (const std::string& name : output_names) outputs[name] = read_bytes(out / name);
  return outputs;
}

std::chrono::milliseconds time_of(const std::vector<std::string>& args) {
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(run_and_signal(args, std::chrono::milliseconds(0), 0), 0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

std::vector<std::string> with_resume(std::vector<std::string> args) {
  args.push_back("--resume");
  return args;
}

// Runs `args` with --resume to the end, keeping its messages (no -q) to see whether it resumed.
testing::CommandResult resume_to_the_end(std::vector<std::string> args) {
  args = with_resume(args);
  args.erase(args.begin());  // run_cli names the tool itself
  args.erase(std::find(args.begin(), args.end(), "-q"));
  return testing::run_cli(args);
}

// 60 images in batches of 2: a run of 31 batches (one file is not an image), long enough
// for kills to land between checkpoints.
fs::path resume_images(const std::string& name) {
  const fs::path images = scratch_dir(name) / "images";
  write_images(images, 60);
  std::ofstream(images / "a" / "broken.ppm") << "P6\n48 48\n255\n";
  return images;
}

TEST(CrashSafety, InterruptStopsBetweenBatchesAndResumeFinishesTheRun) {
  const fs::path images = resume_images("crash-safety-sigint");
  const fs::path dir = images.parent_path(), out = dir / "out", complete_dir = dir / "complete";
  const auto run_ms = time_of(extract_args(images, complete_dir, "96x96", "2"));
  const auto complete = outputs_in(complete_dir);

  // Ctrl-C halfway: an orderly stop (the shell's status for SIGINT) with one line saying how
  // to continue; only the resumable state is left, in the hidden staging folder.
  std::string err;
  int status = 0;
  for (int attempt = 0; attempt < 5; ++attempt) {
    fs::remove_all(out);
    status = run_and_signal(extract_args(images, out, "96x96", "2"), run_ms * 6 / 10, SIGINT, (dir / "err").string());
    std::ifstream in(dir / "err");
    err.assign(std::istreambuf_iterator<char>(in), {});
    if (WIFEXITED(status) && WEXITSTATUS(status) == 130) break;
  }
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 130) << "status " << status << ": " << err;
  EXPECT_TRUE(err.starts_with("error: interrupted by SIGINT after ")) << err;
  EXPECT_NE(err.find("--resume continues"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  std::set<std::string> left;
  for (const auto& entry : fs::recursive_directory_iterator(out)) left.insert(fs::relative(entry.path(), out));
  EXPECT_EQ(left, (std::set<std::string>{".extract-partial", ".extract-partial/features.npy.partial",
                                         ".extract-partial/features.npy.progress.json",
                                         ".extract-partial/features.npy.skipped"}));

  const testing::CommandResult resumed = resume_to_the_end(extract_args(images, out, "96x96", "2"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming after "), std::string::npos) << resumed.err;
  EXPECT_EQ(outputs_in(out), complete);
  EXPECT_FALSE(fs::exists(out / ".extract-partial"));
}

// The check: kill (SIGKILL, or SIGINT) at a random moment, resume, and compare with
// an uninterrupted run; 20 rounds in a row, every fourth with the resuming run killed too.
TEST(CrashSafety, KillAndResumeGivesTheUninterruptedOutputs20TimesInARow) {
  const fs::path images = resume_images("crash-safety-resume");
  const fs::path dir = images.parent_path(), complete_dir = dir / "complete";
  const auto args = [&](const fs::path& out) { return extract_args(images, out, "96x96", "2"); };
  const auto run_ms = time_of(args(complete_dir));
  const auto complete = outputs_in(complete_dir);

  std::mt19937 random(2026);
  int resumed_midway = 0;
  for (int round = 0; round < 20; ++round) {
    const fs::path out = dir / ("out" + std::to_string(round));
    const int signal = round % 3 == 2 ? SIGINT : SIGKILL;
    const auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(0, run_ms.count())(random));
    SCOPED_TRACE("round " + std::to_string(round) + ", signal " + std::to_string(signal) + " after " +
                 std::to_string(delay.count()) + " ms");
    run_and_signal(args(out), delay, signal);
    if (round % 4 == 3) run_and_signal(with_resume(args(out)), delay / 2, SIGKILL);
    const testing::CommandResult result = resume_to_the_end(args(out));
    ASSERT_EQ(result.exit_code, 0) << result.err;
    resumed_midway += result.err.find("resuming after ") != std::string::npos;
    EXPECT_EQ(outputs_in(out), complete);
    EXPECT_FALSE(fs::exists(out / ".extract-partial"));
  }
  // Kills before the first checkpoint or after the last leave nothing to resume; most land between.
  std::printf("resumed midway in %d of 20 rounds (a whole run: %lld ms)\n", resumed_midway,
              static_cast<long long>(run_ms.count()));
  EXPECT_GE(resumed_midway, 5);
}

// Killing `train` at a random moment leaves a whole model and a whole history (the previous
// ones or the new ones), never a truncated .h5; Ctrl-C leaves the previous ones untouched.
TEST(CrashSafety, KilledTrainLeavesWholeOutputs) {
  const fs::path dir = scratch_dir("crash-safety-train"), features = dir / "features";
  fs::create_directories(features);
  Tensor x({400, 4, 4, 8});
  for (int64_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((i * 7919) % 101) / 50.0f - 1.0f;
  std::vector<int32_t> labels(400);
  for (size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<int32_t>(i % 3 == 0);
  save_npy((features / "features.npy").string(), x);
  save_npy((features / "labels.npy").string(), labels);
  const fs::path model = dir / "head.h5", history = dir / "history.csv";
  auto args = [&](int seed) {
    return std::vector<std::string>{BOTTLENECK_CLI, "train", "--train", features.string(), "--val", features.string(),
                                    "-o", model.string(), "--history", history.string(), "--epochs", "40",
                                    "--seed", std::to_string(seed), "-q"};
  };
  const auto run_ms = time_of(args(0));
  const auto first_model = read_bytes(model), first_history = read_bytes(history);

  std::mt19937 random(7);
  for (int round = 1; round <= 10; ++round) {
    const int signal = round % 3 == 0 ? SIGINT : SIGKILL;
    const auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(0, run_ms.count())(random));
    SCOPED_TRACE("round " + std::to_string(round) + ", signal " + std::to_string(signal) + " after " +
                 std::to_string(delay.count()) + " ms");
    const auto previous_model = read_bytes(model), previous_history = read_bytes(history);
    const int status = run_and_signal(args(round), delay, signal);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 130) {  // stopped by Ctrl-C between batches
      EXPECT_EQ(read_bytes(model), previous_model);
      EXPECT_EQ(read_bytes(history), previous_history);
    }
    // Whole files, whichever run they come from: the model loads, the history has every epoch.
    EXPECT_NO_THROW(read_weights_file(model.string()));
    const auto csv = read_bytes(history);
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 41);
  }
  EXPECT_EQ(run_and_signal(args(0), std::chrono::milliseconds(0), 0), 0);
  EXPECT_EQ(read_bytes(model), first_model);
  EXPECT_EQ(read_bytes(history), first_history);
}

}  // namespace
}  // namespace bottleneck
