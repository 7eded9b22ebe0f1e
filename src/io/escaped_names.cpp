#include "bottleneck/escaped_names.hpp"

#include <cstdio>

namespace bottleneck {

namespace {
// The length of the valid UTF-8 sequence starting at text[at], or 0 if there is none
// (overlong forms, surrogates and code points past U+10FFFF are not valid).
size_t utf8_sequence(std::string_view text, size_t at) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return 1;
  size_t length;
  unsigned code;
  if (lead >= 0xC2 && lead <= 0xDF) length = 2, code = lead & 0x1F;
  else if (lead >= 0xE0 && lead <= 0xEF) length = 3, code = lead & 0x0F;
  else if (lead >= 0xF0 && lead <= 0xF4) length = 4, code = lead & 0x07;
  else return 0;
  if (at + length > text.size()) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
    code = code << 6 | (byte(at + i) & 0x3F);
  }
  if ((length == 3 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) || (length == 4 && (code < 0x10000 || code > 0x10FFFF)))
    return 0;
  return length;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool is_utf8(std::string_view text) {
  for (size_t at = 0; at < text.size();) {
    const size_t length = utf8_sequence(text, at);
    if (!length) return false;
    at += length;
  }
  return true;
}

std::string escape_name(std::string_view name) {
  std::string out;
  for (size_t at = 0; at < name.size();) {
    const char c = name[at];
    const size_t length = utf8_sequence(name, at);
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (length == 0 || static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
      out += hex;
    } else {
      out.append(name.substr(at, length));
      at += length;
      continue;
    }
    ++at;
  }
  return out;
}

std::string unescape_name(std::string_view text) {
  std::string out;
  for (size_t at = 0; at < text.size(); ++at) {
    if (text[at] != '\\' || at + 1 == text.size()) {
      out += text[at];
      continue;
    }
    const char next = text[at + 1];
    if (next == '\\') out += '\\', ++at;
    else if (next == 'n') out += '\n', ++at;
    else if (next == 'r') out += '\r', ++at;
    else if (next == 't') out += '\t', ++at;
    else if (next == 'x' && at + 3 < text.size() && hex_value(text[at + 2]) >= 0 && hex_value(text[at + 3]) >= 0) {
      out += static_cast<char>(hex_value(text[at + 2]) * 16 + hex_value(text[at + 3]));
      at += 3;
    } else {
      out += '\\';
    }
  }
  return out;
}

std::string csv_field(std::string_view text) {
  std::string field(text);
  if (!field.empty() && std::string_view("=+-@\t\r").find(field.front()) != std::string_view::npos) field.insert(0, "'");
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string quoted = "\"";
  for (char c : field) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace bottleneck
