#pragma once
// A thin RAII layer over the HDF5 C API, just wide enough for Keras weight files: files,
// groups, string attributes (fixed- and variable-length, as h5py 2 and 3 write them) and
// numeric datasets. Every failure throws Error naming the file and the object; HDF5's own
// error-stack printing is switched off so it never reaches stderr.
//
// This header does not include hdf5.h (its include folder is private to the library), so
// tests can build files with it: identifiers are plain int64_t (hid_t in HDF5 1.10+).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bottleneck/tensor.hpp"

namespace bottleneck::hdf5 {

// Owns one HDF5 identifier (file, group, dataset, attribute, type, space, property list).
class Handle {
public:
  Handle() = default;
  explicit Handle(int64_t id) : id_(id) {}
  ~Handle();
  Handle(Handle&& other) noexcept : id_(other.id_) { other.id_ = -1; }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  int64_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  int64_t release();  // gives up ownership without closing

private:
  int64_t id_ = -1;
};

// How a string attribute is stored, named by what h5py 3 makes of each Python value.
enum class StringStorage {
  fixed_length,           // a numpy S<n> array: null-padded ASCII, n = the longest value
  variable_length_ascii,  // bytes
  variable_length_utf8,   // str
};

enum class NodeKind { group, dataset, other };

// A group (the file's root included). Paths are relative to it and may contain '/'.
class Group {
public:
  Group(Handle handle, std::string file_path, std::string object_path);

  const std::string& file_path() const { return file_path_; }
  const std::string& object_path() const { return object_path_; }
  // "/a/b" for a relative "b" below "/a".
  std::string path_of(std::string_view relative) const;

  bool has_attribute(std::string_view name) const;
  // Whether every component of `relative` exists, and what it names.
  bool has_node(std::string_view relative) const;
  NodeKind node_kind(std::string_view relative) const;
  // The group's children, in HDF5's name order.
  std::vector<std::string> child_names() const;

  Group open_group(std::string_view relative) const;
  Group create_group(std::string_view relative) const;  // creates missing parents

  // A string attribute: scalar or 1-D, fixed- or variable-length. An empty numeric array
  // (h5py's np.asarray([]), what Keras writes for no names) reads as no strings.
  std::vector<std::string> read_strings(std::string_view attribute) const;
  // A scalar (or single-element) string attribute.
  std::string read_string(std::string_view attribute) const;

  // `fixed_length` widens fixed-length elements beyond the longest value (numpy keeps
  // an array's S<n> in every slice of it).
  void write_strings(std::string_view attribute, const std::vector<std::string>& values,
                     StringStorage storage, size_t fixed_length = 0) const;
  void write_string(std::string_view attribute, const std::string& value, StringStorage storage) const;
  // An empty 1-D float64 attribute: how h5py stores an empty list.
  void write_empty_float64_array(std::string_view attribute) const;

  // Whether the dataset's elements are integers (of any width or sign).
  bool holds_integers(std::string_view relative) const;
  // A float or integer dataset (a Normalization count is int64), as float32. Refuses other
  // types and absurd sizes.
  Tensor read_float_dataset(std::string_view relative) const;
  void write_dataset(std::string_view relative, const Shape& shape, std::span<const float> values) const;
  void write_dataset(std::string_view relative, const Shape& shape, std::span<const double> values) const;
  void write_dataset(std::string_view relative, const Shape& shape, std::span<const int32_t> values) const;

private:
  Handle open_attribute(std::string_view attribute) const;
  void write_string_attribute(const std::string& name, const std::vector<std::string>& values,
                              StringStorage storage, size_t fixed_length, int64_t space) const;
  void write_numeric_dataset(std::string_view relative, const Shape& shape, int64_t memory_type,
                             int64_t file_type, const void* values, size_t count) const;
  [[noreturn]] void fail(const std::string& what) const;        // our own finding
  [[noreturn]] void fail_hdf5(const std::string& what) const;   // adds HDF5's reason

  Handle handle_;
  std::string file_path_;
  std::string object_path_;
};

class File {
public:
  // Throws Error naming the path when it is missing, not HDF5, or truncated.
  static File open_read_only(const std::string& path);
  // The same for a file held in memory (a .keras archive's model.weights.h5); `display_path`
  // names it in errors. `image` must outlive the File.
  static File open_image(const std::string& image, const std::string& display_path);
  // Creates (truncates) `path`; `display_path` names it in errors (the final name when
  // writing to a temporary one).
  static File create(const std::string& path, const std::string& display_path);

  File(File&&) noexcept = default;
  File& operator=(File&&) noexcept = default;

  Group root() const;
  // Flushes and closes, throwing when the data could not be written. Every Group opened
  // from this file must be gone by then.
  void close();

private:
  File(Handle handle, std::string display_path);
  void write_image() const;  // the in-memory file of create(), to its path
  Handle handle_;
  std::string display_path_;
  std::string write_path_;  // empty when read-only
};

}  // namespace bottleneck::hdf5
