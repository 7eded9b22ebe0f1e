// `extract` as the processes of an MPI job (Open MPI's mpirun, on this machine only): two or
// three processes write the very bytes one process writes, real photos with a corrupt file
// among them; a process that fails or is stopped stops the whole job with one error line,
// leaves the previous outputs, and the next run (or --resume, with any number of processes)
// ends with the outputs of an uninterrupted run. Skips when mpirun or MPI is missing.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;
using testing::run_shell;
using testing::scratch_dir;

const std::vector<std::string> outputs = {"features.npy", "labels.npy", "files.txt", "classes.txt", "meta.json"};

// 11 cats and 11 dogs of the real photos, and a file that is no image among the cats.
fs::path photos_with_a_corrupt_file() {
  const fs::path folder = scratch_dir("photos");
  for (const std::string animal : {"cat", "dog"}) {
    fs::create_directories(folder / (animal + "s"));
    for (int i = 1; i <= 11; ++i) {
      const std::string name = animal + "." + std::to_string(i) + ".jpg";
      fs::copy_file(testing::shared_dir() / "data/cats_and_dogs/train" / (animal + "s") / name, folder / (animal + "s") / name);
    }
  }
  std::ofstream(folder / "cats" / "cat.broken.jpg") << "not a JPEG";
  return folder;
}

// One thread each: the processes share the machine's cores.
std::vector<std::string> extract(const fs::path& input, const fs::path& output, int batch_size,
                                 const std::vector<std::string>& more = {}) {
  std::vector<std::string> words = {BOTTLENECK_CLI, "extract", input.string(), "-o", output.string(), "--model",
                                    "squeezenet", "--weights",
                                    (testing::shared_dir() / "weights/squeezenet_v1.1_keras_notop.h5").string(),
                                    "--target-size", "128x128", "--batch-size", std::to_string(batch_size),
                                    "--threads", "1", "--workers", "1", "-q"};
  words.insert(words.end(), more.begin(), more.end());
  return words;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void expect_same_outputs(const fs::path& expected, const fs::path& actual) {
  for (const std::string& name : outputs) {
    ASSERT_TRUE(fs::exists(expected / name)) << name;
    EXPECT_TRUE(read_bytes(expected / name) == read_bytes(actual / name)) << name << " differs in " << actual;
  }
}

int error_lines(const std::string& err) {
  int count = 0;
  for (size_t at = err.find("error:"); at != std::string::npos; at = err.find("error:", at + 1)) ++count;
  return count;
}

// The reference: one process, no launcher.
fs::path single_process_outputs(const fs::path& input, int batch_size) {
  const fs::path folder = scratch_dir("one-process");
  const auto r = run_shell(testing::shell_words(extract(input, folder, batch_size)));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return folder;
}

// A fresh output folder holding `outputs`: what an earlier run left, for a failing or killed
// run to keep.
fs::path folder_holding(const fs::path& outputs) {
  const fs::path folder = scratch_dir("job");
  fs::copy(outputs, folder, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  return folder;
}

TEST(DistributedExtract, TwoAndThreeProcessesWriteTheBytesOfOneProcess) {
  BOTTLENECK_REQUIRE_SHARED();
  BOTTLENECK_REQUIRE_MPI();
  const fs::path input = photos_with_a_corrupt_file();
  const fs::path expected = single_process_outputs(input, 4);
  EXPECT_NE(read_bytes(expected / "meta.json").find("cat.broken.jpg"), std::string::npos);
  EXPECT_NE(read_bytes(expected / "meta.json").find("\"count\": 22"), std::string::npos);
  for (int processes : {2, 3}) {
    const fs::path output = scratch_dir("processes-" + std::to_string(processes));
    const auto r = run_shell(testing::shell_words(testing::mpirun(processes, extract(input, output, 4, {"--on-error", "skip"}))));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_same_outputs(expected, output);
    EXPECT_FALSE(fs::exists(output / ".extract-partial"));
  }
}

TEST(DistributedExtract, AFailingProcessStopsEveryProcessWithOneErrorLineAndTheNextRunRecovers) {
  BOTTLENECK_REQUIRE_SHARED();
  BOTTLENECK_REQUIRE_MPI();
  const fs::path input = photos_with_a_corrupt_file();
  const fs::path expected = single_process_outputs(input, 4);
  const fs::path output = folder_holding(expected);
  // The corrupt file is the last of the cats: batch 2 of 4 images, the third process's.
  const auto failed = run_shell(testing::shell_words(testing::mpirun(3, extract(input, output, 4, {"--on-error", "fail"}))));
  EXPECT_NE(failed.exit_code, 0);
  EXPECT_EQ(error_lines(failed.err), 1) << failed.err;
  EXPECT_NE(failed.err.find("error: cannot read " + (input / "cats" / "cat.broken.jpg").string()), std::string::npos)
      << failed.err;
  expect_same_outputs(expected, output);
  EXPECT_FALSE(fs::exists(output / ".extract-partial"));

  const auto next = run_shell(testing::shell_words(testing::mpirun(3, extract(input, output, 4))));
  ASSERT_EQ(next.exit_code, 0) << next.err;
  expect_same_outputs(expected, output);

  // A failure before any work (here every process's) is one line too.
  const auto refused = run_shell(testing::shell_words(testing::mpirun(2, extract(input / "absent", output, 4))));
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_EQ(error_lines(refused.err), 1) << refused.err;
  expect_same_outputs(expected, output);
}

// The process of `rank` among the children of mpirun `launcher`, or 0.
pid_t rank_process(pid_t launcher, int rank) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    const size_t after_name = text.rfind(')');
    if (after_name == std::string::npos) continue;
    std::istringstream fields(text.substr(after_name + 2));
    std::string state;
    pid_t parent = 0;
    fields >> state >> parent;
    if (parent != launcher) continue;
    const std::string environment = read_bytes(entry.path() / "environ");
    if (environment.find(std::string("OMPI_COMM_WORLD_RANK=") + std::to_string(rank) + '\0') != std::string::npos)
      return std::stoi(pid);
  }
  return 0;
}

struct StoppedJob {
  int exit_code;
  std::string err;
};

// Starts the job, and once it has recorded progress sends `signal` to one of its processes.
StoppedJob stop_one_process_midway(const std::vector<std::string>& job, const fs::path& output, int rank, int signal) {
  const fs::path err = scratch_dir("stderr") / "job.err";
  const pid_t launcher = testing::spawn(job, err.string());
  if (launcher <= 0) return {-1, "not started"};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(output / ".extract-partial" / "features.npy.progress.json") &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const pid_t process = rank_process(launcher, rank);
  EXPECT_GT(process, 0) << "no process of rank " << rank;
  if (process > 0) ::kill(process, signal);
  int status = 0;
  ::waitpid(launcher, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), read_bytes(err)};
}

TEST(DistributedExtract, AnInterruptedProcessStopsTheJobAndResumeWithOtherProcessesContinuesIt) {
  BOTTLENECK_REQUIRE_SHARED();
  BOTTLENECK_REQUIRE_MPI();
  const fs::path input = photos_with_a_corrupt_file();
  const fs::path expected = single_process_outputs(input, 1);
  const fs::path output = scratch_dir("job");
  // Batches of one image: many steps, time to stop the job midway.
  const StoppedJob stopped = stop_one_process_midway(testing::mpirun(2, extract(input, output, 1)), output, 1, SIGTERM);
  EXPECT_NE(stopped.exit_code, 0);
  EXPECT_EQ(error_lines(stopped.err), 1) << stopped.err;
  EXPECT_NE(stopped.err.find("error: interrupted by SIGTERM after "), std::string::npos) << stopped.err;
  EXPECT_FALSE(fs::exists(output / "meta.json"));
  ASSERT_TRUE(fs::exists(output / ".extract-partial" / "features.npy.progress.json"));

  const auto resumed = run_shell(testing::shell_words(testing::mpirun(3, extract(input, output, 1, {"--resume"}))));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  expect_same_outputs(expected, output);
}

TEST(DistributedExtract, AKilledProcessLeavesThePreviousOutputsAndResumeContinues) {
  BOTTLENECK_REQUIRE_SHARED();
  BOTTLENECK_REQUIRE_MPI();
  const fs::path input = photos_with_a_corrupt_file();
  const fs::path expected = single_process_outputs(input, 1);
  const fs::path output = folder_holding(expected);
  const StoppedJob killed = stop_one_process_midway(testing::mpirun(2, extract(input, output, 1)), output, 1, SIGKILL);
  EXPECT_NE(killed.exit_code, 0);
  expect_same_outputs(expected, output);

  const auto resumed = run_shell(testing::shell_words(extract(input, output, 1, {"--resume"})));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  expect_same_outputs(expected, output);
}

}  // namespace
}  // namespace bottleneck
