#include "cajal/syntax/diagnostic.hpp"
#include "support.hpp"

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
