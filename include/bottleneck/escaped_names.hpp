#pragma once
// File and class names in text outputs (files.txt, classes.txt, meta.json, progress records,
// predict's CSV). A name on Linux is any bytes but '/' and NUL: a newline in one would split
// a line-per-name list, and bytes that are not UTF-8 cannot go into JSON. Escaped, a name is
// one line of valid UTF-8, and unescaping gives back the very bytes.
#include <string>
#include <string_view>

namespace bottleneck {

// Backslash, control characters and bytes that are not part of valid UTF-8 become
// \\, \n, \r, \t or \xHH; everything else is kept.
std::string escape_name(std::string_view name);
// The inverse of escape_name; a backslash not followed by a known escape is kept.
std::string unescape_name(std::string_view text);
// Whether `text` is valid UTF-8.
bool is_utf8(std::string_view text);

// One CSV field as RFC 4180 writes it (quoted when it holds a comma, quote, CR or LF), a
// leading = + - @ (or tab, CR) neutralised with a ' so that spreadsheets do not run it as a formula.
std::string csv_field(std::string_view text);

}  // namespace bottleneck
