#include "cajal/syntax/source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cajal {

Source::Source(std::string name, std::string text) : name_(std::move(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (std::uint32_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

namespace {
// Continuation bytes of UTF-8 are 10xxxxxx; counting the others counts code points.
std::uint32_t count_code_points(std::string_view s) {
  return static_cast<std::uint32_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}
}  // namespace

LineCol Source::locate(std::uint32_t offset) const {
  offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text_.size()));
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  auto line = static_cast<std::uint32_t>(it - line_starts_.begin());  // 1-based
  std::uint32_t start = line_starts_[line - 1];
  return {line, 1 + count_code_points(std::string_view(text_).substr(start, offset - start))};
}

std::string_view Source::line_text(std::uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  std::uint32_t start = line_starts_[line - 1];
  std::uint32_t end = line < line_starts_.size() ? line_starts_[line] - 1 : static_cast<std::uint32_t>(text_.size());
  std::string_view s = std::string_view(text_).substr(start, end - start);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

std::string Span::line_col() const {
  if (!source) return "?:?";
  LineCol lc = source->locate(begin);
  return std::to_string(lc.line) + ":" + std::to_string(lc.column);
}

std::string Span::where() const {
  if (!source) return "<unknown>";
  return source->name() + ":" + line_col();
}

std::optional<Utf8Problem> find_utf8_problem(std::string_view text) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  if (text.substr(0, 3) == "\xEF\xBB\xBF") return Utf8Problem{0, "a byte-order mark (U+FEFF) at its start: save it as UTF-8 without one"};
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = byte(i);
    auto at = static_cast<std::uint32_t>(i);
    if (c == 0) return Utf8Problem{at, "a NUL byte"};
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      static const char* hex = "0123456789ABCDEF";
      return Utf8Problem{at, std::string("the control character 0x") + hex[c >> 4] + hex[c & 15]};
    }
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > text.size()) return Utf8Problem{at, "a byte that is not valid UTF-8"};
    for (std::size_t k = 1; k < len; ++k)
      if ((byte(i + k) & 0xC0) != 0x80) return Utf8Problem{at, "a byte that is not valid UTF-8"};
    if (len > 1) {
      // Reject overlong encodings, surrogates and code points above U+10FFFF.
      std::uint32_t cp = c & (0x7F >> len);
      for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (byte(i + k) & 0x3F);
      static constexpr std::uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
      if (cp < min_cp[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return Utf8Problem{at, "a byte that is not valid UTF-8"};
    }
    i += len;
  }
  return std::nullopt;
}

namespace {
std::string megabytes(std::size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// Reads at most limit + 1 bytes of `in` (one more than allowed shows that there are more).
std::optional<std::string> read_up_to(std::istream& in, const std::string& name, std::size_t limit, std::string& error) {
  std::string text;
  char buffer[1 << 16];
  while (in && text.size() <= limit) {
    in.read(buffer, static_cast<std::streamsize>(std::min(sizeof buffer, limit + 1 - text.size())));
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) {
    error = "cannot read " + name + ": " + std::strerror(errno);
    return std::nullopt;
  }
  if (text.size() > limit) {
    error = "cannot read " + name + ": it is larger than " + megabytes(limit) + " (the limit for one file)";
    return std::nullopt;
  }
  return text;
}
}  // namespace

std::optional<std::string> read_file_bounded(const std::string& path, std::string& error, std::size_t limit) {
  if (path == "-") return read_up_to(std::cin, "standard input", limit, error);
  auto fail = [&](const std::string& why) -> std::optional<std::string> {
    error = "cannot read " + path + ": " + why;
    return std::nullopt;
  };
  // Open first, then ask the descriptor what it is: a check on the path followed by an open could be
  // raced (the path swapped for a pipe in between). O_NONBLOCK makes opening a named pipe return at
  // once instead of waiting for a writer; the fstat below then refuses it. O_NOCTTY keeps a terminal
  // from becoming ours. Symbolic links are followed: their target is what is read.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return fail(errno == EISDIR ? "it is a directory" : std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return fail("it is a directory");
  if (!S_ISREG(st.st_mode)) return fail("it is not a regular file (a device, a pipe or a socket is not read)");
  if (static_cast<std::uintmax_t>(st.st_size) > limit)
    return fail("it is larger than " + megabytes(limit) + " (the limit for one file)");
  // A regular file never blocks; clear O_NONBLOCK anyway so that a read is a plain read.
  if (int flags = ::fcntl(fd, F_GETFL); flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  std::string text;
  char buffer[1 << 16];
  while (text.size() <= limit) {  // at most limit + 1 bytes: one more shows that the file grew past it
    ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, limit + 1 - text.size()));
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(std::strerror(errno));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  if (text.size() > limit) return fail("it is larger than " + megabytes(limit) + " (the limit for one file)");
  return text;
}

}  // namespace cajal
