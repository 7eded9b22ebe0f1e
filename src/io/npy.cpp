#include "bottleneck/npy.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <regex>

#include "bottleneck/atomic_file.hpp"
#include "bottleneck/distributed/run_together.hpp"
#include "bottleneck/error.hpp"

namespace bottleneck {

namespace {

constexpr char magic[] = "\x93NUMPY";
constexpr size_t magic_size = 6;
constexpr size_t header_limit = 1 << 20;  // no real header comes near this

struct Header {
  std::string descr;
  bool fortran_order = false;
  Shape shape;
  size_t data_offset = 0;
};

size_t item_size(const std::string& descr) {
  if (descr == "<f4" || descr == "<i4") return 4;
  if (descr == "<f8" || descr == "<i8") return 8;
  if (descr == "|u1" || descr == "|b1" || descr == "|i1") return 1;
  return 0;
}

// Parses the Python-literal dict of a .npy header: the three keys numpy writes (descr,
// fortran_order, shape) must be there with valid values; other keys are ignored.
Header parse_header(const std::string& text, const std::string& path) {
  static const std::regex descr_re(R"('descr'\s*:\s*'([^']*)')");
  static const std::regex order_re(R"('fortran_order'\s*:\s*(True|False))");
  static const std::regex shape_re(R"('shape'\s*:\s*\(([^)]*)\))");
  std::smatch m;
  Header h;
  if (!std::regex_search(text, m, descr_re)) throw Error(path + ": .npy header has no descr");
  h.descr = m[1];
  if (!std::regex_search(text, m, order_re)) throw Error(path + ": .npy header has no fortran_order");
  h.fortran_order = m[1] == "True";
  if (!std::regex_search(text, m, shape_re)) throw Error(path + ": .npy header has no shape");
  std::string dims = m[1];
  size_t pos = 0;
  while (pos < dims.size()) {
    size_t comma = dims.find(',', pos);
    std::string item = dims.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \tL") + 1);
    if (!item.empty()) {
      if (item.find_first_not_of("0123456789") != std::string::npos || item.size() > 12)
        throw Error(path + ": .npy header has a bad shape (" + dims + ")");
      h.shape.push_back(std::stoll(item));
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  if (item_size(h.descr) == 0) {
    std::string why = (h.descr.size() && h.descr[0] == '>') ? "big-endian data" : "dtype '" + h.descr + "'";
    throw Error(path + ": unsupported .npy " + why + " (expected little-endian float32/float64/int32/int64/uint8/bool)");
  }
  if (h.fortran_order) throw Error(path + ": Fortran-ordered .npy is not supported (save it C-ordered)");
  return h;
}

Header read_header(std::istream& in, const std::string& path, uint64_t file_size) {
  char prefix[10];
  if (!in.read(prefix, 8) || std::memcmp(prefix, magic, magic_size) != 0)
    throw Error(path + ": not a .npy file (bad magic)");
  int major = static_cast<unsigned char>(prefix[6]);
  size_t header_len = 0;
  size_t prefix_len = 0;
  if (major == 1) {
    unsigned char b[2];
    if (!in.read(reinterpret_cast<char*>(b), 2)) throw Error(path + ": truncated .npy header");
    header_len = b[0] | (b[1] << 8);
    prefix_len = 10;
  } else if (major == 2 || major == 3) {
    unsigned char b[4];
    if (!in.read(reinterpret_cast<char*>(b), 4)) throw Error(path + ": truncated .npy header");
    header_len = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<size_t>(b[3]) << 24);
    prefix_len = 12;
  } else {
    throw Error(path + ": unsupported .npy format version " + std::to_string(major));
  }
  if (header_len > header_limit || prefix_len + header_len > file_size)
    throw Error(path + ": truncated .npy header");
  std::string text(header_len, '\0');
  if (!in.read(text.data(), header_len)) throw Error(path + ": truncated .npy header");
  Header h = parse_header(text, path);
  h.data_offset = prefix_len + header_len;
  return h;
}

uint64_t checked_byte_count(const Header& h, const std::string& path) {
  uint64_t n = 1;
  for (int64_t d : h.shape) {
    if (d != 0 && n > std::numeric_limits<uint64_t>::max() / 16 / static_cast<uint64_t>(d))
      throw Error(path + ": .npy shape " + shape_to_string(h.shape) + " is too large");
    n *= static_cast<uint64_t>(d);
  }
  return n * item_size(h.descr);
}

uint64_t file_size_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw Error("cannot read " + path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw Error("cannot read " + path + ": it is a directory");
  // A FIFO or device would block the open that follows, or have no size to check against.
  if (!S_ISREG(st.st_mode)) throw Error("cannot read " + path + ": not a regular file");
  return static_cast<uint64_t>(st.st_size);
}

// `length`: the total header size to pad to (0: numpy's own, the next multiple of 64).
std::string make_header(const std::string& descr, const Shape& shape, size_t length = 0) {
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape_to_string(shape) + ", }";
  // numpy pads with spaces so that the data starts on a 64-byte boundary, ending in '\n'.
  size_t total = magic_size + 2 + 2 + dict.size() + 1;
  size_t padded = length ? length : (total + 63) / 64 * 64;
  dict.append(padded - total, ' ');
  dict += '\n';
  std::string out(magic, magic_size);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(dict.size() & 0xff);
  out += static_cast<char>((dict.size() >> 8) & 0xff);
  return out + dict;
}

void save_bytes(const std::string& path, const std::string& descr, const Shape& shape, const void* data, size_t bytes) {
  AtomicFile file(path);
  std::string header = make_header(descr, shape);
  file.write(header.data(), header.size());
  file.write(data, bytes);
  file.commit();
}

template <typename T>
void convert_into(const NpyArray& a, float* out, int64_t n) {
  const T* p = reinterpret_cast<const T*>(a.bytes.data());
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(p[i]);
}

}  // namespace

NpyArray read_npy(const std::string& path) {
  uint64_t size = file_size_of(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path + ": " + std::strerror(errno));
  Header h = read_header(in, path, size);
  uint64_t bytes = checked_byte_count(h, path);
  if (size - h.data_offset < bytes)
    throw Error(path + ": truncated .npy data (" + std::to_string(size - h.data_offset) + " of " +
                std::to_string(bytes) + " bytes)");
  NpyArray a;
  a.descr = h.descr;
  a.shape = h.shape;
  a.bytes.resize(bytes);
  if (bytes && !in.read(reinterpret_cast<char*>(a.bytes.data()), static_cast<std::streamsize>(bytes)))
    throw Error(path + ": truncated .npy data");
  return a;
}

Tensor NpyArray::to_tensor() const {
  Tensor t(shape);
  int64_t n = t.size();
  if (n == 0) return t;  // an empty array's data may be a null pointer, not for memcpy
  if (descr == "<f4") std::memcpy(t.data(), bytes.data(), n * sizeof(float));
  else if (descr == "<f8") convert_into<double>(*this, t.data(), n);
  else if (descr == "<i4") convert_into<int32_t>(*this, t.data(), n);
  else if (descr == "<i8") convert_into<int64_t>(*this, t.data(), n);
  else if (descr == "|i1") convert_into<int8_t>(*this, t.data(), n);
  else convert_into<uint8_t>(*this, t.data(), n);
  return t;
}

std::vector<int32_t> NpyArray::to_int32() const {
  int64_t n = shape_size(shape);
  std::vector<int32_t> out(n);
  auto convert = [&](auto tag) {
    using T = decltype(tag);
    const T* p = reinterpret_cast<const T*>(bytes.data());
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<int32_t>(p[i]);
  };
  if (descr == "<i4") convert(int32_t{});
  else if (descr == "<i8") convert(int64_t{});
  else if (descr == "|u1" || descr == "|b1") convert(uint8_t{});
  else if (descr == "|i1") convert(int8_t{});
  else if (descr == "<f4" || descr == "<f8") {
    // Keras' binary labels are often saved as floats; accept whole numbers only.
    Tensor t = to_tensor();
    for (int64_t i = 0; i < n; ++i) {
      // Range first: converting a float outside int32's range (or NaN) is undefined.
      if (!(std::fabs(t[i]) < 2147483648.0f) || t[i] != static_cast<float>(static_cast<int32_t>(t[i])))
        throw Error("labels must be whole numbers, found " + std::to_string(t[i]));
      out[i] = static_cast<int32_t>(t[i]);
    }
  }
  return out;
}

Tensor load_npy(const std::string& path) { return read_npy(path).to_tensor(); }

void save_npy(const std::string& path, const Tensor& x) {
  save_bytes(path, "<f4", x.shape(), x.data(), x.size() * sizeof(float));
}

void save_npy(const std::string& path, const std::vector<int32_t>& values) {
  save_bytes(path, "<i4", {static_cast<int64_t>(values.size())}, values.data(), values.size() * sizeof(int32_t));
}

namespace {
int64_t row_size_of(const Shape& shape) {
  if (shape.empty()) throw Error("NpyWriter needs at least one axis");
  return shape_size(Shape(shape.begin() + 1, shape.end()));
}

// The length of a partial file holding `rows_done` rows.
uint64_t bytes_done(const Shape& shape, int64_t rows_done, const std::string& header) {
  if (rows_done < 0 || rows_done > shape[0])
    throw Error("NpyWriter: " + std::to_string(rows_done) + " rows done of " + std::to_string(shape[0]));
  if (rows_done == 0) return 0;
  return header.size() + static_cast<uint64_t>(rows_done * row_size_of(shape)) * sizeof(float);
}
}  // namespace

// The root process owns the file (its header, temporary name and commit); the rows of every
// process go in through one shared file at the offsets that keep them in rank order.
struct NpyWriter::Impl {
  distributed::Communicator& communicator;
  Shape shape;
  int64_t row_size;
  std::string header;
  std::optional<AtomicFile> file;  // the root's
  std::unique_ptr<distributed::SharedFile> rows;

  Impl(distributed::Communicator& c, const std::string& path, Shape s)
      : communicator(c), shape(std::move(s)), row_size(row_size_of(shape)), header(make_header("<f4", shape)) {
    distributed::run_together(communicator, [&] {
      if (!communicator.is_root()) return;
      file.emplace(path);
      start_file();
    });
    open_rows();
  }
  Impl(distributed::Communicator& c, const std::string& path, Shape s, const std::string& partial_path,
       int64_t rows_done)
      : communicator(c), shape(std::move(s)), row_size(row_size_of(shape)), header(make_header("<f4", shape)) {
    distributed::run_together(communicator, [&] {
      if (!communicator.is_root()) return;
      file.emplace(path, partial_path, bytes_done(shape, rows_done, header));
      if (rows_done == 0) return start_file();
      // The header tells whether the partial file was written for this very shape.
      std::string found(header.size(), '\0');
      if (::pread(::fileno(file->stream()), found.data(), found.size(), 0) != static_cast<ssize_t>(found.size()) ||
          found != header) {
        file->keep_temporary();
        throw Error(partial_path + " was not written for an array of shape " + shape_to_string(shape));
      }
    });
    open_rows();
  }
  // The header on disk before any process writes rows after it.
  void start_file() {
    file->write(header.data(), header.size());
    if (std::fflush(file->stream()) != 0) throw Error("cannot write " + file->temporary_path());
  }
  void open_rows() {
    rows = communicator.open_shared_file(communicator.broadcast(file ? file->temporary_path() : std::string(), 0));
  }
};

NpyWriter::NpyWriter(const std::string& path, Shape shape, distributed::Communicator& communicator)
    : impl_(std::make_unique<Impl>(communicator, path, std::move(shape))) {}
NpyWriter::NpyWriter(const std::string& path, Shape shape, const std::string& partial_path, int64_t rows_done,
                     distributed::Communicator& communicator)
    : impl_(std::make_unique<Impl>(communicator, path, std::move(shape), partial_path, rows_done)),
      rows_written_(rows_done) {}
NpyWriter::~NpyWriter() = default;

void NpyWriter::sync() { impl_->rows->sync(); }
void NpyWriter::keep_partial() {
  if (impl_->file) impl_->file->keep_temporary();
}

void NpyWriter::write_rows(const float* values, int64_t rows) {
  distributed::Communicator& communicator = impl_->communicator;
  const int64_t first_row = rows_written_ + communicator.exclusive_scan_sum(rows);
  const int64_t all_rows = communicator.all_sum(rows);
  if (rows_written_ + all_rows > impl_->shape[0])
    throw Error("NpyWriter: more rows than the declared shape " + shape_to_string(impl_->shape));
  const auto row_bytes = static_cast<uint64_t>(impl_->row_size) * sizeof(float);
  impl_->rows->write_at_all(impl_->header.size() + static_cast<uint64_t>(first_row) * row_bytes, values,
                            static_cast<size_t>(static_cast<uint64_t>(rows) * row_bytes));
  rows_written_ += all_rows;
}

void NpyWriter::commit_rows_written() {
  if (rows_written_ != impl_->shape[0]) {
    // A smaller first dimension never needs more header room than the announced one.
    Shape shape = impl_->shape;
    shape[0] = rows_written_;
    distributed::run_together(impl_->communicator, [&] {
      if (!impl_->file) return;
      std::string header = make_header("<f4", shape, impl_->header.size());
      std::FILE* stream = impl_->file->stream();
      if (std::fflush(stream) != 0 || std::fseek(stream, 0, SEEK_SET) != 0)
        throw Error("cannot rewrite the header of " + impl_->file->temporary_path());
      impl_->file->write(header.data(), header.size());
    });
    impl_->shape = shape;
  }
  commit();
}

void NpyWriter::commit() {
  if (rows_written_ != impl_->shape[0])
    throw Error("NpyWriter: " + std::to_string(rows_written_) + " rows written of " + std::to_string(impl_->shape[0]));
  impl_->rows.reset();  // every process's rows are in the file
  distributed::run_together(impl_->communicator, [&] {
    if (impl_->file) impl_->file->commit();
  });
}

NpyMap::NpyMap(const std::string& path) {
  uint64_t size = file_size_of(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path + ": " + std::strerror(errno));
  Header h = read_header(in, path, size);
  if (h.descr != "<f4") throw Error(path + ": expected float32 features, found dtype '" + h.descr + "'");
  uint64_t bytes = checked_byte_count(h, path);
  if (size - h.data_offset < bytes) throw Error(path + ": truncated .npy data");
  shape_ = h.shape;
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw Error("cannot read " + path + ": " + std::strerror(errno));
  mapping_size_ = static_cast<size_t>(h.data_offset + bytes);
  void* p = ::mmap(nullptr, mapping_size_, PROT_READ, MAP_SHARED, fd, 0);
  int err = errno;
  ::close(fd);
  if (p == MAP_FAILED) throw Error("cannot map " + path + ": " + std::strerror(err));
  mapping_ = p;
  data_ = reinterpret_cast<const float*>(static_cast<const char*>(p) + h.data_offset);
}

NpyMap::~NpyMap() {
  if (mapping_) ::munmap(mapping_, mapping_size_);
}

Tensor NpyMap::rows(int64_t begin, int64_t end) const {
  if (begin < 0 || end < begin || end > rows()) throw Error("NpyMap: rows out of range");
  Shape s = shape_;
  s[0] = end - begin;
  Tensor t(s);
  int64_t row = shape_size(Shape(shape_.begin() + 1, shape_.end()));
  std::memcpy(t.data(), data_ + begin * row, static_cast<size_t>((end - begin) * row) * sizeof(float));
  return t;
}

}  // namespace bottleneck
