#include "io/hdf5_file.hpp"

#include <hdf5.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <type_traits>

#include "bottleneck/error.hpp"
#include "io/hdf5_structure_check.hpp"

namespace bottleneck::hdf5 {

static_assert(std::is_same_v<hid_t, int64_t>, "hdf5_file.hpp spells hid_t as int64_t");

namespace {

// Bounds no Keras file comes near. They stop a damaged header from making us allocate
// gigabytes before HDF5 notices that the data is not there.
constexpr int64_t max_dataset_values = int64_t{1} << 30;  // 4 GiB as float32
constexpr int64_t max_attribute_bytes = int64_t{64} << 20;
constexpr int max_rank = 32;
constexpr hsize_t max_children = hsize_t{1} << 24;

// HDF5 prints its error stack from every failing call unless told not to. The setting
// belongs to the calling thread in thread-safe builds, hence once per thread.
void silence_hdf5() {
  thread_local bool silenced = false;
  if (!silenced) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    silenced = true;
  }
}

herr_t keep_innermost_message(unsigned depth, const H5E_error2_t* error, void* message) {
  if (depth == 0 && error->desc) *static_cast<std::string*>(message) = error->desc;
  return 0;
}

// " (<HDF5's most specific reason>)" for the call that just failed, or "".
std::string hdf5_reason() {
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost_message, &message);
  H5Eclear2(H5E_DEFAULT);
  std::replace(message.begin(), message.end(), '\n', ' ');
  return message.empty() ? "" : " (" + message + ")";
}

std::string describe_type(hid_t type) {
  std::string bits = std::to_string(H5Tget_size(type) * 8);
  switch (H5Tget_class(type)) {
    case H5T_INTEGER: return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + bits;
    case H5T_FLOAT: return "float" + bits;
    case H5T_STRING: return "strings";
    case H5T_COMPOUND: return "a compound type";
    case H5T_ENUM: return "an enum type";
    default: return "a non-numeric type";
  }
}

// A dataspace's dimensions: {} for a scalar, {0} for an empty (null) space. False when
// unreadable or of absurd rank.
bool read_extent(hid_t space, Shape& dims) {
  H5S_class_t kind = H5Sget_simple_extent_type(space);
  if (kind == H5S_NULL) {
    dims = {0};
    return true;
  }
  int rank = H5Sget_simple_extent_ndims(space);
  if (kind == H5S_NO_CLASS || rank < 0 || rank > max_rank) return false;
  hsize_t raw[max_rank];
  if (H5Sget_simple_extent_dims(space, raw, nullptr) < 0) return false;
  dims.assign(raw, raw + rank);
  return true;
}

// The number of elements, or -1 when it exceeds `limit`.
int64_t bounded_count(const Shape& dims, int64_t limit) {
  if (std::find(dims.begin(), dims.end(), 0) != dims.end()) return 0;
  int64_t count = 1;
  for (int64_t d : dims) {
    if (d < 0 || d > limit / count) return -1;
    count *= d;
  }
  return count;
}

Handle string_type(StringStorage storage, size_t fixed_size) {
  Handle type(H5Tcopy(H5T_C_S1));
  if (storage == StringStorage::fixed_length) {
    H5Tset_size(type.get(), fixed_size);
    H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  } else {
    H5Tset_size(type.get(), H5T_VARIABLE);
    H5Tset_cset(type.get(), storage == StringStorage::variable_length_utf8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII);
  }
  return type;
}

// HDF5 stamps every object with its creation time by default; without the stamps the same
// weights always make the same bytes (as h5py writes them: track_times=False).
Handle without_timestamps(hid_t property_class) {
  Handle properties(H5Pcreate(property_class));
  H5Pset_obj_track_times(properties.get(), 0);
  return properties;
}

Handle dataspace_for(const Shape& shape) {
  if (shape.empty()) return Handle(H5Screate(H5S_SCALAR));
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  return Handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
}

}  // namespace

// ---------------------------------------------------------------------------------------
Handle::~Handle() {
  if (id_ >= 0) H5Idec_ref(id_);
}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0) H5Idec_ref(id_);
    id_ = other.id_;
    other.id_ = -1;
  }
  return *this;
}

int64_t Handle::release() {
  int64_t id = id_;
  id_ = -1;
  return id;
}

// ---------------------------------------------------------------------------------------
Group::Group(Handle handle, std::string file_path, std::string object_path)
    : handle_(std::move(handle)), file_path_(std::move(file_path)), object_path_(std::move(object_path)) {
  silence_hdf5();
}

void Group::fail(const std::string& what) const { throw Error(file_path_ + ": " + what); }

void Group::fail_hdf5(const std::string& what) const { throw Error(file_path_ + ": " + what + hdf5_reason()); }

std::string Group::path_of(std::string_view relative) const {
  std::string path = object_path_;
  if (path.empty() || path.back() != '/') path += '/';
  return path + std::string(relative);
}

bool Group::has_attribute(std::string_view name) const {
  htri_t exists = H5Aexists(handle_.get(), std::string(name).c_str());
  if (exists < 0) fail_hdf5("cannot look up attribute " + std::string(name) + " of " + object_path_);
  return exists > 0;
}

bool Group::has_node(std::string_view relative) const {
  std::string name(relative);
  if (name.empty()) return false;
  // H5Lexists fails rather than answers when a parent is missing, so walk down.
  for (size_t slash = name.find('/', 1); slash != std::string::npos; slash = name.find('/', slash + 1)) {
    if (H5Lexists(handle_.get(), name.substr(0, slash).c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return H5Lexists(handle_.get(), name.c_str(), H5P_DEFAULT) > 0 &&
         H5Oexists_by_name(handle_.get(), name.c_str(), H5P_DEFAULT) > 0;
}

NodeKind Group::node_kind(std::string_view relative) const {
  Handle node(H5Oopen(handle_.get(), std::string(relative).c_str(), H5P_DEFAULT));
  if (!node.valid()) fail_hdf5("cannot open " + path_of(relative));
  switch (H5Iget_type(node.get())) {
    case H5I_GROUP: return NodeKind::group;
    case H5I_DATASET: return NodeKind::dataset;
    default: return NodeKind::other;
  }
}

std::vector<std::string> Group::child_names() const {
  H5G_info_t info;
  if (H5Gget_info(handle_.get(), &info) < 0) fail_hdf5("cannot list group " + object_path_);
  if (info.nlinks > max_children) fail("group " + object_path_ + " has an absurd number of members");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    ssize_t length = H5Lget_name_by_idx(handle_.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (length < 0) fail_hdf5("cannot list group " + object_path_);
    std::vector<char> name(static_cast<size_t>(length) + 1);
    if (H5Lget_name_by_idx(handle_.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT) < 0)
      fail_hdf5("cannot list group " + object_path_);
    names.emplace_back(name.data(), static_cast<size_t>(length));
  }
  return names;
}

Group Group::open_group(std::string_view relative) const {
  Handle group(H5Gopen2(handle_.get(), std::string(relative).c_str(), H5P_DEFAULT));
  if (!group.valid()) fail_hdf5("cannot open group " + path_of(relative));
  return Group(std::move(group), file_path_, path_of(relative));
}

Group Group::create_group(std::string_view relative) const {
  Handle link_properties(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(link_properties.get(), 1);
  Handle creation = without_timestamps(H5P_GROUP_CREATE);
  Handle group(
      H5Gcreate2(handle_.get(), std::string(relative).c_str(), link_properties.get(), creation.get(), H5P_DEFAULT));
  if (!group.valid()) fail_hdf5("cannot create group " + path_of(relative));
  return Group(std::move(group), file_path_, path_of(relative));
}

// ---------------------------------------------------------------------------------------
Handle Group::open_attribute(std::string_view attribute) const {
  Handle handle(H5Aopen(handle_.get(), std::string(attribute).c_str(), H5P_DEFAULT));
  if (!handle.valid()) fail_hdf5("cannot open attribute " + std::string(attribute) + " of " + object_path_);
  return handle;
}

std::vector<std::string> Group::read_strings(std::string_view attribute) const {
  const std::string what = "attribute " + std::string(attribute) + " of " + object_path_;
  Handle handle = open_attribute(attribute);
  Handle type(H5Aget_type(handle.get()));
  Handle space(H5Aget_space(handle.get()));
  Shape dims;
  if (!type.valid() || !space.valid() || !read_extent(space.get(), dims)) fail_hdf5("cannot read " + what);
  if (dims.size() > 1) fail(what + " has shape " + shape_to_string(dims) + ", expected a list of strings");
  const int64_t count = bounded_count(dims, max_attribute_bytes);
  if (count < 0) fail(what + " is absurdly large");

  H5T_class_t type_class = H5Tget_class(type.get());
  if (type_class != H5T_STRING) {
    // h5py stores an empty list as an empty float64 array.
    if (count == 0 && (type_class == H5T_FLOAT || type_class == H5T_INTEGER)) return {};
    fail(what + " holds " + describe_type(type.get()) + ", not strings");
  }

  std::vector<std::string> values;
  if (H5Tis_variable_str(type.get()) > 0) {
    Handle memory_type(H5Tcopy(H5T_C_S1));
    H5Tset_size(memory_type.get(), H5T_VARIABLE);
    H5Tset_cset(memory_type.get(), H5Tget_cset(type.get()));  // HDF5 converts no character sets
    if (count > max_attribute_bytes / static_cast<int64_t>(sizeof(char*))) fail(what + " is absurdly large");
    std::vector<char*> pointers(static_cast<size_t>(count), nullptr);
    if (count > 0 && H5Aread(handle.get(), memory_type.get(), pointers.data()) < 0) fail_hdf5("cannot read " + what);
    for (const char* p : pointers) values.emplace_back(p ? p : "");
    if (count > 0) H5Dvlen_reclaim(memory_type.get(), space.get(), H5P_DEFAULT, pointers.data());
    return values;
  }

  const size_t size = H5Tget_size(type.get());
  if (size == 0 || count > max_attribute_bytes / static_cast<int64_t>(size)) fail(what + " is absurdly large");
  Handle memory_type(H5Tcopy(type.get()));
  std::vector<char> buffer(size * static_cast<size_t>(count));
  if (count > 0 && H5Aread(handle.get(), memory_type.get(), buffer.data()) < 0) fail_hdf5("cannot read " + what);
  const bool space_padded = H5Tget_strpad(type.get()) == H5T_STR_SPACEPAD;
  for (int64_t i = 0; i < count; ++i) {
    std::string value(buffer.data() + i * size, size);
    value.erase(std::min(value.find('\0'), value.size()));  // numpy drops the null padding
    if (space_padded) value.erase(value.find_last_not_of(' ') + 1);
    values.push_back(std::move(value));
  }
  return values;
}

std::string Group::read_string(std::string_view attribute) const {
  std::vector<std::string> values = read_strings(attribute);
  if (values.size() != 1)
    fail("attribute " + std::string(attribute) + " of " + object_path_ + " holds " + std::to_string(values.size()) +
         " strings, expected one");
  return values.front();
}

void Group::write_string_attribute(const std::string& name, const std::vector<std::string>& values,
                                   StringStorage storage, size_t fixed_length, int64_t space) const {
  if (has_attribute(name)) H5Adelete(handle_.get(), name.c_str());  // h5py replaces, too
  size_t longest = 1;
  for (const auto& v : values) longest = std::max(longest, v.size());
  Handle type = string_type(storage, std::max(longest, fixed_length));
  Handle handle(H5Acreate2(handle_.get(), name.c_str(), type.get(), space, H5P_DEFAULT, H5P_DEFAULT));
  if (!handle.valid()) fail_hdf5("cannot write attribute " + name + " of " + object_path_);
  herr_t written;
  if (storage == StringStorage::fixed_length) {
    const size_t size = H5Tget_size(type.get());
    std::vector<char> buffer(size * values.size(), '\0');
    for (size_t i = 0; i < values.size(); ++i) std::copy(values[i].begin(), values[i].end(), buffer.begin() + i * size);
    written = H5Awrite(handle.get(), type.get(), buffer.data());
  } else {
    std::vector<const char*> pointers;
    for (const auto& v : values) pointers.push_back(v.c_str());
    written = H5Awrite(handle.get(), type.get(), pointers.data());
  }
  if (written < 0) fail_hdf5("cannot write attribute " + name + " of " + object_path_);
}

void Group::write_strings(std::string_view attribute, const std::vector<std::string>& values, StringStorage storage,
                          size_t fixed_length) const {
  const hsize_t count = values.size();
  Handle space(H5Screate_simple(1, &count, nullptr));
  write_string_attribute(std::string(attribute), values, storage, fixed_length, space.get());
}

void Group::write_string(std::string_view attribute, const std::string& value, StringStorage storage) const {
  Handle space(H5Screate(H5S_SCALAR));
  write_string_attribute(std::string(attribute), {value}, storage, 0, space.get());
}

void Group::write_empty_float64_array(std::string_view attribute) const {
  const std::string name(attribute);
  if (has_attribute(name)) H5Adelete(handle_.get(), name.c_str());
  const hsize_t zero = 0;
  Handle space(H5Screate_simple(1, &zero, nullptr));
  Handle handle(H5Acreate2(handle_.get(), name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!handle.valid()) fail_hdf5("cannot write attribute " + name + " of " + object_path_);
}

// ---------------------------------------------------------------------------------------
bool Group::holds_integers(std::string_view relative) const {
  Handle dataset(H5Dopen2(handle_.get(), std::string(relative).c_str(), H5P_DEFAULT));
  if (!dataset.valid()) fail_hdf5("cannot open dataset " + path_of(relative));
  Handle type(H5Dget_type(dataset.get()));
  return type.valid() && H5Tget_class(type.get()) == H5T_INTEGER;
}

Tensor Group::read_float_dataset(std::string_view relative) const {
  const std::string path = path_of(relative);
  Handle dataset(H5Dopen2(handle_.get(), std::string(relative).c_str(), H5P_DEFAULT));
  if (!dataset.valid()) fail_hdf5("cannot open dataset " + path);
  Handle type(H5Dget_type(dataset.get()));
  Handle space(H5Dget_space(dataset.get()));
  Shape shape;
  if (!type.valid() || !space.valid() || !read_extent(space.get(), shape)) fail_hdf5("cannot read dataset " + path);
  const size_t size = H5Tget_size(type.get());
  // Integers too: a Normalization layer's count is an int64 weight.
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (!(type_class == H5T_FLOAT && (size == 4 || size == 8)) && !(type_class == H5T_INTEGER && size <= 8))
    fail("dataset " + path + " holds " + describe_type(type.get()) + ", expected float32, float64 or an integer");
  const int64_t count = bounded_count(shape, max_dataset_values);
  if (count < 0) fail("dataset " + path + " has an absurd shape " + shape_to_string(shape));
  Tensor values(shape);
  if (values.size() > 0 &&
      H5Dread(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    fail_hdf5("cannot read dataset " + path);
  return values;
}

void Group::write_numeric_dataset(std::string_view relative, const Shape& shape, int64_t memory_type,
                                  int64_t file_type, const void* values, size_t count) const {
  const std::string path = path_of(relative);
  if (shape_size(shape) != static_cast<int64_t>(count))
    fail("dataset " + path + " of shape " + shape_to_string(shape) + " given " + std::to_string(count) + " values");
  Handle link_properties(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(link_properties.get(), 1);
  Handle space = dataspace_for(shape);
  Handle creation = without_timestamps(H5P_DATASET_CREATE);
  Handle dataset(H5Dcreate2(handle_.get(), std::string(relative).c_str(), file_type, space.get(),
                            link_properties.get(), creation.get(), H5P_DEFAULT));
  if (!dataset.valid()) fail_hdf5("cannot create dataset " + path);
  if (count > 0 && H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0)
    fail_hdf5("cannot write dataset " + path);
}

void Group::write_dataset(std::string_view relative, const Shape& shape, std::span<const float> values) const {
  write_numeric_dataset(relative, shape, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, values.data(), values.size());
}

void Group::write_dataset(std::string_view relative, const Shape& shape, std::span<const double> values) const {
  write_numeric_dataset(relative, shape, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, values.data(), values.size());
}

void Group::write_dataset(std::string_view relative, const Shape& shape, std::span<const int32_t> values) const {
  write_numeric_dataset(relative, shape, H5T_NATIVE_INT32, H5T_STD_I32LE, values.data(), values.size());
}

// ---------------------------------------------------------------------------------------
File::File(Handle handle, std::string display_path) : handle_(std::move(handle)), display_path_(std::move(display_path)) {}

File File::open_read_only(const std::string& path) {
  silence_hdf5();
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status))
    throw Error("cannot open " + path + ": " + (error ? error.message() : std::string("no such file")));
  if (std::filesystem::is_directory(status)) throw Error("cannot open " + path + ": it is a directory");
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 < 0) throw Error("cannot open " + path + hdf5_reason());
  if (is_hdf5 == 0) throw Error(path + " is not an HDF5 file");
  check_structure_of_file(path);
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!file.valid()) throw Error("cannot open " + path + ": damaged or truncated HDF5 file" + hdf5_reason());
  return File(std::move(file), path);
}

File File::open_image(const std::string& image, const std::string& display_path) {
  silence_hdf5();
  if (image.size() < 8 || image.compare(0, 8, "\x89HDF\r\n\x1a\n") != 0)
    throw Error(display_path + " is not an HDF5 file");
  check_structure(image, display_path);
  Handle access(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_fapl_core(access.get(), 1 << 16, /*backing_store=*/0);
  // HDF5 copies the image into its own buffer, so the caller's stays untouched.
  H5Pset_file_image(access.get(), const_cast<char*>(image.data()), image.size());
  Handle file(H5Fopen(display_path.c_str(), H5F_ACC_RDONLY, access.get()));
  if (!file.valid()) throw Error("cannot open " + display_path + ": damaged or truncated HDF5 file" + hdf5_reason());
  return File(std::move(file), display_path);
}

File File::create(const std::string& path, const std::string& display_path) {
  silence_hdf5();
  // Closing the file fails while anything in it is open, so close() cannot succeed early.
  Handle access(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_fclose_degree(access.get(), H5F_CLOSE_SEMI);
  // Built in memory and written out by close(): a failed write (a full disk) is then ours to
  // report, whereas a file HDF5 failed to flush crashes the HDF5 library at process exit.
  H5Pset_fapl_core(access.get(), 1 << 20, /*backing_store=*/0);
  Handle creation = without_timestamps(H5P_FILE_CREATE);  // for the root group
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, creation.get(), access.get()));
  if (!file.valid()) throw Error("cannot write " + display_path + hdf5_reason());
  File created(std::move(file), display_path);
  created.write_path_ = path;
  return created;
}

Group File::root() const {
  Handle group(H5Gopen2(handle_.get(), "/", H5P_DEFAULT));
  if (!group.valid()) throw Error("cannot read " + display_path_ + hdf5_reason());
  return Group(std::move(group), display_path_, "/");
}

void File::close() {
  if (!write_path_.empty()) write_image();
  if (H5Fclose(handle_.get()) < 0) throw Error("cannot finish writing " + display_path_ + hdf5_reason());
  handle_.release();
}

void File::write_image() const {
  if (H5Fflush(handle_.get(), H5F_SCOPE_GLOBAL) < 0) throw Error("cannot finish writing " + display_path_ + hdf5_reason());
  const ssize_t size = H5Fget_file_image(handle_.get(), nullptr, 0);
  std::vector<char> image(size > 0 ? static_cast<size_t>(size) : 0);
  if (size < 0 || H5Fget_file_image(handle_.get(), image.data(), image.size()) < 0)
    throw Error("cannot finish writing " + display_path_ + hdf5_reason());
  std::FILE* out = std::fopen(write_path_.c_str(), "wb");
  bool ok = out && std::fwrite(image.data(), 1, image.size(), out) == image.size() && std::fflush(out) == 0 &&
            ::fsync(::fileno(out)) == 0;
  const int error = errno;
  if (out) ok = std::fclose(out) == 0 && ok;
  if (!ok) throw Error("cannot write " + display_path_ + ": " + std::strerror(error ? error : EIO));
}

}  // namespace bottleneck::hdf5

namespace bottleneck {

std::string hdf5_library_version() {
  hdf5::silence_hdf5();
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
}

}  // namespace bottleneck
