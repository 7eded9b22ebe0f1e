#include "saving/keras_archive.hpp"

#include <zip.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>

#include "bottleneck/error.hpp"

namespace bottleneck::detail {

namespace {

// Bounds on what one member may inflate to: a model's JSON is kilobytes to a few megabytes,
// its weights at most a few hundred megabytes for the CNNs Keras ships.
constexpr uint64_t max_json_bytes = 64ull << 20;
constexpr uint64_t max_weights_bytes = 4ull << 30;
constexpr int64_t max_members = 100000;
// Deflate inflates one byte to at most 1032.
constexpr uint64_t max_deflate_ratio = 1032;

struct ArchiveCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct MemberCloser {
  void operator()(zip_file_t* member) const { zip_fclose(member); }
};

bool unsafe_member_name(const std::string& name) {
  if (name.empty() || name[0] == '/' || name[0] == '\\' || name.find(':') != std::string::npos) return true;
  size_t begin = 0;
  while (begin <= name.size()) {
    size_t end = name.find_first_of("/\\", begin);
    if (end == std::string::npos) end = name.size();
    if (name.compare(begin, end - begin, "..") == 0) return true;
    begin = end + 1;
  }
  return false;
}

std::string read_member(zip_t* archive, const std::string& path, uint64_t archive_bytes, const char* member,
                        uint64_t bound, bool required) {
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat(archive, member, 0, &stat) != 0) {
    if (!required) return {};
    throw Error(path + ": the .keras archive has no " + member);
  }
  if (!(stat.valid & ZIP_STAT_SIZE)) throw Error(path + ": the .keras archive does not give the size of " + member);
  if (stat.size > bound)
    throw Error(path + ": " + member + " would inflate to " + std::to_string(stat.size) + " bytes, more than the " +
                std::to_string(bound) + " a model file holds; refusing it (a zip bomb?)");
  std::unique_ptr<zip_file_t, MemberCloser> file(zip_fopen(archive, member, 0));
  if (!file) throw Error(path + ": cannot read " + member + " in the archive: " + zip_strerror(archive));
  // The member grows with the bytes that inflate, not with the size its header claims: a damaged
  // header claims gigabytes for a member of a few bytes. The claim only sizes the first
  // allocation, within what the archive's bytes can inflate to.
  std::string data;
  data.reserve(std::min(stat.size, archive_bytes * max_deflate_ratio));
  const std::string wrong_size = path + ": " + member + " in the archive does not have the size its header gives";
  char chunk[1 << 16];
  for (;;) {
    const zip_int64_t got = zip_fread(file.get(), chunk, sizeof chunk);
    if (got < 0) throw Error(path + ": " + member + " in the archive is damaged: " + zip_file_strerror(file.get()));
    if (got == 0) break;
    if (data.size() + static_cast<uint64_t>(got) > stat.size) throw Error(wrong_size);
    data.append(chunk, static_cast<size_t>(got));
  }
  if (data.size() != stat.size) throw Error(wrong_size);
  return data;
}

}  // namespace

bool is_zip_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

KerasArchive read_keras_archive(const std::string& path) {
  int error = 0;
  std::unique_ptr<zip_t, ArchiveCloser> archive(zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!archive) {
    zip_error_t reason;
    zip_error_init_with_code(&reason, error);
    std::string message = path + " is not a readable .keras archive: " + zip_error_strerror(&reason);
    zip_error_fini(&reason);
    throw Error(message);
  }
  const zip_int64_t members = zip_get_num_entries(archive.get(), 0);
  if (members < 0 || members > max_members)
    throw Error(path + ": the .keras archive lists " + std::to_string(members) + " members");
  for (zip_int64_t i = 0; i < members; ++i) {
    const char* name = zip_get_name(archive.get(), static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW);
    if (!name || unsafe_member_name(name))
      throw Error(path + ": the .keras archive names a member outside itself (" + (name ? name : "?") +
                  "); refusing it");
  }
  std::error_code no_size;  // then nothing is reserved ahead: the size only hints at a reservation
  const uint64_t file_bytes = std::filesystem::file_size(path, no_size);
  const uint64_t archive_bytes = no_size ? 0 : file_bytes;
  KerasArchive result;
  result.config_json = read_member(archive.get(), path, archive_bytes, "config.json", max_json_bytes, true);
  result.metadata_json = read_member(archive.get(), path, archive_bytes, "metadata.json", max_json_bytes, false);
  result.weights_h5 = read_member(archive.get(), path, archive_bytes, "model.weights.h5", max_weights_bytes, true);
  return result;
}

}  // namespace bottleneck::detail
