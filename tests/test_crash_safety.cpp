// Killing `extract` at a random moment (SIGKILL, or SIGINT) leaves the previous outputs
// whole or no outputs at all, never a truncated .npy or a features.npy without its meta.json;
// and the next run succeeds over whatever the killed one left.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <map>
#include <fstream>
#include <random>
#include <thread>

#include "bottleneck/npy.hpp"
#include "support.hpp"

extern char** environ;

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

std::vector<std::string> extract_args(const fs::path& images, const fs::path& out) {
  return {BOTTLENECK_CLI, "extract", images.string(), "-o", out.string(), "--model", "squeezenet", "--weights",
          "random", "--target-size", "64x64", "--batch-size", "4", "-q"};
}

// Starts the tool, sends `signal` after `delay`, returns its wait status.
int run_and_signal(const std::vector<std::string>& args, std::chrono::milliseconds delay, int signal) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  std::this_thread::sleep_for(delay);
  ::kill(pid, signal);
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

}  // namespace
}  // namespace bottleneck
