#pragma once
// The walk behind check_structure (hdf5_structure_check.hpp), in the terms of the HDF5 File
// Format Specification (version 3): structures are read through a Cursor that refuses to go past
// the bytes a structure owns, and a walk that visits each object header once.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace bottleneck::hdf5::format {

constexpr uint64_t undefined_address = ~uint64_t{0};

// The object header messages the walk reads (the specification's numbers).
enum MessageType : unsigned {
  dataspace_message = 0x01,
  link_info_message = 0x02,
  datatype_message = 0x03,
  old_fill_value_message = 0x04,
  fill_value_message = 0x05,
  link_message = 0x06,
  external_files_message = 0x07,
  layout_message = 0x08,
  group_info_message = 0x0a,
  filter_pipeline_message = 0x0b,
  attribute_message = 0x0c,
  comment_message = 0x0d,
  continuation_message = 0x10,
  symbol_table_message = 0x11,
  btree_k_message = 0x13,
  attribute_info_message = 0x15,
};

// A structure that cannot be what it claims: `what` names it and where it starts.
struct Damaged {
  std::string what;
};

// A well-formed file using what we refuse on purpose (it would make HDF5 read other files).
struct Refused {
  std::string why;
};

// Little-endian fields of one structure: [start, end) of the file's bytes, never beyond.
class Cursor {
public:
  Cursor(std::string_view file, uint64_t start, uint64_t end, std::string structure);

  uint64_t start() const { return start_; }
  uint64_t position() const { return position_; }
  uint64_t remaining() const { return end_ - position_; }

  uint64_t read(int width);  // 1 to 8 bytes
  void skip(uint64_t count);
  std::string_view bytes(uint64_t count);
  // The next `count` bytes as a structure of their own (a message inside its header).
  Cursor take(uint64_t count, std::string structure);

  // Throws Damaged: "the <structure> at byte <start> <what>".
  [[noreturn]] void damaged(const std::string& what) const;

private:
  void need(uint64_t count) const;

  std::string_view file_;
  uint64_t start_;
  uint64_t position_;
  uint64_t end_;
  std::string structure_;
};

// A datatype message, as far as the walk needs it.
struct Datatype {
  uint64_t size = 0;             // bytes per element
  bool variable_length = false;  // a variable-length sequence or string: a global heap reference
  uint64_t base_size = 0;        // bytes per element of that sequence (1 for a string)
};

// What one object header says about its data, checked against each other once all are read.
struct ObjectFacts {
  std::optional<uint64_t> datatype_size;  // unknown when the datatype is shared
  std::optional<uint64_t> elements;
  std::vector<uint64_t> fill_value_sizes;
  std::optional<uint64_t> compact_bytes;
  std::optional<uint64_t> contiguous_bytes;  // when its storage is allocated
};

class StructureWalk {
public:
  explicit StructureWalk(std::string_view file) : file_(file) {}
  // Throws Damaged or Refused.
  void run();

private:
  // hdf5_structure_walk.cpp: the file's skeleton.
  void read_superblock();
  void check_objects();
  void check_object_header(uint64_t address);
  void check_messages(Cursor& chunk, int header_version, bool creation_order, std::vector<Cursor>& chunks,
                      ObjectFacts& facts);
  void check_symbol_table(uint64_t btree, uint64_t heap);
  std::string child_path(std::string_view name) const;
  // A version 1 B-tree node of `type` (0 groups, 1 chunks), checked up to its first key.
  struct BtreeNode {
    Cursor cursor;
    int level;
    uint64_t entries;
  };
  BtreeNode read_btree_node(uint64_t address, uint64_t type, int level, uint64_t k, uint64_t key_bytes,
                            const char* structure);
  void check_group_node(uint64_t address, int level, const Cursor& heap_data);
  void check_symbol_node(uint64_t address, const Cursor& heap_data);
  Cursor check_local_heap(uint64_t address);
  void check_chunk_node(uint64_t address, int level, uint64_t dimensions, uint64_t chunk_bytes);
  void count_structure(const Cursor& at);

  // hdf5_message_check.cpp: one message's contents.
  void check_message(unsigned type, unsigned flags, Cursor data, ObjectFacts& facts);
  void check_shared_message(Cursor& data);
  Datatype check_datatype(Cursor& data, int depth);
  uint64_t check_dataspace(Cursor& data);
  void check_attribute(Cursor& data);
  void check_variable_length_data(Cursor& data, uint64_t elements, const Datatype& type);
  void check_link(Cursor& data);
  void check_layout(Cursor& data, ObjectFacts& facts);
  void check_fill_value(Cursor& data, ObjectFacts& facts);
  void check_filter_pipeline(Cursor& data);
  void check_object_facts(const ObjectFacts& facts, const Cursor& header) const;

  // Addresses are relative to the superblock (HDF5's base address).
  uint64_t read_address(Cursor& cursor) { return cursor.read(offset_size_); }
  uint64_t read_length(Cursor& cursor) { return cursor.read(length_size_); }
  bool defined(uint64_t address) const;
  // The `size` bytes at `address`, which must lie inside the file.
  Cursor at(uint64_t address, uint64_t size, std::string structure) const;

  std::string_view file_;
  uint64_t base_ = 0;
  int offset_size_ = 8;
  int length_size_ = 8;
  uint64_t group_leaf_k_ = 4;
  uint64_t group_internal_k_ = 16;
  uint64_t chunk_internal_k_ = 32;
  // What is left to check, with the path that reached it (for the error); the path of what
  // is being checked.
  struct PendingObject {
    uint64_t address;
    std::string path;
  };
  struct PendingSymbolTable {
    uint64_t btree;
    uint64_t heap;
    std::string path;
  };
  std::vector<PendingObject> objects_to_check_;
  std::vector<PendingSymbolTable> symbol_tables_to_check_;
  std::string path_;
  std::unordered_set<uint64_t> objects_seen_;
  std::unordered_set<uint64_t> symbol_tables_seen_;
  std::unordered_set<uint64_t> nodes_seen_;
  uint64_t structures_ = 0;
  bool in_superblock_extension_ = false;
};

// hdf5_message_check.cpp: "attribute message", "message of type 22", ...
std::string message_name(unsigned type);

// hdf5_global_heaps.cpp. Every global heap collection in the file (HDF5 finds them by their
// signature, so each it could read) must hold its objects inside itself.
void check_global_heaps(std::string_view file);
// The size of object `index` in the collection starting at byte `collection`, if it has one.
std::optional<uint64_t> global_heap_object_size(std::string_view file, uint64_t collection, uint64_t index);

}  // namespace bottleneck::hdf5::format
