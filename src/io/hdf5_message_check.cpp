// The contents of object header messages: each field HDF5 1.10 decodes must lie inside its
// message, and the sizes in them must agree (an attribute's data with its datatype and
// dataspace, a string's global heap object with its length, a dataset's storage with its shape).
#include "io/hdf5_structure_walk.hpp"

namespace bottleneck::hdf5::format {

namespace {

constexpr unsigned shared_flag = 0x02;
constexpr int max_rank = 32;            // H5S_MAX_RANK
constexpr int max_datatype_depth = 16;  // compound in array in ... : no weights file nests deeper

// a * b, or nullopt when it does not fit in 64 bits.
std::optional<uint64_t> times(uint64_t a, uint64_t b) {
  if (a != 0 && b > ~uint64_t{0} / a) return std::nullopt;
  return a * b;
}

uint64_t padded_to_8(uint64_t size) { return (size + 7) / 8 * 8; }

// A name HDF5 copies as a C string: its NUL must come within `size` bytes.
void check_terminated(Cursor& data, uint64_t size, const char* what) {
  const std::string_view name = data.bytes(size);
  if (name.find('\0') == std::string_view::npos) data.damaged(std::string("has ") + what + " without its end");
}

// A NUL-terminated name read to its end, optionally padded to 8 bytes (older formats).
void skip_terminated(Cursor& data, bool padded) {
  const uint64_t start = data.position();
  while (data.read(1) != 0) {
  }
  if (padded) data.skip(padded_to_8(data.position() - start) - (data.position() - start));
}

}  // namespace

std::string message_name(unsigned type) {
  switch (type) {
    case dataspace_message: return "dataspace message";
    case link_info_message: return "link info message";
    case datatype_message: return "datatype message";
    case old_fill_value_message:
    case fill_value_message: return "fill value message";
    case link_message: return "link message";
    case layout_message: return "data layout message";
    case group_info_message: return "group info message";
    case filter_pipeline_message: return "filter pipeline message";
    case attribute_message: return "attribute message";
    case comment_message: return "comment message";
    case continuation_message: return "continuation message";
    case symbol_table_message: return "symbol table message";
    case attribute_info_message: return "attribute info message";
    default: return "message of type " + std::to_string(type);
  }
}

void StructureWalk::check_message(unsigned type, unsigned flags, Cursor data, ObjectFacts& facts) {
  const bool shareable = type == dataspace_message || type == datatype_message || type == fill_value_message ||
                         type == filter_pipeline_message || type == attribute_message;
  if (flags & shared_flag) {
    if (!shareable) data.damaged("is marked shared, which its kind cannot be");
    check_shared_message(data);
    return;
  }
  switch (type) {
    case dataspace_message: facts.elements = check_dataspace(data); break;
    case datatype_message: facts.datatype_size = check_datatype(data, 0).size; break;
    case old_fill_value_message: {
      const uint64_t size = data.read(4);
      data.skip(size);
      facts.fill_value_sizes.push_back(size);
      break;
    }
    case fill_value_message: check_fill_value(data, facts); break;
    case link_message: check_link(data); break;
    case external_files_message:
      throw Refused{"a dataset keeps its data in other files (HDF5 external storage), which a weights file may not"};
    case layout_message: check_layout(data, facts); break;
    case filter_pipeline_message: check_filter_pipeline(data); break;
    case attribute_message: check_attribute(data); break;
    case comment_message: check_terminated(data, data.remaining(), "a comment"); break;
    case symbol_table_message: {
      const uint64_t btree = read_address(data);
      check_symbol_table(btree, read_address(data));
      break;
    }
    case link_info_message:
    case attribute_info_message: {
      // Version, flags, the maximum creation index if tracked, then the fractal heap of the
      // links or attributes in dense storage (more than 8 of them in files written with h5py's
      // track_order=True or libver="latest"). Their messages would reach HDF5 unchecked.
      if (data.read(1) != 0) data.damaged("has an unknown version");
      const uint64_t info_flags = data.read(1);
      if (info_flags & 0x01) data.skip(type == link_info_message ? 8 : 2);
      if (defined(read_address(data)))
        throw Refused{std::string("the file keeps ") + (type == link_info_message ? "a group's links" : "an object's attributes") +
                      " in HDF5's dense storage, which bottleneck does not read (h5py writes it only with track_order=True "
                      "or libver='latest'; save the file with h5py's defaults)"};
      data.skip(static_cast<uint64_t>(offset_size_) + (info_flags & 0x02 ? static_cast<uint64_t>(offset_size_) : 0));
      break;
    }
    case group_info_message: {
      data.skip(1);
      const uint64_t info_flags = data.read(1);
      data.skip((info_flags & 0x01 ? 4 : 0) + (info_flags & 0x02 ? 4 : 0));
      break;
    }
    case btree_k_message: {
      if (!in_superblock_extension_) break;  // HDF5 reads it only there
      if (data.read(1) != 0) data.damaged("has an unknown version");
      chunk_internal_k_ = data.read(2);
      group_internal_k_ = data.read(2);
      group_leaf_k_ = data.read(2);
      if (chunk_internal_k_ == 0 || group_internal_k_ == 0 || group_leaf_k_ == 0) data.damaged("gives a B-tree size of 0");
      break;
    }
    default: break;  // no sizes HDF5 trusts inside, or kinds it refuses itself
  }
}

// Version 1: version, type, 6 reserved bytes, a symbol table entry's name offset, then the
// address of the object header holding the message. Versions 2 and 3: version, type, then that
// address, or (type 1) an 8-byte ID in the shared-message heap.
void StructureWalk::check_shared_message(Cursor& data) {
  const uint64_t version = data.read(1);
  const uint64_t type = data.read(1);
  if (version == 1) {
    data.skip(6 + static_cast<uint64_t>(length_size_));
  } else if (version == 2 || version == 3) {
    if (version == 3 && type != 2)
      throw Refused{"the file shares messages through HDF5's shared-message heap, which no Keras file uses"};
  } else {
    data.damaged("has an unknown version");
  }
  objects_to_check_.push_back({read_address(data), path_});
}

// Version 1: version, rank, flags, 5 reserved bytes; version 2: version, rank, flags, kind.
// Then a size per dimension, maxima if flagged, a permutation (version 1) if flagged.
uint64_t StructureWalk::check_dataspace(Cursor& data) {
  const uint64_t version = data.read(1);
  const uint64_t rank = data.read(1);
  const uint64_t flags = data.read(1);
  uint64_t kind = rank > 0 ? 1 : 0;  // version 1: simple, or scalar when of rank 0
  if (version == 1)
    data.skip(5);
  else if (version == 2)
    kind = data.read(1);
  else
    data.damaged("has an unknown version");
  if (rank > max_rank) data.damaged("has a rank above " + std::to_string(max_rank));
  if (kind > 2) data.damaged("has an unknown kind");
  std::optional<uint64_t> elements = kind == 2 ? 0 : 1;
  for (uint64_t i = 0; i < rank; ++i) {
    const uint64_t size = read_length(data);
    if (elements) elements = times(*elements, size);
  }
  if (flags & 0x01) data.skip(rank * static_cast<uint64_t>(length_size_));
  if (version == 1 && (flags & 0x02)) data.skip(rank * 4);
  if (!elements) data.damaged("holds more elements than 64 bits count");
  return *elements;
}

// Class and version (4 bits each), 24 bits of class flags, the size; then what the class adds.
Datatype StructureWalk::check_datatype(Cursor& data, int depth) {
  if (depth > max_datatype_depth) data.damaged("nests datatypes deeper than " + std::to_string(max_datatype_depth));
  const uint64_t class_and_version = data.read(1);
  const uint64_t type_class = class_and_version & 0x0f;
  const uint64_t version = class_and_version >> 4;
  const uint64_t bits = data.read(3);
  Datatype type;
  type.size = data.read(4);
  if (version < 1 || version > 5) data.damaged("has a datatype of unknown version");
  if (type.size == 0) data.damaged("has a datatype of 0 bytes");
  const auto check_bits = [&](uint64_t offset, uint64_t precision) {
    if (precision == 0 || offset + precision > 8 * type.size) data.damaged("has a number wider than its bytes");
  };
  switch (type_class) {
    case 0:  // fixed-point: bit offset, precision
    case 4: {  // bitfield
      const uint64_t offset = data.read(2);
      check_bits(offset, data.read(2));
      break;
    }
    case 1: {  // floating point: bit offset, precision, exponent and mantissa places, exponent bias
      const uint64_t offset = data.read(2);
      const uint64_t precision = data.read(2);
      check_bits(offset, precision);
      const uint64_t exponent_at = data.read(1), exponent_bits = data.read(1);
      const uint64_t mantissa_at = data.read(1), mantissa_bits = data.read(1);
      const uint64_t sign_at = (bits >> 8) & 0xff;
      data.skip(4);
      if (exponent_bits == 0 || exponent_bits > 32 || mantissa_bits == 0 || exponent_at + exponent_bits > 8 * type.size ||
          mantissa_at + mantissa_bits > 8 * type.size || sign_at >= 8 * type.size)
        data.damaged("has a floating-point layout outside its bits");
      break;
    }
    case 2: data.skip(2); break;  // time: precision
    case 3: break;                // string
    case 5: data.skip(bits & 0xff); break;  // opaque: a tag, its padded length in the flags
    case 6: {  // compound: members of name, offset, (version 1: array dimensions), type
      const uint64_t members = bits & 0xffff;
      if (members == 0) data.damaged("has a compound type without members");
      int offset_bytes = 1;
      while (offset_bytes < 4 && (type.size >> (8 * offset_bytes)) != 0) ++offset_bytes;
      for (uint64_t i = 0; i < members; ++i) {
        skip_terminated(data, version < 3);
        const uint64_t offset = data.read(version < 3 ? 4 : offset_bytes);
        uint64_t count = 1;
        if (version == 1) {
          const uint64_t rank = data.read(1);
          data.skip(3 + 4 + 4);  // reserved, permutation, reserved
          if (rank > 4) data.damaged("has a compound member of rank above 4");
          for (uint64_t d = 0; d < 4; ++d) {
            const uint64_t size = data.read(4);
            if (d < rank) count = times(count, size).value_or(~uint64_t{0});
          }
        }
        const Datatype member = check_datatype(data, depth + 1);
        const std::optional<uint64_t> member_bytes = times(member.size, count);
        if (!member_bytes || offset > type.size || *member_bytes > type.size - offset)
          data.damaged("has a compound member outside its bytes");
      }
      break;
    }
    case 7: break;  // reference
    case 8: {       // enumeration: base type, names, values
      const Datatype base = check_datatype(data, depth + 1);
      if (base.size != type.size) data.damaged("has an enumeration whose values are not its size");
      const uint64_t members = bits & 0xffff;
      for (uint64_t i = 0; i < members; ++i) skip_terminated(data, version < 3);
      const std::optional<uint64_t> values = times(members, base.size);
      if (!values) data.damaged("runs past its end");
      data.skip(*values);
      break;
    }
    case 9: {  // variable-length sequence or string: stored as length, heap address, heap index
      const Datatype base = check_datatype(data, depth + 1);
      if (type.size != 8 + static_cast<uint64_t>(offset_size_))
        data.damaged("has a variable-length type of the wrong size");
      type.variable_length = true;
      type.base_size = base.size;
      break;
    }
    case 10: {  // array: rank, (version 2: reserved), dimensions, (version 2: permutation), base type
      if (version < 2) data.damaged("has an array type of version 1");
      const uint64_t rank = data.read(1);
      if (rank == 0 || rank > max_rank) data.damaged("has an array type of rank " + std::to_string(rank));
      if (version == 2) data.skip(3);
      std::optional<uint64_t> count = 1;
      for (uint64_t d = 0; d < rank; ++d)
        if (count) count = times(*count, data.read(4));
      if (version == 2) data.skip(rank * 4);
      const Datatype base = check_datatype(data, depth + 1);
      if (!count || times(*count, base.size) != type.size) data.damaged("has an array type whose elements are not its size");
      break;
    }
    default: data.damaged("has a datatype of unknown class " + std::to_string(type_class));
  }
  return type;
}

// Version 1: version, reserved, sizes of name, datatype and dataspace, each part padded to 8.
// Versions 2 and 3: flags (shared datatype or dataspace) instead, no padding; version 3 adds
// the name's character set. Then the data: one element of the datatype per dataspace element.
void StructureWalk::check_attribute(Cursor& data) {
  const uint64_t version = data.read(1);
  if (version < 1 || version > 3) data.damaged("has an unknown version");
  const uint64_t flags = data.read(1);
  const uint64_t name_size = data.read(2);
  const uint64_t datatype_size = data.read(2);
  const uint64_t dataspace_size = data.read(2);
  if (version == 3) data.skip(1);
  const auto part = [&](uint64_t size) { return version == 1 ? padded_to_8(size) : size; };
  if (name_size == 0) data.damaged("has an attribute without a name");
  const std::string_view name = data.bytes(part(name_size));
  if (name[name_size - 1] != '\0') data.damaged("has an attribute name without its end");

  Cursor datatype = data.take(part(datatype_size), "attribute's datatype");
  Cursor dataspace = data.take(part(dataspace_size), "attribute's dataspace");
  std::optional<Datatype> type;
  if (version >= 2 && (flags & 0x01))
    check_shared_message(datatype);
  else
    type = check_datatype(datatype, 0);
  std::optional<uint64_t> elements;
  if (version >= 2 && (flags & 0x02))
    check_shared_message(dataspace);
  else
    elements = check_dataspace(dataspace);
  // With a shared part the sizes are elsewhere; HDF5 then reads only what the message holds.
  if (!type || !elements) return;
  const std::optional<uint64_t> bytes = times(*elements, type->size);
  if (!bytes || *bytes > data.remaining()) data.damaged("holds less data than its datatype and dataspace claim");
  if (type->variable_length) check_variable_length_data(data, *elements, *type);
}

// Each element: its length in base elements (4), its global heap collection, its index there
// (4). The heap object must hold exactly that many bytes: HDF5 copies one into a buffer sized by
// the other. HDF5 reads the object of every element whose collection address is not 0 (its
// null), an empty one included.
void StructureWalk::check_variable_length_data(Cursor& data, uint64_t elements, const Datatype& type) {
  for (uint64_t i = 0; i < elements; ++i) {
    const uint64_t length = data.read(4);
    const uint64_t collection = read_address(data);
    const uint64_t index = data.read(4);
    if (collection == 0) continue;
    const std::optional<uint64_t> size =
        defined(collection) && collection <= file_.size() - base_
            ? global_heap_object_size(file_, base_ + collection, index)
            : std::nullopt;
    if (!size) data.damaged("refers to a string missing from its global heap");
    if (times(length, type.base_size) != size) data.damaged("refers to a global heap object whose size is not its length");
  }
}

// Version 1, flags, (link type), (creation order), (character set), the name's length in 1-8
// bytes, the name, then a hard link's address or the value of another kind.
void StructureWalk::check_link(Cursor& data) {
  if (data.read(1) != 1) data.damaged("has an unknown version");
  const uint64_t flags = data.read(1);
  const uint64_t link_type = flags & 0x08 ? data.read(1) : 0;
  if (flags & 0x04) data.skip(8);
  if (flags & 0x10) data.skip(1);
  const uint64_t name_length = data.read(1 << (flags & 0x03));
  if (name_length == 0) data.damaged("has a link without a name");
  const std::string_view name = data.bytes(name_length);
  if (link_type == 0) {
    objects_to_check_.push_back({read_address(data), child_path(name)});
  } else if (link_type == 64) {
    throw Refused{"the file links to another HDF5 file (an external link), which a weights file may not"};
  } else {
    data.skip(data.read(2));  // a soft link's path, or a user-defined link's data
  }
}

namespace {

// A chunk's dimensions, 4 bytes each (versions 1-3) or `width` bytes (version 4), the last being
// the element size: its bytes.
uint64_t chunk_bytes(Cursor& data, uint64_t rank, int width) {
  if (rank < 2 || rank > max_rank + 1) data.damaged("has a chunk of rank " + std::to_string(rank));
  std::optional<uint64_t> bytes = 1;
  for (uint64_t d = 0; d < rank; ++d) {
    const uint64_t size = data.read(width);
    if (size == 0) data.damaged("has a chunk dimension of 0");
    if (bytes) bytes = times(*bytes, size);
  }
  if (!bytes || *bytes > 0xffffffff) data.damaged("has chunks of 4 GiB or more");
  return *bytes;
}

}  // namespace

// Versions 1 and 2: version, rank, class, 5 reserved bytes, an address (not when compact),
// 4-byte dimensions, (chunked) the element size, (compact) a 4-byte size and the data.
// Version 3: version, class, then compact: 2-byte size and data; contiguous: address and size;
// chunked: rank, B-tree address, 4-byte dimensions. Version 4: chunked with other indexes, and
// virtual datasets. Chunks are stored unfiltered (filters are refused), so each holds exactly
// its dimensions' bytes, which HDF5 assumes of the buffer it reads one into.
void StructureWalk::check_layout(Cursor& data, ObjectFacts& facts) {
  const uint64_t version = data.read(1);
  if (version < 1 || version > 4) data.damaged("has an unknown version");
  if (version < 3) {
    const uint64_t rank = data.read(1);
    const uint64_t layout_class = data.read(1);
    data.skip(5);
    if (layout_class > 2) data.damaged("has an unknown layout class");
    const uint64_t address = layout_class != 0 ? read_address(data) : undefined_address;
    if (layout_class == 2) {
      const uint64_t bytes = chunk_bytes(data, rank, 4);
      data.skip(4);  // the element size
      if (defined(address)) check_chunk_node(address, -1, rank, bytes);
      return;
    }
    if (rank == 0 || rank > max_rank + 1) data.damaged("has a layout of rank " + std::to_string(rank));
    data.skip(rank * 4);
    if (layout_class == 0) {
      const uint64_t size = data.read(4);
      data.skip(size);
      facts.compact_bytes = size;
    }
    return;
  }
  const uint64_t layout_class = data.read(1);
  if (layout_class == 0) {
    const uint64_t size = data.read(2);
    data.skip(size);
    facts.compact_bytes = size;
  } else if (layout_class == 1) {
    const uint64_t address = read_address(data);
    const uint64_t size = read_length(data);
    if (defined(address)) {
      at(address, size, "dataset's data");
      facts.contiguous_bytes = size;
    }
  } else if (layout_class == 2 && version == 3) {
    const uint64_t rank = data.read(1);
    const uint64_t btree = read_address(data);
    const uint64_t bytes = chunk_bytes(data, rank, 4);
    if (defined(btree)) check_chunk_node(btree, -1, rank, bytes);
  } else if (layout_class == 2) {
    // Flags, rank, bytes per dimension, dimensions, the index type and its parameters, the
    // index's address. Without filters the indexes (fixed and extensible arrays, version 2
    // B-trees, implicit) give no chunk sizes to trust; a single chunk is checked here.
    const uint64_t flags = data.read(1);
    const uint64_t rank = data.read(1);
    const uint64_t dimension_bytes = data.read(1);
    if (dimension_bytes < 1 || dimension_bytes > 8) data.damaged("has an unknown chunk layout");
    const uint64_t bytes = chunk_bytes(data, rank, static_cast<int>(dimension_bytes));
    const uint64_t index_type = data.read(1);
    switch (index_type) {
      case 1:
        if (flags & 0x02) data.skip(static_cast<uint64_t>(length_size_) + 4);  // a filtered chunk's size, mask
        break;
      case 2: break;
      case 3: data.skip(1); break;
      case 4: data.skip(5); break;
      case 5: data.skip(6); break;
      default: data.damaged("has an unknown chunk index");
    }
    const uint64_t address = read_address(data);
    if (index_type == 1 && defined(address)) at(address, bytes, "dataset's chunk");
  } else if (layout_class == 3 && version == 4) {
    throw Refused{"a dataset is virtual (made of other files' data), which a weights file may not be"};
  } else {
    data.damaged("has an unknown layout class");
  }
}

// Versions 1 and 2: allocation time, write time, whether defined, then (if defined) a 4-byte
// size and the value. Version 3: flags, then (flag 0x20) the size and value.
void StructureWalk::check_fill_value(Cursor& data, ObjectFacts& facts) {
  const uint64_t version = data.read(1);
  if (version < 1 || version > 3) data.damaged("has an unknown version");
  bool has_value;
  if (version < 3) {
    data.skip(2);
    has_value = data.read(1) != 0;
  } else {
    has_value = data.read(1) & 0x20;
  }
  if (!has_value) return;
  const uint64_t size = data.read(4);
  data.skip(size);
  if (size > 0) facts.fill_value_sizes.push_back(size);
}

// Version, filter count, the filters. HDF5 1.10 reads a filtered chunk into a buffer of whatever
// size the filters produce and then uses it as a whole chunk: only decompressing could check it.
void StructureWalk::check_filter_pipeline(Cursor& data) {
  const uint64_t version = data.read(1);
  if (version != 1 && version != 2) data.damaged("has an unknown version");
  if (data.read(1) > 0)
    throw Refused{"a dataset is stored compressed or filtered (an HDF5 filter pipeline), which bottleneck does not "
                  "read (Keras writes none; h5repack -f NONE removes them)"};
}

// A dataset's parts, read from different messages, must describe the same bytes: HDF5 reads
// elements x datatype size from compact or contiguous storage and copies fill values of the
// datatype's size.
void StructureWalk::check_object_facts(const ObjectFacts& facts, const Cursor& header) const {
  if (!facts.datatype_size) return;
  for (uint64_t size : facts.fill_value_sizes)
    if (size != *facts.datatype_size) header.damaged("has a fill value that is not the size of its datatype");
  if (!facts.elements) return;
  const std::optional<uint64_t> bytes = times(*facts.elements, *facts.datatype_size);
  if (facts.compact_bytes && bytes != facts.compact_bytes)
    header.damaged("stores its data in other than the bytes its shape and datatype need");
  if (facts.contiguous_bytes && (!bytes || *bytes > *facts.contiguous_bytes))
    header.damaged("stores its data in fewer bytes than its shape and datatype need");
}

}  // namespace bottleneck::hdf5::format
