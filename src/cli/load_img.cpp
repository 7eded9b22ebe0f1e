// bottleneck load-img IMAGE -o x.npy [--target-size HxW] [--interpolation M]:
// Keras' load_img + img_to_array, saved as a float32 (H, W, 3) .npy of RGB values 0..255.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "bottleneck/image.hpp"
#include "bottleneck/npy.hpp"
#include "cli/command.hpp"

namespace bottleneck::cli {

namespace {

struct LoadImgOptions {
  std::string image;
  std::string output;
  std::string target_size;
  std::string interpolation = "nearest";
  bool quiet = false;
};

void run_load_img(const LoadImgOptions& options) {
  // Both options are checked before the image is read, so a typo costs no decoding.
  const Interpolation interpolation = parse_interpolation(options.interpolation);
  std::optional<TargetSize> target_size;
  if (!options.target_size.empty()) target_size = parse_target_size(options.target_size);
  const Tensor array = img_to_array(load_img(options.image, target_size, interpolation));
  save_npy(options.output, array);
  if (!options.quiet) std::printf("%s\n", shape_to_string(array.shape()).c_str());
}

void setup_load_img(CLI::App& app) {
  auto options = std::make_shared<LoadImgOptions>();
  CLI::App* command = app.add_subcommand(
      "load-img", "Keras load_img + img_to_array: an image as a float32 HxWx3 RGB .npy (values 0..255)");
  command->add_option("image", options->image, "JPEG, PNG, BMP, PPM/PGM or TIFF file")->required();
  command->add_option("-o,--output", options->output, "The .npy file to write")->required();
  command->add_option("--target-size", options->target_size, "Resize to HxW (e.g. 224x224); default: keep the size");
  command->add_option("--interpolation", options->interpolation,
                      "nearest (Keras' default), bilinear, bicubic, lanczos, box or hamming")
      ->capture_default_str();
  command->add_flag("-q,--quiet", options->quiet, "Print nothing on success");
  command->callback([options] { run_load_img(*options); });
}

const CommandRegistration load_img_registration{"load-img", setup_load_img};

}  // namespace

}  // namespace bottleneck::cli
