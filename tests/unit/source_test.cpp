#include "cajal/syntax/diagnostic.hpp"
#include "support.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>

namespace cajal {
namespace {

TEST(Source, LocatesLinesAndCodePointColumns) {
  Source s("f.cj", "ab\nλx.x\n");
  EXPECT_EQ(s.locate(0).line, 1u);
  EXPECT_EQ(s.locate(3).line, 2u);
  EXPECT_EQ(s.locate(3).column, 1u);
  EXPECT_EQ(s.locate(5).column, 2u);  // λ is two bytes, one column
  EXPECT_EQ(s.line_text(2), "λx.x");
}

TEST(Source, FindsInvalidUtf8AndControlCharacters) {
  EXPECT_FALSE(find_utf8_problem("def main = λx:Bool. x ⊸"));
  EXPECT_TRUE(find_utf8_problem(std::string("a\0b", 3)));
  EXPECT_TRUE(find_utf8_problem("\xff"));
  EXPECT_TRUE(find_utf8_problem("\xc0\x80"));  // overlong
  EXPECT_TRUE(find_utf8_problem("\x01"));
}

// read_file_bounded (every reader's way in): regular files only, at most `limit` bytes.
class ReadFileBounded : public ::testing::Test {
 protected:
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("cajal-read-" + std::to_string(::getpid()));
  void SetUp() override { std::filesystem::create_directories(dir); }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream((dir / name).string(), std::ios::binary) << text;
    return (dir / name).string();
  }
};

TEST_F(ReadFileBounded, ReadsARegularFileUpToTheLimit) {
  std::string error;
  std::string path = write("a.cj", "def main = true\n");
  EXPECT_EQ(read_file_bounded(path, error, 16).value_or("<none>"), "def main = true\n");
  EXPECT_FALSE(read_file_bounded(path, error, 15));
  EXPECT_NE(error.find("larger than"), std::string::npos) << error;
}

TEST_F(ReadFileBounded, RefusesDirectoriesMissingFilesAndDevices) {
  std::string error;
  EXPECT_FALSE(read_file_bounded(dir.string(), error));
  EXPECT_NE(error.find("it is a directory"), std::string::npos) << error;
  EXPECT_FALSE(read_file_bounded((dir / "missing").string(), error));
  EXPECT_NE(error.find("No such file"), std::string::npos) << error;
  EXPECT_FALSE(read_file_bounded("/dev/zero", error));
  EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;
}

// A named pipe with no writer: opening it for reading would wait forever without O_NONBLOCK, and
// the file's kind is asked of the opened descriptor (no check-then-open race). Run on another thread
// so that a regression fails the test instead of hanging it.
TEST_F(ReadFileBounded, RefusesANamedPipeWithoutWaitingForAWriter) {
  std::string path = (dir / "pipe.cj").string();
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  std::string error;
  auto result = std::async(std::launch::async, [&] { return read_file_bounded(path, error); });
  if (result.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    ::close(::open(path.c_str(), O_WRONLY | O_NONBLOCK));  // release the reader, then fail
    FAIL() << "read_file_bounded blocked on a named pipe";
  }
  EXPECT_FALSE(result.get());
  EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;
}

TEST(Diagnostic, RendersClangStyleWithCaret) {
  auto s = std::make_shared<const Source>("f.cj", "def main = oops\n");
  std::string out = render(error_at(Span{s.get(), 11, 15}, "unknown variable `oops`"));
  EXPECT_EQ(out, "f.cj:1:12: error: unknown variable `oops`\n  def main = oops\n             ^~~~\n");
}

TEST(Diagnostic, WindowsVeryLongLines) {
  std::string line(5000, 'x');
  auto s = std::make_shared<const Source>("f.cj", line);
  std::string out = render(error_at(Span{s.get(), 4000, 4001}, "here"));
  EXPECT_LT(out.size(), 600u);
  EXPECT_NE(out.find("..."), std::string::npos);
}

}  // namespace
}  // namespace cajal
