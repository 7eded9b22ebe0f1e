#include "support.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

extern char** environ;

namespace bottleneck::testing {

namespace fs = std::filesystem;

fs::path shared_dir() {
  fs::path p = BOTTLENECK_SHARED_DIR;
  return fs::is_directory(p / "fixtures") ? p : fs::path();
}

fs::path scratch_dir(const std::string& name) {
  // Under the running test's own name: CTest runs tests in parallel, and helpers shared by
  // several tests ask for the same `name`.
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string owner = test ? std::string(test->test_suite_name()) + "." + test->name() : "no-test";
  fs::path p = fs::path(BOTTLENECK_BINARY_DIR) / "test-scratch" / owner / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

int spawn(const std::vector<std::string>& args, const std::string& stderr_path) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

double max_relative_error(const Tensor& ours, const Tensor& expected) {
  double worst = 0, scale = 0;
  for (int64_t i = 0; i < expected.size(); ++i) {
    worst = std::max(worst, static_cast<double>(std::fabs(ours[i] - expected[i])));
    scale = std::max(scale, static_cast<double>(std::fabs(expected[i])));
  }
  return worst / scale;
}

bool bfloat16_available() { return mixed_precision::bfloat16_support().rfind("unavailable", 0) != 0; }

double relative_rms_error(const Tensor& ours, const Tensor& expected) {
  EXPECT_EQ(ours.shape(), expected.shape());
  double difference = 0.0, reference = 0.0;
  for (int64_t i = 0; i < expected.size() && i < ours.size(); ++i) {
    difference += (static_cast<double>(ours[i]) - expected[i]) * (static_cast<double>(ours[i]) - expected[i]);
    reference += static_cast<double>(expected[i]) * expected[i];
  }
  return std::sqrt(difference / reference);
}

CommandResult run_cli(const std::vector<std::string>& args) {
  std::string cmd = quote(BOTTLENECK_CLI);
  for (const auto& a : args) cmd += " " + quote(a);
  return run_shell(cmd);
}

CommandResult run_shell(const std::string& command) {
  static int counter = 0;
  fs::path dir = fs::path(BOTTLENECK_BINARY_DIR) / "test-scratch" / "cli-output";
  fs::create_directories(dir);
  std::string tag = std::to_string(::getpid()) + "-" + std::to_string(counter++);
  fs::path out = dir / (tag + ".out"), err = dir / (tag + ".err");
  std::string cmd = command + " </dev/null >" + quote(out.string()) + " 2>" + quote(err.string());
  int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out);
  r.err = slurp(err);
  fs::remove(out);
  fs::remove(err);
  return r;
}

std::string shell_words(const std::vector<std::string>& words) {
  std::string line;
  for (const std::string& word : words) line += (line.empty() ? "" : " ") + quote(word);
  return line;
}

namespace {
// mpirun's path (tests start processes without a shell too), or empty.
std::string mpirun_path() {
  const std::string path = run_shell("command -v mpirun").out;
  return path.substr(0, path.find('\n'));
}
}  // namespace

std::string mpi_missing() {
  if (mpirun_path().empty()) return "mpirun is not installed (Debian's openmpi-bin)";
  if (run_cli({"--version"}).out.find("MPI none") != std::string::npos)
    return "this build has no MPI (libopenmpi-dev was missing when it was configured)";
  return "";
}

std::vector<std::string> mpirun(int processes, const std::vector<std::string>& command) {
  // Open MPI keeps memory until its processes end and unloads its plugins first, so a sanitizer
  // build's leak reports there cannot be suppressed by library: leak checks are off in the
  // processes of a job (every single-process test still checks ours).
  std::vector<std::string> words = {mpirun_path(), "--oversubscribe", "--allow-run-as-root", "--mca", "btl",
                                    "self,vader", "--mca", "btl_tcp_if_include", "lo", "--mca",
                                    "oob_tcp_if_include", "lo", "-x", "LSAN_OPTIONS=detect_leaks=0",
                                    "-np", std::to_string(processes)};
  words.insert(words.end(), command.begin(), command.end());
  return words;
}

}  // namespace bottleneck::testing
