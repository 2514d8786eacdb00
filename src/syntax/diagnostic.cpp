#include "cajal/syntax/diagnostic.hpp"

#include <algorithm>

namespace cajal {

Diagnostic error_at(Span span, std::string message) {
  return Diagnostic{Severity::error, span, std::move(message), {}};
}

namespace {

const char* label(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
  }
  return "error";
}

// "file:line:col: error: message", then the line and a caret under the span's first character
// (tildes under the rest of the span when it lies on the same line).
void render_one(std::string& out, Severity severity, const Span& span, const std::string& message) {
  if (!span.known()) {
    out += "cajal: ";
    out += label(severity);
    out += ": " + message + "\n";
    return;
  }
  out += span.where() + ": " + label(severity) + ": " + message + "\n";
  LineCol from = span.source->locate(span.begin);
  LineCol to = span.source->locate(std::max(span.end, span.begin + 1) - 1);
  std::string_view line = span.source->line_text(from.line);
  // A very long line (minified or binary input) is shown as a window around the caret.
  constexpr std::size_t kWindow = 120;
  std::string prefix;
  if (line.size() > kWindow) {
    std::size_t byte = 0;
    for (std::uint32_t col = 1; byte < line.size() && col < from.column; ++byte)
      if ((static_cast<unsigned char>(line[byte]) & 0xC0) != 0x80) ++col;
    std::size_t start = byte > kWindow / 2 ? byte - kWindow / 2 : 0;
    while (start > 0 && start < line.size() && (static_cast<unsigned char>(line[start]) & 0xC0) == 0x80) --start;
    std::size_t stop = std::min(line.size(), start + kWindow);
    while (stop < line.size() && (static_cast<unsigned char>(line[stop]) & 0xC0) == 0x80) ++stop;
    std::uint32_t skipped = 0;
    for (std::size_t k = 0; k < start; ++k)
      if ((static_cast<unsigned char>(line[k]) & 0xC0) != 0x80) ++skipped;
    if (start > 0) prefix = "...";
    line = line.substr(start, stop - start);
    from.column = from.column - skipped + static_cast<std::uint32_t>(prefix.size());
    to.column = to.line == from.line ? std::min<std::uint32_t>(to.column - skipped + static_cast<std::uint32_t>(prefix.size()),
                                                               from.column + static_cast<std::uint32_t>(kWindow))
                                     : to.column;
  }
  // Control characters would garble the terminal: show them as '?'.
  std::string shown = prefix;
  for (char c : line) shown += (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F ? '?' : c;
  line = shown;
  out += "  ";
  out += line;
  out += "\n  ";
  // Keep tabs so the caret lines up under tab-indented code.
  std::uint32_t col = 1;
  for (char c : line) {
    if (col >= from.column) break;
    if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) continue;
    out += c == '\t' ? '\t' : ' ';
    ++col;
  }
  out += '^';
  if (to.line == from.line)
    for (std::uint32_t k = from.column; k < to.column; ++k) out += '~';
  out += '\n';
}

}  // namespace

std::string render(const Diagnostic& d) {
  std::string out;
  render_one(out, d.severity, d.span, d.message);
  for (const Note& n : d.notes) render_one(out, Severity::note, n.span, n.message);
  return out;
}

std::string render(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const Diagnostic& d : ds) out += render(d);
  return out;
}

}  // namespace cajal
