// bottleneck --version: the tool's version and those of the libraries it computes and
// decodes with, the same lines `info` begins with.
#include <gtest/gtest.h>

#include "support.hpp"

namespace bottleneck {
namespace {

using testing::run_cli;

TEST(CliVersion, NamesBottleneckAndEachLibrary) {
  auto r = run_cli({"--version"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out.rfind(std::string("bottleneck ") + BOTTLENECK_VERSION + "\n", 0), 0u) << r.out;
  for (const char* expected : {"\noneDNN 2.", "\nHDF5 1.", "\nlibjpeg-turbo 2.", "\nlibpng 1.", "\nlibtiff 4."})
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected << " missing from:\n" << r.out;
}

TEST(CliVersion, IsWhatInfoBeginsWith) {
  auto version = run_cli({"--version"});
  auto info = run_cli({"info"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_EQ(info.out.rfind(version.out, 0), 0u) << "--version:\n" << version.out << "info:\n" << info.out;
  EXPECT_NE(info.out.find("CPU ISA (oneDNN): "), std::string::npos) << info.out;
}

}  // namespace
}  // namespace bottleneck
