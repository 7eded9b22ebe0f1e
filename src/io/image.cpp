// load_img and img_to_array, the format choice by magic bytes, and the parsing of the
// options that name interpolations and target sizes.
#include "bottleneck/image.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "bottleneck/error.hpp"
#include "bottleneck/stage_times.hpp"
#include "io/image_decode.hpp"

namespace bottleneck {

namespace {

// The file's bytes, mapped read-only: no copy, and no allocation sized by the file.
class MappedFile {
public:
  explicit MappedFile(const std::string& path) {
    // O_NONBLOCK: opening a FIFO or device would otherwise wait forever before the check below.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw Error("cannot open " + path + ": " + std::strerror(errno));
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
      ::close(fd);
      throw Error("cannot read " + path + ": not a regular file");
    }
    size_ = static_cast<size_t>(info.st_size);
    if (size_ > 0) {
      void* mapping = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (mapping == MAP_FAILED) {
        const int error = errno;
        ::close(fd);
        throw Error("cannot read " + path + ": " + std::strerror(error));
      }
      data_ = static_cast<const uint8_t*>(mapping);
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

bool starts_with(const uint8_t* data, size_t size, std::string_view magic) {
  return size >= magic.size() && std::memcmp(data, magic.data(), magic.size()) == 0;
}

using Decoder = image_io::DecodedImage (*)(const image_io::EncodedImage&);

Decoder decoder_for(const uint8_t* data, size_t size) {
  using namespace std::string_view_literals;
  if (starts_with(data, size, "\xFF\xD8\xFF"sv)) return image_io::decode_jpeg;
  if (starts_with(data, size, "\x89PNG\r\n\x1A\n"sv)) return image_io::decode_png;
  if (starts_with(data, size, "BM"sv)) return image_io::decode_bmp;
  if (starts_with(data, size, "II*\0"sv) || starts_with(data, size, "MM\0*"sv) ||
      starts_with(data, size, "II+\0"sv) || starts_with(data, size, "MM\0+"sv))
    return image_io::decode_tiff;
  if (size >= 2 && data[0] == 'P' && data[1] >= '1' && data[1] <= '7') return image_io::decode_ppm;
  return nullptr;
}

constexpr std::array<std::pair<std::string_view, Interpolation>, 6> interpolation_names{{
    {"nearest", Interpolation::nearest},
    {"bilinear", Interpolation::bilinear},
    {"bicubic", Interpolation::bicubic},
    {"lanczos", Interpolation::lanczos},
    {"box", Interpolation::box},
    {"hamming", Interpolation::hamming},
}};

Error bad_target_size(std::string_view text) {
  return Error("bad target size '" + std::string(text) + "' (expected HxW, e.g. 224x224)");
}

int parse_dimension(std::string_view text, std::string_view whole) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value <= 0)
    throw bad_target_size(whole);
  return value;
}

}  // namespace

Interpolation parse_interpolation(std::string_view name) {
  for (const auto& [known, interpolation] : interpolation_names)
    if (known == name) return interpolation;
  throw Error("unknown interpolation '" + std::string(name) +
              "' (expected nearest, bilinear, bicubic, lanczos, box or hamming)");
}

std::string_view interpolation_name(Interpolation interpolation) {
  for (const auto& [known, value] : interpolation_names)
    if (value == interpolation) return known;
  return "unknown";
}

TargetSize parse_target_size(std::string_view text) {
  const size_t x = text.find('x');
  if (x == std::string_view::npos) throw bad_target_size(text);
  TargetSize size{parse_dimension(text.substr(0, x), text), parse_dimension(text.substr(x + 1), text)};
  if (size.width > max_image_pixels / size.height)
    throw Error("target size '" + std::string(text) + "' is larger than the image size limit");
  return size;
}

Image decode_image_bytes(const uint8_t* data, size_t size, const std::string& name_for_errors) {
  if (size == 0) throw Error(name_for_errors + ": empty file, not an image");
  const Decoder decode = decoder_for(data, size);
  if (!decode) throw Error(name_for_errors + ": cannot identify image file (not JPEG, PNG, BMP, PPM/PGM or TIFF)");
  return image_io::convert_to_rgb(decode({data, size, name_for_errors}));
}

Image decode_image(const std::string& path) {
  const MappedFile file(path);
  return decode_image_bytes(file.data(), file.size(), path);
}

Image load_img(const std::string& path, std::optional<TargetSize> target_size, Interpolation interpolation) {
  Image image = [&] {
    StageTimer timer(Stage::decode);
    return decode_image(path);
  }();
  if (!target_size || (target_size->width == image.width && target_size->height == image.height)) return image;
  StageTimer timer(Stage::resize);
  return resize(image, target_size->width, target_size->height, interpolation);
}

Tensor img_to_array(const Image& image) {
  Tensor array({image.height, image.width, 3});
  float* out = array.data();
  for (uint8_t value : image.pixels) *out++ = value;
  return array;
}

}  // namespace bottleneck
