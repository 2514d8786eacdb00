// JUnit XML reports (include/cajal/driver/junit.hpp): escaping, counts, outcomes.
#include <gtest/gtest.h>

#include "cajal/driver/junit.hpp"

namespace cajal {
namespace {

TEST(JUnit, EscapesMarkupAndQuotes) {
  EXPECT_EQ(junit::escape("a < b && c > \"d\" 'e'"), "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &apos;e&apos;");
  EXPECT_EQ(junit::escape("line\nnext\ttab"), "line&#10;next&#9;tab");
  // In element text, quotes and line breaks stay as they are.
  EXPECT_EQ(junit::escape("a \"b\" 'c'\n<d>", false), "a \"b\" 'c'\n&lt;d&gt;");
}

TEST(JUnit, KeepsUtf8AndReplacesWhatXmlCannotHold) {
  EXPECT_EQ(junit::escape("{true \xE2\x86\xA6 false}"), "{true \xE2\x86\xA6 false}");  // ↦ kept
  EXPECT_EQ(junit::escape(std::string("a\x01" "b\x1B", 4)), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");  // control characters
  EXPECT_EQ(junit::escape("\xFF\xC3"), "\xEF\xBF\xBD\xEF\xBF\xBD");             // invalid UTF-8
  EXPECT_EQ(junit::escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(junit::escape(std::string("\0", 1)), "\xEF\xBF\xBD");
}

TEST(JUnit, CountsEachOutcome) {
  junit::Suite suite{"cajal prove", 1.5, {{"depth", "9"}}, {}};
  suite.cases.push_back({"a", "cajal.prove", 0.5, junit::TestCase::Outcome::Passed, "", "", "", ""});
  suite.cases.push_back({"b <1>", "cajal.prove", 0.25, junit::TestCase::Outcome::Failed, "refuted", "refuted\nmore",
                         "the body & more", ""});
  suite.cases.push_back({"c", "cajal.prove", 0, junit::TestCase::Outcome::Error, "unknown", "timeout", "", ""});
  suite.cases.push_back({"d", "cajal.fuzz", 0, junit::TestCase::Outcome::Skipped, "", "resource limit", "", ""});
  std::string xml = junit::to_xml(suite);
  EXPECT_NE(xml.find("<testsuite name=\"cajal prove\" tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"1\" time=\"1.500\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase name=\"a\" classname=\"cajal.prove\" time=\"0.500\"/>"), std::string::npos) << xml;
  // The message attribute holds the first line; the body the details, escaped.
  EXPECT_NE(xml.find("<failure message=\"refuted\" type=\"refuted\">the body &amp; more</failure>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("name=\"b &lt;1&gt;\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<error message=\"timeout\" type=\"unknown\">timeout</error>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"depth\" value=\"9\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<skipped message=\"resource limit\"/>"), std::string::npos) << xml;
}

// `fuzz --junit`: one case per program recorded, in program order, the failure's at its place.
TEST(JUnit, FuzzListsEveryProgram) {
  testing::FuzzOptions options;
  options.count = 3;
  options.max_size = 9;
  testing::FuzzReport report;
  report.checked = 3;
  report.programs = {{0, 0.5f, 4, 0, 0, false, false}, {1, 0.25f, 0, 0, 0, true, false}, {2, 0.f, 3, 1, 1, false, true}};
  report.failures.push_back({2, {}, {false, "differs at depth 3", 3, 0, 0, 0, false}, 7});
  junit::Suite s = junit::fuzz_suite(options, report);
  ASSERT_EQ(s.cases.size(), 4u);
  EXPECT_EQ(s.cases[0].name, "program 0 (size 0)");
  EXPECT_EQ(s.cases[0].output, "compared with the interpreter at 4 depths\n");
  EXPECT_EQ(s.cases[1].outcome, junit::TestCase::Outcome::Skipped);
  EXPECT_EQ(s.cases[2].name, "program 2 (size 2)");
  EXPECT_EQ(s.cases[2].outcome, junit::TestCase::Outcome::Failed);
  EXPECT_EQ(s.cases[2].message, "differs at depth 3");
  EXPECT_EQ(s.cases[3].outcome, junit::TestCase::Outcome::Failed);  // the campaign
}

TEST(JUnit, ProveVerdicts) {
  ProveResult r;
  r.verdict = ProveResult::Verdict::Refuted;
  r.depth = 4;
  r.inputs = {{"n", "3"}};
  r.interpreter_value = "false";
  r.network_value = "true";
  junit::Suite s = junit::prove_suite("even.cj", r);
  ASSERT_EQ(s.cases.size(), 1u);
  EXPECT_EQ(s.cases[0].name, "even.cj at depth 4");
  EXPECT_EQ(s.cases[0].outcome, junit::TestCase::Outcome::Failed);
  EXPECT_NE(s.cases[0].details.find("n = 3"), std::string::npos);
  r.verdict = ProveResult::Verdict::Unknown;
  r.reason = "timeout";
  EXPECT_EQ(junit::prove_suite("even.cj", r).cases[0].outcome, junit::TestCase::Outcome::Error);
  r.verdict = ProveResult::Verdict::Proved;
  EXPECT_EQ(junit::prove_suite("even.cj", r).cases[0].outcome, junit::TestCase::Outcome::Passed);
}

}  // namespace
}  // namespace cajal
