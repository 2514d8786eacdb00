// Pictures: Graphviz layouts and heatmaps (include/cajal/draw/draw.hpp).
#include "cajal/draw/draw.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "cajal/syntax/prooftree.hpp"

extern char** environ;

namespace cajal {

namespace {

std::string number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", x);
  return buffer;
}

// A temporary file, removed with this object.
struct TempFile {
  std::string path;
  int fd = -1;
  TempFile() {
    std::error_code ec;
    std::string dir = std::filesystem::temp_directory_path(ec).string();
    path = (ec ? std::string("/tmp") : dir) + "/cajal-dot-XXXXXX";
    fd = ::mkstemp(path.data());
  }
  ~TempFile() {
    if (fd >= 0) {
      ::close(fd);
      ::unlink(path.c_str());
    }
  }
  bool write_all(const std::string& text) const {
    for (std::size_t done = 0; done < text.size();) {
      ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }
  std::string read_head(std::size_t max) const {
    std::string out(max, '\0');
    ssize_t n = ::pread(fd, out.data(), max, 0);
    out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return out;
  }
};

// At most this much SVG from one layout, and this long for it.
constexpr std::size_t kMaxSvgBytes = std::size_t{64} << 20;
constexpr auto kLayoutTimeout = std::chrono::seconds(60);

}  // namespace

// Graphviz runs as its own process (`dot -Tsvg`): its layout code then cannot touch this
// process's memory. (Linked in as libgvc, Graphviz 2.42's dot layout frees a pointer it does not
// own in gvFreeLayout on graphs with clusters — valgrind shows it on even.cj's network — and the
// heap corruption surfaced in a later test.)
Result<std::string> dot_to_svg(const std::string& dot) {
  using R = Result<std::string>;
  auto fail = [](const std::string& why) { return R::failure(error_at(Span{}, why)); };
  TempFile input, errors;
  if (input.fd < 0 || errors.fd < 0 || !input.write_all(dot))
    return fail(std::string("cannot write a temporary file for Graphviz: ") + std::strerror(errno));
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return fail(std::string("cannot make a pipe for Graphviz: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, errors.fd, 2);
  std::string program = "dot", format = "-Tsvg";
  char* argv[] = {program.data(), format.data(), input.path.data(), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, "dot", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (spawned != 0) {
    ::close(out[0]);
    return fail(spawned == ENOENT ? "Graphviz's `dot` is not installed (Debian: graphviz); --emit dot writes the graph "
                                    "for drawing elsewhere"
                                  : std::string("cannot run Graphviz's `dot`: ") + std::strerror(spawned));
  }
  std::string svg;
  bool timed_out = false, too_large = false;
  const auto deadline = std::chrono::steady_clock::now() + kLayoutTimeout;
  char buffer[1 << 16];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;  // (the deadline is checked above)
    ssize_t n = ::read(out[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (svg.size() + static_cast<std::size_t>(n) > kMaxSvgBytes) {
      too_large = true;
      break;
    }
    svg.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  if (timed_out || too_large) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return fail("Graphviz's `dot` did not finish laying the graph out within 60 s");
  if (too_large) return fail("Graphviz's `dot` wrote more than 64 MiB of SVG");
  std::string message = errors.read_head(4096);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || svg.find("<svg") == std::string::npos)
    return fail("Graphviz could not draw the graph" + (message.empty() ? std::string() : ": " + message));
  return R::success(std::move(svg));
}

Result<std::string> network_svg(const Network& net) {
  if (net.node_count() > kMaxDrawnNeurons)
    return Result<std::string>::failure(
        error_at(Span{}, "the network has " + std::to_string(net.node_count()) + " neurons, more than the " +
                             std::to_string(kMaxDrawnNeurons) + " a drawing takes (use --emit dot, or a smaller --depth)"));
  return dot_to_svg(to_dot(net));
}

std::string heatmap_svg(const Eigen::MatrixXd& m, const std::vector<std::string>& row_labels,
                        const std::vector<std::string>& col_labels, const std::string& caption, Eigen::Index max_cells) {
  const Eigen::Index rows = std::min(m.rows(), max_cells), cols = std::min(m.cols(), max_cells);
  const double largest = rows && cols ? std::max(m.topLeftCorner(rows, cols).cwiseAbs().maxCoeff(), 1e-300) : 1.0;
  auto label = [](const std::vector<std::string>& ls, Eigen::Index k) {
    return static_cast<std::size_t>(k) < ls.size() ? ls[static_cast<std::size_t>(k)] : std::to_string(k);
  };
  std::size_t longest_row = 1;
  for (Eigen::Index r = 0; r < rows; ++r) longest_row = std::max(longest_row, label(row_labels, r).size());
  std::size_t longest_col = 1;
  for (Eigen::Index c = 0; c < cols; ++c) longest_col = std::max(longest_col, label(col_labels, c).size());
  const int cell = 18;
  const int left = 8 + 7 * static_cast<int>(std::min<std::size_t>(longest_row, 16));
  const int top = 8 + 6 * static_cast<int>(std::min<std::size_t>(longest_col, 16)) + 10;
  const int width = left + cell * static_cast<int>(cols) + 10;
  const int height = top + cell * static_cast<int>(rows) + 34;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heatmap\" width=\"" + std::to_string(width) +
                    "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) + " " +
                    std::to_string(height) + "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"10\">\n";
  for (Eigen::Index c = 0; c < cols; ++c) {
    const int x = left + cell * static_cast<int>(c) + cell / 2;
    svg += "<text x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(top - 4) + "\" transform=\"rotate(-60 " +
           std::to_string(x) + " " + std::to_string(top - 4) + ")\">" + html_escape(label(col_labels, c)) + "</text>\n";
  }
  for (Eigen::Index r = 0; r < rows; ++r) {
    const int y = top + cell * static_cast<int>(r);
    svg += "<text x=\"" + std::to_string(left - 4) + "\" y=\"" + std::to_string(y + cell - 5) +
           "\" text-anchor=\"end\">" + html_escape(label(row_labels, r)) + "</text>\n";
    for (Eigen::Index c = 0; c < cols; ++c) {
      const double v = m(r, c);
      const double t = std::clamp(std::isfinite(v) ? v / largest : 0.0, -1.0, 1.0);
      // white at 0, red (#dc2626) at +1, blue (#2563eb) at -1
      const int red = t >= 0 ? 255 - static_cast<int>(std::lround(t * (255 - 220))) : 255 - static_cast<int>(std::lround(-t * (255 - 37)));
      const int green = t >= 0 ? 255 - static_cast<int>(std::lround(t * (255 - 38))) : 255 - static_cast<int>(std::lround(-t * (255 - 99)));
      const int blue = t >= 0 ? 255 - static_cast<int>(std::lround(t * (255 - 38))) : 255 - static_cast<int>(std::lround(-t * (255 - 235)));
      char fill[8];
      std::snprintf(fill, sizeof fill, "#%02x%02x%02x", red, green, blue);
      svg += "<rect x=\"" + std::to_string(left + cell * static_cast<int>(c)) + "\" y=\"" + std::to_string(y) +
             "\" width=\"" + std::to_string(cell - 1) + "\" height=\"" + std::to_string(cell - 1) + "\" fill=\"" + fill +
             "\"><title>" + html_escape(label(row_labels, r) + ", " + label(col_labels, c) + ": " + number(v)) +
             "</title></rect>\n";
    }
  }
  std::string note = caption;
  if (rows < m.rows() || cols < m.cols())
    note += " (the leading " + std::to_string(rows) + "×" + std::to_string(cols) + " block of " +
            std::to_string(m.rows()) + "×" + std::to_string(m.cols()) + ")";
  svg += "<text x=\"" + std::to_string(left) + "\" y=\"" + std::to_string(height - 10) + "\">" + html_escape(note) +
         "</text>\n</svg>\n";
  return svg;
}

}  // namespace cajal
