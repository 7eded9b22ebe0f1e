#pragma once
// RLE4 and RLE8 BMP pixel data, decoded as Pillow 9.4's BmpRleDecoder does, quirks
// included (a delta escape reads two bytes more than it uses; an odd absolute run in RLE4
// drops its last pixel; runs past the end of a row spill into the next).
#include <vector>

#include "io/image_decode.hpp"

namespace bottleneck::image_io {

// The width * height palette indices of the data at `offset`, rows in file order (bottom
// first unless the file is top-down). Throws Error when the data ends before the image does.
std::vector<uint8_t> decode_bmp_rle(const EncodedImage& file, size_t offset, int width, int height, bool rle4);

}  // namespace bottleneck::image_io
