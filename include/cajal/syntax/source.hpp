// Source text and locations.
//
// A Source owns one piece of program text (a file, a `-e` program, a `--arg` term). Every AST node
// carries a Span: a half-open byte range [begin, end) into one Source. Spans point at their Source
// by raw pointer; the contract is that a Source outlives every AST and diagnostic made from it
// (Program keeps its Sources alive through shared_ptr).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cajal {

// The most bytes any reader takes from one file (a source, a certificate's file, examples): 64 MiB.
inline constexpr std::size_t kMaxFileBytes = std::size_t{64} << 20;

// The bytes of a regular file, or of standard input for "-", at most `limit` of them. Anything else
// is refused before it is read — a directory, a device such as /dev/zero, a named pipe (it could
// block forever), a file larger than `limit` — with a message that names the file and the reason
// (in `error`); nothing past the limit is read.
std::optional<std::string> read_file_bounded(const std::string& path, std::string& error,
                                             std::size_t limit = kMaxFileBytes);

struct LineCol {
  std::uint32_t line = 1;    // 1-based
  std::uint32_t column = 1;  // 1-based, counted in Unicode code points
};

class Source {
 public:
  Source(std::string name, std::string text);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }

  // Line and column of a byte offset (clamped to the text).
  LineCol locate(std::uint32_t offset) const;
  // The text of the 1-based line `line`, without its newline.
  std::string_view line_text(std::uint32_t line) const;

 private:
  std::string name_;
  std::string text_;
  std::vector<std::uint32_t> line_starts_;
};

using SourcePtr = std::shared_ptr<const Source>;

struct Span {
  const Source* source = nullptr;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;

  bool known() const { return source != nullptr; }
  // "file:line:col", or "<unknown>" for a span without source.
  std::string where() const;
  // "line:col" only.
  std::string line_col() const;
};

// Byte offset and description of the first byte that is not valid UTF-8, if any.
struct Utf8Problem {
  std::uint32_t offset;
  std::string what;
};
std::optional<Utf8Problem> find_utf8_problem(std::string_view text);

}  // namespace cajal
