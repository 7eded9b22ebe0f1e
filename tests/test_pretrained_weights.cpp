// Published weights: fetched once into the cache (here from a file:// URL), checked against
// their published hash, taken from the cache afterwards; a bad download or Ctrl-C leaves
// nothing in the cache.
#include <signal.h>
#include <stdlib.h>

#include <fstream>

#include "applications/pretrained_weights.hpp"
#include "bottleneck/error.hpp"
#include "bottleneck/file_hash.hpp"
#include "bottleneck/interrupt.hpp"
#include "support.hpp"

namespace bottleneck {
namespace {

namespace fs = std::filesystem;

struct Published {
  fs::path cache;
  PublishedWeights weights;
};

// A "published" file in a scratch folder, and a cache folder of its own (BOTTLENECK_HOME).
Published publish(const std::string& name) {
  const fs::path dir = testing::scratch_dir(name);
  const fs::path source = dir / "server" / ("bottleneck_test_" + name + ".h5");
  fs::create_directories(source.parent_path());
  std::ofstream(source, std::ios::binary) << std::string(300000, 'w') << name;
  ::setenv("BOTTLENECK_HOME", (dir / "home").c_str(), 1);
  ::unsetenv("BOTTLENECK_OFFLINE");
  return {dir / "home" / "models",
          {"test weights", source.filename().string(), {"file://" + source.string()}, "",
           file_sha256(source.string()), static_cast<long long>(fs::file_size(source))}};
}

TEST(PretrainedWeights, DownloadedOnceCheckedAndCached) {
  Published p = publish("weights_download");
  const std::string path = detail::pretrained_weights_path(p.weights);
  EXPECT_EQ(fs::path(path), p.cache / p.weights.file_name);
  EXPECT_EQ(file_sha256(path), p.weights.sha256);
  EXPECT_EQ(std::distance(fs::directory_iterator(p.cache), fs::directory_iterator()), 1) << "temporary file left";

  p.weights.urls = {"file:///nonexistent/weights.h5"};  // the cached copy is used
  EXPECT_EQ(detail::pretrained_weights_path(p.weights), path);
}

TEST(PretrainedWeights, AMismatchedDownloadIsRefusedAndNotCached) {
  Published p = publish("weights_bad_hash");
  p.weights.sha256 = std::string(64, '0');
  try {
    detail::pretrained_weights_path(p.weights);
    FAIL() << "a file with the wrong hash was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not match the published hash"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(p.weights.file_name), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_empty(p.cache));
}

TEST(PretrainedWeights, AnInterruptStopsTheDownloadLeavingNothing) {
  Published p = publish("weights_interrupted");
  request_interrupt(SIGINT);
  EXPECT_THROW(detail::pretrained_weights_path(p.weights), Interrupted);
  EXPECT_FALSE(interrupt_requested());
  EXPECT_TRUE(fs::is_empty(p.cache));
}

}  // namespace
}  // namespace bottleneck
