// Ctrl-C and SIGTERM while `train` or `finetune` runs: every round ends with the shell's
// status for the signal (130, 143) and one `error:` line, never a crash, and leaves the
// previous model byte-identical and no temporary file behind (nor finetune's frozen-prefix
// cache). A second signal stops at once, still cleaning up; GNU timeout's two SIGTERMs
// (the process, then its group) are one request: a graceful stop.
// BOTTLENECK_SIGNAL_ROUNDS=200 runs the long version by hand.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "bottleneck/npy.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::run_cli;
using testing::scratch_dir;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Spawned {
  pid_t pid = 0;
};

Spawned spawn(const std::vector<std::string>& args, const fs::path& stderr_path) {
  return {testing::spawn(args, stderr_path.string())};
}

int wait_for(const Spawned& child) {
  int status = 0;
  ::waitpid(child.pid, &status, 0);
  return status;
}

// Whether `pid` blocks or catches SIGTERM yet (/proc/PID/status). A signal that comes while
// the loader still maps the libraries ends the process as it ends any program; the rounds
// signal it from the moment it has set up its own handling.
bool handles_signals(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("SigBlk:") || line.starts_with("SigCgt:"))
      if (std::stoull(line.substr(7), nullptr, 16) & (1ull << (SIGTERM - 1))) return true;
  return false;
}

void wait_until_it_handles_signals(pid_t pid) {
  const auto give_up = std::chrono::steady_clock::now() + 10s;
  while (!handles_signals(pid) && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(1ms);
}

int rounds_to_run(int in_the_suite) {
  const char* wanted = std::getenv("BOTTLENECK_SIGNAL_ROUNDS");
  return wanted ? std::atoi(wanted) : in_the_suite;
}

// How one round signals the run: once; twice from this process (as GNU timeout does: one
// request); or a second time from another process (a second request: stop at once).
struct Attack {
  int signal;
  enum { once, twice_same_sender, twice_other_sender } kind;
  std::chrono::milliseconds between;
};

std::string describe(const Attack& a, std::chrono::milliseconds delay) {
  static const char* kinds[] = {"", " twice", " and again from another process"};
  return std::string(sigabbrev_np(a.signal)) + kinds[a.kind] +
         (a.kind != Attack::once ? ", " + std::to_string(a.between.count()) + " ms apart," : "") + " after " +
         std::to_string(delay.count()) + " ms";
}

std::set<std::string> names_in(const fs::path& folder) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.insert(entry.path().filename().string());
  return names;
}

// Signals one run of `args` as `attack` says, `delay` after it handles signals; checks the
// contract and returns whether the signal stopped it (false: the run had finished by then).
bool attack_one_run(const std::vector<std::string>& args, const fs::path& model, const Attack& attack,
                    std::chrono::milliseconds delay, const std::string& previous,
                    const std::set<std::string>& outputs, int& at_once) {
  const fs::path folder = model.parent_path(), err = folder.parent_path() / "stderr";
  SCOPED_TRACE(describe(attack, delay));
  const Spawned child = spawn(args, err);
  EXPECT_GT(child.pid, 0) << "not started";  // kill(0, ...) would signal this whole process group
  if (child.pid <= 0) return false;
  wait_until_it_handles_signals(child.pid);
  std::this_thread::sleep_for(delay);
  ::kill(child.pid, attack.signal);
  if (attack.kind != Attack::once) std::this_thread::sleep_for(attack.between);
  if (attack.kind == Attack::twice_same_sender) ::kill(child.pid, attack.signal);
  if (attack.kind == Attack::twice_other_sender)
    std::system(("kill -" + std::to_string(attack.signal) + " " + std::to_string(child.pid) + " 2>/dev/null").c_str());
  const int status = wait_for(child);
  const std::string message = read_text(err);
  EXPECT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status) << ": " << message;
  EXPECT_EQ(names_in(folder), outputs) << "files left behind";
  EXPECT_FALSE(fs::exists(fs::temp_directory_path() / ("bottleneck-prefix-" + std::to_string(child.pid))))
      << "the frozen-prefix cache was left behind";
  EXPECT_EQ(read_text(model), previous) << "the previous model was touched (or a finished run wrote another)";
  if (!WIFEXITED(status) || WEXITSTATUS(status) == 0) return false;
  EXPECT_EQ(WEXITSTATUS(status), 128 + attack.signal) << message;
  EXPECT_TRUE(message.starts_with("error: interrupted")) << message;
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 1) << message;
  const bool stopped_at_once = message.find("stopped at once") != std::string::npos;
  EXPECT_FALSE(stopped_at_once && attack.kind == Attack::twice_same_sender) << "one request taken for two";
  at_once += stopped_at_once;
  return true;
}

// Runs `args` `rounds` times, each hit by a random attack at a random moment of a run. A round
// whose run had finished before the signal came is tried again with half the delay, so every
// round tests a stop however fast or loaded the machine is.
void signal_rounds(const std::vector<std::string>& args, const fs::path& model, int rounds, unsigned seed) {
  const fs::path folder = model.parent_path(), err = folder.parent_path() / "stderr";
  // A run's length from the moment it handles signals (process start and library loading
  // excluded: on a slow machine they are most of a short run).
  const Spawned timed = spawn(args, err);
  wait_until_it_handles_signals(timed.pid);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(wait_for(timed), 0) << read_text(err);
  const auto run_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  const std::string previous = read_text(model);
  const std::set<std::string> outputs = names_in(folder);

  std::mt19937 random(seed);
  int at_once = 0, finished_first = 0;
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const int kind = round % 4;
    const Attack attack{kind == 0 ? SIGINT : SIGTERM,
                        kind < 2 ? Attack::once : kind == 2 ? Attack::twice_same_sender : Attack::twice_other_sender,
                        std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 300)(random))};
    auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(0, run_ms.count())(random));
    for (;;) {
      const bool stopped = attack_one_run(args, model, attack, delay, previous, outputs, at_once);
      if (::testing::Test::HasFailure()) return;
      if (stopped) break;
      ASSERT_GT(delay.count(), 0) << "a signal as soon as the run handles signals did not stop it";
      ++finished_first;
      delay /= 2;
    }
  }
  std::printf("%d rounds (a run: %lld ms), each stopped by the signal, %d of them at once; %d runs finished first\n",
              rounds, static_cast<long long>(run_ms.count()), at_once, finished_first);
}

// 300 samples of (4, 4, 8) features, labels 0/1.
fs::path write_features(const fs::path& folder) {
  fs::create_directories(folder);
  Tensor x({300, 4, 4, 8});
  for (int64_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((i * 7919) % 101) / 50.0f - 1.0f;
  std::vector<int32_t> labels(300);
  for (size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<int32_t>(i % 3 == 0);
  save_npy((folder / "features.npy").string(), x);
  save_npy((folder / "labels.npy").string(), labels);
  return folder;
}

std::vector<std::string> train_args(const fs::path& features, const fs::path& model) {
  return {BOTTLENECK_CLI, "train", "--train", features.string(), "--val", features.string(), "-o", model.string(),
          "--history", (model.parent_path() / "history.csv").string(), "--epochs", "8", "--seed", "3", "-q"};
}

TEST(Signals, TrainStopsCleanlyOnEverySignal) {
  const fs::path dir = scratch_dir("signals-train");
  const fs::path features = write_features(dir / "features"), model = dir / "out" / "head.h5";
  fs::create_directories(model.parent_path());
  signal_rounds(train_args(features, model), model, rounds_to_run(20), 16);
}

void write_images(const fs::path& root, int count) {
  for (const char* label : {"a", "b"}) fs::create_directories(root / label);
  for (int i = 0; i < count; ++i) {
    std::ofstream out(root / (i % 2 ? "b" : "a") / (std::to_string(i) + ".ppm"), std::ios::binary);
    out << "P6\n40 40\n255\n";
    for (int p = 0; p < 40 * 40 * 3; ++p) out.put(static_cast<char>(p * (i + 3) + (i % 2) * 60));
  }
}

TEST(Signals, FinetuneStopsCleanlyOnEverySignal) {
  const fs::path dir = scratch_dir("signals-finetune"), images = dir / "images", out = dir / "out";
  write_images(images, 24);
  const std::vector<std::string> base = {"--model", "squeezenet", "--weights", "random", "--target-size", "48x48"};
  auto with_base = [&](std::vector<std::string> args) {
    args.insert(args.end(), base.begin(), base.end());
    return args;
  };
  ASSERT_EQ(run_cli(with_base({"extract", images.string(), "-o", (dir / "features").string(), "-q"})).exit_code, 0);
  ASSERT_EQ(run_cli({"train", "--train", (dir / "features").string(), "-o", (dir / "head.h5").string(), "--epochs", "1",
                     "--head", "globalaveragepooling2d,dense:1:sigmoid", "-q"})
                .exit_code,
            0);
  fs::create_directories(out);
  const std::vector<std::string> args =
      with_base({BOTTLENECK_CLI, "finetune", "--train", images.string(), "--val", images.string(), "--head",
                 (dir / "head.h5").string(), "-o", (out / "full.h5").string(), "--epochs", "3", "--batch-size", "4",
                 "--trainable-from", "fire8/squeeze1x1", "-q"});
  signal_rounds(args, out / "full.h5", rounds_to_run(10), 61);
}

// GNU timeout signals the process, then its process group: two SIGTERMs for one request.
TEST(Signals, TimeoutsTwoSigtermsAreOneGracefulStop) {
  if (std::system("timeout --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "GNU timeout is not installed";
  const fs::path dir = scratch_dir("signals-timeout");
  const fs::path features = write_features(dir / "features"), model = dir / "out" / "head.h5";
  fs::create_directories(model.parent_path());
  std::vector<std::string> args = train_args(features, model);
  args[std::find(args.begin(), args.end(), "8") - args.begin()] = "100000";  // runs until stopped
  std::string command = "timeout 1.5";
  for (const auto& a : args) command += " '" + a + "'";
  const fs::path err = dir / "stderr";
  for (int round = 0; round < 3; ++round) {
    const int status = std::system((command + " 2>" + err.string()).c_str());
    const std::string message = read_text(err);
    EXPECT_EQ(WEXITSTATUS(status), 124) << message;
    EXPECT_TRUE(message.starts_with("error: interrupted by SIGTERM")) << message;
    EXPECT_EQ(message.find("at once"), std::string::npos) << "not a graceful stop: " << message;
    EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 1) << message;
    EXPECT_FALSE(fs::exists(model));
    EXPECT_TRUE(fs::is_empty(model.parent_path())) << "files left behind";
  }
}

}  // namespace
}  // namespace bottleneck
