// Writes the main job's embedded default data set: two classes of small synthetic photos
// ("disks": a bright disk on a textured background; "stripes": oriented bars), laid out for
// flow_from_directory as OUT/{train,test}/{disks,stripes}/*.ppm. Seeded, so every run
// makes the same images.
//   make_demo_images OUT [TRAIN_PER_CLASS=40] [TEST_PER_CLASS=20]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr int size = 96;

struct Rgb {
  float r, g, b;
};

void write_ppm(const std::filesystem::path& path, const std::vector<unsigned char>& pixels) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + path.string());
  std::fprintf(f, "P6\n%d %d\n255\n", size, size);
  std::fwrite(pixels.data(), 1, pixels.size(), f);
  std::fclose(f);
}

std::vector<unsigned char> make_image(bool disk, std::mt19937& rng) {
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  std::normal_distribution<float> noise(0.0f, 12.0f);
  Rgb background{40 + 120 * unit(rng), 40 + 120 * unit(rng), 40 + 120 * unit(rng)};
  Rgb foreground{120 + 135 * unit(rng), 120 + 135 * unit(rng), 120 + 135 * unit(rng)};
  const float cx = size * (0.3f + 0.4f * unit(rng)), cy = size * (0.3f + 0.4f * unit(rng));
  const float radius = size * (0.15f + 0.15f * unit(rng));
  const float angle = 3.14159265f * unit(rng), period = 8 + 10 * unit(rng);
  std::vector<unsigned char> pixels(size * size * 3);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      float t;
      if (disk) {
        float d = std::hypot(x - cx, y - cy);
        t = std::clamp((radius - d) / 2.0f + 0.5f, 0.0f, 1.0f);
      } else {
        float u = x * std::cos(angle) + y * std::sin(angle);
        t = std::sin(u * 2 * 3.14159265f / period) > 0 ? 1.0f : 0.0f;
      }
      float shade = 0.85f + 0.15f * std::sin(0.07f * x + 0.05f * y);  // soft lighting
      const float channel[3] = {background.r + t * (foreground.r - background.r),
                                background.g + t * (foreground.g - background.g),
                                background.b + t * (foreground.b - background.b)};
      for (int c = 0; c < 3; ++c)
        pixels[(y * size + x) * 3 + c] = static_cast<unsigned char>(std::clamp(channel[c] * shade + noise(rng), 0.0f, 255.0f));
    }
  }
  return pixels;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: make_demo_images OUT [TRAIN_PER_CLASS] [TEST_PER_CLASS]\n");
    return 2;
  }
  const std::filesystem::path out = argv[1];
  const int counts[2] = {argc > 2 ? std::stoi(argv[2]) : 40, argc > 3 ? std::stoi(argv[3]) : 20};
  const char* splits[2] = {"train", "test"};
  std::mt19937 rng(2024);
  try {
    for (int s = 0; s < 2; ++s) {
      for (const char* cls : {"disks", "stripes"}) {
        auto dir = out / splits[s] / cls;
        std::filesystem::create_directories(dir);
        for (int i = 0; i < counts[s]; ++i) {
          char name[32];
          std::snprintf(name, sizeof name, "%s_%03d.ppm", cls, i);
          write_ppm(dir / name, make_image(std::string(cls) == "disks", rng));
        }
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
