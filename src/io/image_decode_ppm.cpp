// Binary PGM (P5) and PPM (P6), as Pillow's PpmImagePlugin (9.4) reads them: whitespace- and
// comment-separated header tokens, then samples of 1 byte (maxval < 256) or 2 big-endian bytes.
// A maxval other than 255 is rescaled to round(v / maxval * 255) (Python rounding); 16-bit
// grey becomes Pillow's mode I (0..65535) whose convert('RGB') clips to 0..255.
#include <algorithm>
#include <cmath>
#include <string_view>

#include "bottleneck/error.hpp"
#include "io/image_decode.hpp"

namespace bottleneck::image_io {

namespace {

constexpr std::string_view whitespace = " \t\n\v\f\r";
constexpr size_t longest_token = 10;

bool is_space(uint8_t c) { return whitespace.find(static_cast<char>(c)) != std::string_view::npos; }

// Pillow's _read_token: skips leading whitespace and "#" comments (to CR or LF), reads up to
// the next whitespace, which it consumes.
class HeaderReader {
public:
  explicit HeaderReader(const EncodedImage& file) : file_(file) {}

  int64_t next_number(const char* what) {
    std::string token;
    while (token.size() <= longest_token && offset_ < file_.size) {
      const uint8_t c = file_.data[offset_++];
      if (is_space(c)) {
        if (token.empty()) continue;
        break;
      }
      if (c == '#') {
        while (offset_ < file_.size && file_.data[offset_] != '\r' && file_.data[offset_] != '\n') ++offset_;
        if (offset_ < file_.size) ++offset_;
        continue;
      }
      token += static_cast<char>(c);
    }
    if (token.empty()) throw Error(file_.name + ": PPM header ends before its " + what);
    if (token.size() > longest_token || token.find_first_not_of("0123456789") != std::string::npos)
      throw Error(file_.name + ": bad PPM " + what + " '" + token + "'");
    return std::stoll(token);
  }

  size_t offset() const { return offset_; }

private:
  const EncodedImage& file_;
  size_t offset_ = 3;  // after "P5" or "P6" and one whitespace byte
};

}  // namespace

DecodedImage decode_ppm(const EncodedImage& file) {
  if (file.size < 3 || file.data[0] != 'P' || (file.data[1] != '5' && file.data[1] != '6') || !is_space(file.data[2]))
    throw Error(file.name + ": only binary PGM (P5) and PPM (P6) files are supported");
  const bool grey = file.data[1] == '5';
  HeaderReader header(file);
  const int64_t width = header.next_number("width");
  const int64_t height = header.next_number("height");
  const int64_t maxval = header.next_number("maxval");
  if (maxval <= 0 || maxval >= 65536)
    throw Error(file.name + ": PPM maxval must be greater than 0 and less than 65536");

  DecodedImage image = allocate_decoded_image(width, height, grey ? PixelMode::L : PixelMode::RGB, file.name);
  const size_t sample_bytes = maxval < 256 ? 1 : 2;
  const size_t samples = image.pixels.size();
  if ((file.size - header.offset()) / sample_bytes < samples) throw Error(file.name + ": image file is truncated");

  const uint8_t* in = file.data + header.offset();
  if (maxval == 255) {
    std::copy(in, in + samples, image.pixels.begin());
    return image;
  }
  // Grey above 8 bits is mode I: scaled to 0..65535, then clipped by convert('RGB').
  const double target_max = grey && maxval > 255 ? 65535.0 : 255.0;
  for (size_t i = 0; i < samples; ++i) {
    const double value = sample_bytes == 1 ? in[i] : in[2 * i] * 256 + in[2 * i + 1];
    const double scaled =
        maxval == 65535 && grey ? value : std::min(target_max, std::nearbyint(value / maxval * target_max));
    image.pixels[i] = static_cast<uint8_t>(std::min(scaled, 255.0));
  }
  return image;
}

}  // namespace bottleneck::image_io
