#pragma once
// Helpers shared by the tests: where ../shared is (tests skip when it is absent), running
// the command-line tool, scratch folders.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "bottleneck/mixed_precision.hpp"
#include "bottleneck/tensor.hpp"

namespace bottleneck::testing {

// ../shared beside the project, or empty when absent.
std::filesystem::path shared_dir();
// Skips the calling test, saying why, when ../shared is absent.
#define BOTTLENECK_REQUIRE_SHARED()                                                          \
  do {                                                                                        \
    if (::bottleneck::testing::shared_dir().empty())                                          \
      GTEST_SKIP() << "../shared is absent (fixtures live there); a fresh clone skips this";  \
  } while (0)

// A fresh, empty folder for this test (test-scratch/<Suite.Test>/<name> in the build folder).
std::filesystem::path scratch_dir(const std::string& name);

// max |ours - expected| / max |expected|: the fixtures' tolerance measure for features and
// gradients (the shapes must agree).
double max_relative_error(const Tensor& ours, const Tensor& expected);
// rms(ours - expected) / rms(expected): how far a whole result moved (bfloat16 against float32).
double relative_rms_error(const Tensor& ours, const Tensor& expected);

// Whether oneDNN has bfloat16 kernels for this CPU (native or emulated); the macro skips the
// calling test, saying why, where it has none.
bool bfloat16_available();
#define BOTTLENECK_REQUIRE_BFLOAT16()                                                                       \
  do {                                                                                                      \
    if (!::bottleneck::testing::bfloat16_available())                                                       \
      GTEST_SKIP() << "no bfloat16 kernels on this CPU: " << ::bottleneck::mixed_precision::bfloat16_support(); \
  } while (0)

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs the bottleneck tool with the given arguments (shell-quoted here).
CommandResult run_cli(const std::vector<std::string>& args);
// `s` as one word of a shell command line.
std::string quote(const std::string& s);
// Runs one shell command (the caller quotes it) with stdin from /dev/null.
CommandResult run_shell(const std::string& command);

// Starts `args` (a program and its arguments) without waiting: stdout to /dev/null, stderr to
// `stderr_path`. Returns its process id, for signalling it and waiting for it.
int spawn(const std::vector<std::string>& args, const std::string& stderr_path);

// Words as one shell command line.
std::string shell_words(const std::vector<std::string>& words);

// MPI jobs on this machine alone (Open MPI's mpirun: shared memory between the processes,
// the loopback interface for the launcher, more processes than cores, as root in CI).
// Why they cannot be run here (no mpirun, or a tool built without MPI), or empty.
std::string mpi_missing();
#define BOTTLENECK_REQUIRE_MPI()                                                                   \
  do {                                                                                             \
    if (const std::string why = ::bottleneck::testing::mpi_missing(); !why.empty()) GTEST_SKIP() << why; \
  } while (0)
// `command` (a program and its arguments) as the `processes` processes of one MPI job.
std::vector<std::string> mpirun(int processes, const std::vector<std::string>& command);

}  // namespace bottleneck::testing
