// bottleneck completion: the bash completion script, made from the tool's own definition,
// completes each command's name and that command's own options (sourced into a real bash).
#include <gtest/gtest.h>

#include <fstream>

#include "support.hpp"

namespace bottleneck {
namespace {

using testing::quote;
using testing::run_cli;
using testing::run_shell;
using testing::scratch_dir;

class CliCompletion : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = run_cli({"completion"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    script_ = scratch_dir("completion") / "bottleneck.bash";
    std::ofstream(script_) << r.out;
  }

  // What bash offers for the last of `words` (the command line so far, "bottleneck" first),
  // one candidate per line.
  std::string complete(const std::vector<std::string>& words) const {
    std::string command = "bash -c 'source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _bottleneck; "
                          "((${#COMPREPLY[@]} == 0)) || printf \"%s\\n\" \"${COMPREPLY[@]}\"' bash " + quote(script_.string());
    for (const auto& word : words) command += " " + quote(word);
    auto r = run_shell(command);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    return r.out;
  }

  std::filesystem::path script_;
};

TEST_F(CliCompletion, CompletesCommandNames) {
  EXPECT_EQ(complete({"bottleneck", "ex"}), "extract\n");
  EXPECT_EQ(complete({"bottleneck", "fin"}), "finetune\n");
  const std::string all = complete({"bottleneck", ""});
  for (const char* command : {"info\n", "load-img\n", "extract\n", "train\n", "evaluate\n", "predict\n", "finetune\n",
                              "completion\n", "--version\n"})
    EXPECT_NE(all.find(command), std::string::npos) << command << " missing from:\n" << all;
}

TEST_F(CliCompletion, CompletesEachCommandsOwnOptions) {
  EXPECT_EQ(complete({"bottleneck", "extract", "--target-s"}), "--target-size\n");
  EXPECT_EQ(complete({"bottleneck", "extract", "in", "-o", "out", "--res"}), "--resume\n");
  EXPECT_EQ(complete({"bottleneck", "train", "--hi"}), "--history\n");
  EXPECT_EQ(complete({"bottleneck", "finetune", "--trainable"}), "--trainable-from\n");
  // `train` takes no --target-size, `info` no --output.
  EXPECT_EQ(complete({"bottleneck", "train", "--target"}), "");
  EXPECT_EQ(complete({"bottleneck", "info", "--out"}), "");
}

TEST_F(CliCompletion, CompletesPathsForArguments) {
  auto dir = scratch_dir("completion-paths");
  std::ofstream(dir / "photo.jpg") << "x";
  EXPECT_EQ(complete({"bottleneck", "extract", (dir / "pho").string()}), (dir / "photo.jpg").string() + "\n");
}

}  // namespace
}  // namespace bottleneck
