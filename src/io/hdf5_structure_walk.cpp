// The skeleton of an HDF5 file: superblock, object headers and the chunks they continue in,
// symbol-table groups (B-tree nodes, symbol nodes, local heaps) and chunk B-trees.
#include "io/hdf5_structure_walk.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bottleneck/error.hpp"
#include "io/hdf5_structure_check.hpp"

namespace bottleneck::hdf5 {

namespace format {

namespace {

constexpr std::string_view file_signature("\x89HDF\r\n\x1a\n", 8);
// More structures than this is no weights file but a maze built to keep us walking.
constexpr uint64_t max_structures = uint64_t{1} << 22;
constexpr uint64_t max_btree_level = 64;

}  // namespace

// ---------------------------------------------------------------------------------------
Cursor::Cursor(std::string_view file, uint64_t start, uint64_t end, std::string structure)
    : file_(file), start_(start), position_(start), end_(end), structure_(std::move(structure)) {}

void Cursor::need(uint64_t count) const {
  if (count > remaining()) damaged("runs past its end");
}

uint64_t Cursor::read(int width) {
  need(static_cast<uint64_t>(width));
  uint64_t value = 0;
  for (int i = width - 1; i >= 0; --i)
    value = value << 8 | static_cast<uint8_t>(file_[position_ + static_cast<uint64_t>(i)]);
  position_ += static_cast<uint64_t>(width);
  return value;
}

void Cursor::skip(uint64_t count) {
  need(count);
  position_ += count;
}

std::string_view Cursor::bytes(uint64_t count) {
  need(count);
  std::string_view view = file_.substr(position_, count);
  position_ += count;
  return view;
}

Cursor Cursor::take(uint64_t count, std::string structure) {
  need(count);
  Cursor part(file_, position_, position_ + count, std::move(structure));
  position_ += count;
  return part;
}

void Cursor::damaged(const std::string& what) const {
  throw Damaged{"the " + structure_ + " at byte " + std::to_string(start_) + " " + what};
}

// ---------------------------------------------------------------------------------------
bool StructureWalk::defined(uint64_t address) const {
  return offset_size_ == 8 ? address != undefined_address : address != (uint64_t{1} << (8 * offset_size_)) - 1;
}

Cursor StructureWalk::at(uint64_t address, uint64_t size, std::string structure) const {
  if (!defined(address)) throw Damaged{"no address for the " + structure};
  if (address > file_.size() - base_ || size > file_.size() - base_ - address)
    throw Damaged{"the " + structure + " at address " + std::to_string(address) + " lies past the end of the file"};
  return Cursor(file_, base_ + address, base_ + address + size, std::move(structure));
}

void StructureWalk::count_structure(const Cursor& at) {
  if (++structures_ > max_structures) at.damaged("is one of more structures than any weights file has");
}

void StructureWalk::run() {
  check_global_heaps(file_);
  try {
    read_superblock();
    check_objects();
  } catch (Damaged& damaged) {
    if (!path_.empty()) damaged.what = (path_.front() == '/' ? "object " : "") + path_ + ": " + damaged.what;
    throw;
  }
}

// Objects and symbol tables wait in lists rather than on the stack: a file may nest groups
// deeper than any stack.
void StructureWalk::check_objects() {
  while (!objects_to_check_.empty() || !symbol_tables_to_check_.empty()) {
    if (!symbol_tables_to_check_.empty()) {
      PendingSymbolTable table = std::move(symbol_tables_to_check_.back());
      symbol_tables_to_check_.pop_back();
      path_ = std::move(table.path);
      check_symbol_table(table.btree, table.heap);
      continue;
    }
    PendingObject object = std::move(objects_to_check_.back());
    objects_to_check_.pop_back();
    if (!objects_seen_.insert(object.address).second) continue;
    path_ = std::move(object.path);
    check_object_header(object.address);
  }
}

// A child's path for errors, its name cut short and kept on one line.
std::string StructureWalk::child_path(std::string_view name) const {
  std::string path = path_ == "/" ? "/" : path_ + "/";
  for (char c : name.substr(0, 128)) path += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
  if (name.size() > 128) path += "...";
  return path;
}

// HDF5 looks for its signature at byte 0, 512, 1024, 2048, ... (after a user block), and
// addresses count from there.
void StructureWalk::read_superblock() {
  uint64_t start = 0;
  while (file_.substr(start, file_signature.size()) != file_signature) {
    start = start == 0 ? 512 : start * 2;
    if (start >= file_.size()) throw Damaged{"no superblock"};
  }
  base_ = start;
  Cursor superblock(file_, start, file_.size(), "superblock");
  superblock.skip(file_signature.size());
  const uint64_t version = superblock.read(1);
  if (version > 3) superblock.damaged("has an unknown version " + std::to_string(version));
  if (version < 2) superblock.skip(4);  // versions of the free-space, root group and shared header formats
  offset_size_ = static_cast<int>(superblock.read(1));
  length_size_ = static_cast<int>(superblock.read(1));
  for (int size : {offset_size_, length_size_})
    if (size != 2 && size != 4 && size != 8) superblock.damaged("gives addresses or lengths of " + std::to_string(size) + " bytes");

  if (version >= 2) {
    superblock.skip(1);  // flags
    superblock.skip(static_cast<uint64_t>(offset_size_));  // base address: where the signature is
    const uint64_t extension = read_address(superblock);
    superblock.skip(static_cast<uint64_t>(offset_size_));  // end of file
    objects_to_check_.push_back({read_address(superblock), "/"});
    superblock.skip(4);  // checksum (HDF5 verifies it)
    // The extension may set the B-tree sizes the groups use, so it goes first.
    if (defined(extension)) {
      objects_seen_.insert(extension);
      path_ = "the superblock extension";
      in_superblock_extension_ = true;
      check_object_header(extension);
      in_superblock_extension_ = false;
      path_.clear();
    }
    return;
  }

  superblock.skip(1);  // reserved
  group_leaf_k_ = superblock.read(2);
  group_internal_k_ = superblock.read(2);
  if (group_leaf_k_ == 0 || group_internal_k_ == 0) superblock.damaged("gives a B-tree size of 0");
  superblock.skip(4);  // file consistency flags
  if (version == 1) {
    chunk_internal_k_ = superblock.read(2);
    if (chunk_internal_k_ == 0) superblock.damaged("gives a B-tree size of 0");
    superblock.skip(2);
  }
  superblock.skip(static_cast<uint64_t>(offset_size_));  // base address: where the signature is
  superblock.skip(static_cast<uint64_t>(offset_size_));  // free-space info (never used)
  superblock.skip(static_cast<uint64_t>(offset_size_));  // end of file
  const uint64_t driver_info = read_address(superblock);
  if (defined(driver_info)) {
    // Version, 3 reserved bytes, the size of the information, the driver's 8-byte name.
    Cursor block = at(driver_info, 16, "driver information block");
    block.skip(4);
    const uint64_t size = block.read(4);
    at(driver_info, 16 + size, "driver information block");
  }
  // The root group's symbol table entry: name offset, object header, cache type, reserved,
  // and the scratch pad, which caches the root's symbol table.
  read_length(superblock);
  objects_to_check_.push_back({read_address(superblock), "/"});
  const uint64_t cache_type = superblock.read(4);
  superblock.skip(4);
  Cursor scratch = superblock.take(16, "root group's scratch pad");
  if (cache_type == 1) {
    const uint64_t btree = read_address(scratch);
    symbol_tables_to_check_.push_back({btree, read_address(scratch), "/"});
  }
}

// ---------------------------------------------------------------------------------------
// Version 1: version, reserved, message count (2), reference count (4), header size (4),
// padding to 16; messages of 8-byte headers. Version 2: "OHDR", version, flags, optional times
// and attribute thresholds, chunk size of 1-8 bytes, messages of 4- or 6-byte headers, a
// checksum. Continuation chunks are bare messages (version 1) or "OCHK", messages and checksum.
void StructureWalk::check_object_header(uint64_t address) {
  const Cursor probe = at(address, 0, "object header");
  count_structure(probe);
  const bool version_2 = file_.substr(probe.start(), 4) == "OHDR";
  ObjectFacts facts;
  std::vector<Cursor> chunks;
  bool creation_order = false;
  if (version_2) {
    Cursor header(file_, probe.start(), file_.size(), "object header");
    header.skip(4);
    if (header.read(1) != 2) header.damaged("has an unknown version");
    const uint64_t flags = header.read(1);
    if (flags & ~uint64_t{0x3f}) header.damaged("has unknown flags");
    creation_order = flags & 0x04;
    if (flags & 0x20) header.skip(16);  // access, modification, change and birth times
    if (flags & 0x10) header.skip(4);   // attribute storage thresholds
    const uint64_t size = header.read(1 << (flags & 0x03));
    chunks.push_back(header.take(size, "object header"));
    header.skip(4);  // checksum (HDF5 verifies it)
  } else {
    Cursor header = at(address, 16, "object header");
    if (header.read(1) != 1) header.damaged("has an unknown version");
    header.skip(1 + 2 + 4);  // reserved, message count, reference count
    const uint64_t size = header.read(4);
    chunks.push_back(at(address + 16, size, "object header"));
  }
  for (size_t next = 0; next < chunks.size(); ++next) {
    Cursor chunk = chunks[next];  // a copy: the loop below may add chunks
    count_structure(chunk);
    check_messages(chunk, version_2 ? 2 : 1, creation_order, chunks, facts);
  }
  check_object_facts(facts, chunks.front());
}

void StructureWalk::check_messages(Cursor& chunk, int header_version, bool creation_order, std::vector<Cursor>& chunks,
                                   ObjectFacts& facts) {
  const uint64_t message_header = header_version == 1 ? 8 : creation_order ? 6 : 4;
  while (chunk.remaining() >= message_header) {
    const unsigned type = static_cast<unsigned>(chunk.read(header_version == 1 ? 2 : 1));
    const uint64_t size = chunk.read(2);
    const unsigned flags = static_cast<unsigned>(chunk.read(1));
    chunk.skip(header_version == 1 ? 3 : creation_order ? 2 : 0);
    Cursor data = chunk.take(size, message_name(type));
    count_structure(data);
    if (type != continuation_message) {
      check_message(type, flags, data, facts);
      continue;
    }
    const uint64_t address = read_address(data);
    const uint64_t length = read_length(data);
    if (!nodes_seen_.insert(address).second) data.damaged("continues the header where it was before");
    Cursor next = at(address, length, "object header continuation");
    if (header_version == 2) {
      if (next.bytes(std::min<uint64_t>(4, next.remaining())) != "OCHK") next.damaged("has no OCHK signature");
      if (next.remaining() < 4) next.damaged("runs past its end");
      next = Cursor(file_, next.position(), next.position() + next.remaining() - 4, "object header continuation");
    }
    chunks.push_back(next);
  }
}

// ---------------------------------------------------------------------------------------
// A symbol-table group: a B-tree of symbol nodes whose names live in a local heap.
void StructureWalk::check_symbol_table(uint64_t btree, uint64_t heap) {
  if (!symbol_tables_seen_.insert(btree).second) return;
  const Cursor heap_data = check_local_heap(heap);
  check_group_node(btree, -1, heap_data);
}

// "HEAP", version 0, 3 reserved bytes, data segment size, free list head, data segment address.
Cursor StructureWalk::check_local_heap(uint64_t address) {
  Cursor heap = at(address, 8 + 2 * static_cast<uint64_t>(length_size_) + static_cast<uint64_t>(offset_size_),
                   "local heap");
  count_structure(heap);
  if (heap.bytes(4) != "HEAP") heap.damaged("has no HEAP signature");
  if (heap.read(1) != 0) heap.damaged("has an unknown version");
  heap.skip(3);
  const uint64_t size = read_length(heap);
  uint64_t free_block = read_length(heap);
  const Cursor data = at(read_address(heap), size, "local heap's data");
  // The free list: blocks of (next offset, size) inside the data; HDF5's "none" is 1.
  const uint64_t block_header = 2 * static_cast<uint64_t>(length_size_);
  for (uint64_t blocks = 0; free_block != 1; ++blocks) {
    if (blocks > size / block_header || free_block > size || size - free_block < block_header)
      heap.damaged("has a free list that leaves its data");
    Cursor block(file_, data.start() + free_block, data.start() + size, "local heap's free block");
    const uint64_t next = read_length(block);
    const uint64_t block_size = read_length(block);
    if (block_size > size - free_block) heap.damaged("has a free block larger than its data");
    free_block = next;
  }
  return data;
}

namespace {

// A name in a local heap must end inside it: HDF5 reads it as a C string.
std::string_view heap_name(const Cursor& heap_data, std::string_view file, uint64_t offset, const Cursor& referrer) {
  if (offset >= heap_data.remaining()) referrer.damaged("names a string past its local heap's end");
  const std::string_view rest = file.substr(heap_data.start() + offset, heap_data.remaining() - offset);
  const size_t end = rest.find('\0');
  if (end == std::string_view::npos) referrer.damaged("names a string that runs past its local heap");
  return rest.substr(0, end);
}

}  // namespace

// "TREE", node type, level, entries used, two siblings, then 2K+1 keys around 2K children: HDF5
// reads the whole node, used or not. The cursor is left at the first key.
StructureWalk::BtreeNode StructureWalk::read_btree_node(uint64_t address, uint64_t type, int level, uint64_t k,
                                                        uint64_t key_bytes, const char* structure) {
  const uint64_t offset = static_cast<uint64_t>(offset_size_);
  Cursor node = at(address, 8 + 2 * offset + (2 * k + 1) * key_bytes + 2 * k * offset, structure);
  count_structure(node);
  if (!nodes_seen_.insert(address).second) node.damaged("is reached twice");
  if (node.bytes(4) != "TREE") node.damaged("has no TREE signature");
  if (node.read(1) != type) node.damaged("is a node of another B-tree");
  const uint64_t node_level = node.read(1);
  if ((level >= 0 && node_level != static_cast<uint64_t>(level)) || node_level > max_btree_level)
    node.damaged("has the wrong level");
  const uint64_t entries = node.read(2);
  if (entries > 2 * k) node.damaged("holds more entries than it has room for");
  node.skip(2 * offset);  // siblings
  return {node, static_cast<int>(node_level), entries};
}

// A group node's keys are offsets of names in the heap; its children, nodes or symbol nodes.
void StructureWalk::check_group_node(uint64_t address, int level, const Cursor& heap_data) {
  BtreeNode node = read_btree_node(address, 0, level, group_internal_k_, static_cast<uint64_t>(length_size_),
                                   "group B-tree node");
  for (uint64_t i = 0; i <= node.entries; ++i) {
    heap_name(heap_data, file_, read_length(node.cursor), node.cursor);
    if (i == node.entries) break;
    const uint64_t child = read_address(node.cursor);
    if (node.level > 0)
      check_group_node(child, node.level - 1, heap_data);
    else
      check_symbol_node(child, heap_data);
  }
}

// "SNOD", version 1, reserved, symbol count, then 2 x leaf K entries: name offset, object
// header address, cache type, reserved, 16-byte scratch pad.
void StructureWalk::check_symbol_node(uint64_t address, const Cursor& heap_data) {
  const uint64_t entry = static_cast<uint64_t>(length_size_ + offset_size_) + 24;
  Cursor node = at(address, 8 + 2 * group_leaf_k_ * entry, "symbol table node");
  count_structure(node);
  if (!nodes_seen_.insert(address).second) node.damaged("is reached twice");
  if (node.bytes(4) != "SNOD") node.damaged("has no SNOD signature");
  if (node.read(1) != 1) node.damaged("has an unknown version");
  node.skip(1);
  const uint64_t symbols = node.read(2);
  if (symbols > 2 * group_leaf_k_) node.damaged("holds more symbols than it has room for");
  for (uint64_t i = 0; i < symbols; ++i) {
    const std::string path = child_path(heap_name(heap_data, file_, read_length(node), node));
    const uint64_t object = read_address(node);
    if (defined(object)) objects_to_check_.push_back({object, path});  // a soft link has none
    const uint64_t cache_type = node.read(4);
    node.skip(4);
    Cursor scratch = node.take(16, "symbol's scratch pad");
    if (cache_type == 1) {
      const uint64_t btree = read_address(scratch);
      symbol_tables_to_check_.push_back({btree, read_address(scratch), path});
    } else if (cache_type == 2) {
      heap_name(heap_data, file_, scratch.read(4), scratch);  // a soft link's value
    }
  }
}

// A chunked dataset's B-tree: keys of chunk size (4), filter mask (4) and one 8-byte offset per
// dimension; the children of level 0 are the chunks, each `chunk_bytes` long (unfiltered).
void StructureWalk::check_chunk_node(uint64_t address, int level, uint64_t dimensions, uint64_t chunk_bytes) {
  BtreeNode node = read_btree_node(address, 1, level, chunk_internal_k_, 8 + 8 * dimensions, "chunk B-tree node");
  for (uint64_t i = 0; i < node.entries; ++i) {
    const uint64_t stored_bytes = node.cursor.read(4);
    node.cursor.skip(4 + 8 * dimensions);
    const uint64_t child = read_address(node.cursor);
    if (node.level > 0) {
      check_chunk_node(child, node.level - 1, dimensions, chunk_bytes);
    } else {
      if (stored_bytes != chunk_bytes) node.cursor.damaged("holds a chunk of other than its size");
      at(child, chunk_bytes, "chunk");
    }
  }
}

}  // namespace format

// ---------------------------------------------------------------------------------------
void check_structure(std::string_view file, const std::string& display_path) {
  try {
    format::StructureWalk(file).run();
  } catch (const format::Damaged& damaged) {
    throw Error(display_path + ": damaged HDF5 file (" + damaged.what + ")");
  } catch (const format::Refused& refused) {
    throw Error(display_path + ": " + refused.why);
  }
}

void check_structure_of_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open " + path + ": " + std::strerror(errno));
  struct stat status {};
  if (::fstat(fd, &status) != 0 || status.st_size == 0) {
    ::close(fd);
    return;  // HDF5 reports what it cannot read
  }
  const auto size = static_cast<size_t>(status.st_size);
  void* mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (mapping == MAP_FAILED) throw Error("cannot read " + path + ": " + std::strerror(errno));
  try {
    check_structure(std::string_view(static_cast<const char*>(mapping), size), path);
  } catch (...) {
    ::munmap(mapping, size);
    throw;
  }
  ::munmap(mapping, size);
}

}  // namespace bottleneck::hdf5
