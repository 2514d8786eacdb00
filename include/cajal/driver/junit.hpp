// JUnit XML reports (`--junit FILE` of `cajal prove`, `check` and `fuzz`), so that CI systems show
// each program, pair or campaign as a test case. One <testsuite> per report; a test case passes,
// fails (a negative verdict: refuted, not equivalent, a fuzz failure) or errs (an inconclusive
// verdict, or input that could not be read or checked). Every text is XML-escaped; characters
// XML 1.0 cannot hold (control characters other than tab and newlines, invalid UTF-8) are written
// as U+FFFD.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cajal/check/check.hpp"
#include "cajal/prove/prove.hpp"
#include "cajal/syntax/diagnostic.hpp"
#include "cajal/testing/oracle.hpp"

namespace cajal::junit {

struct TestCase {
  enum class Outcome { Passed, Failed, Error, Skipped };
  std::string name;
  std::string classname;
  double seconds = 0;
  Outcome outcome = Outcome::Passed;
  std::string type;     // of the failure or error, e.g. "refuted", "unknown", "invalid-input"
  std::string message;  // one line
  std::string details;  // the body of <failure>/<error>: a counterexample, a reproduction
  std::string output;   // <system-out>: what a passing case reports (verdict, method, warnings)
};

struct Suite {
  std::string name;
  double seconds = 0;
  std::vector<std::pair<std::string, std::string>> properties;  // <properties>: seed, depth, ...
  std::vector<TestCase> cases;
};

// Text with &, < and > escaped (in an attribute also ", ', tab and newlines), and characters XML
// cannot hold replaced by U+FFFD.
std::string escape(std::string_view text, bool attribute = true);

// The whole document: <?xml ...?><testsuites><testsuite ...>...</testsuite></testsuites>.
std::string to_xml(const Suite& suite);

// One test case: `name` proved at its depth (passed), refuted (failed, the counterexample as its
// body) or unknown (error, with the reason).
Suite prove_suite(const std::string& name, const ProveResult& r);

// One test case for the pair: equivalent (passed), not equivalent (failed, the counterexample and
// the commands that reproduce it) or unknown (error, with the reason).
Suite check_suite(const CheckSide& left, const CheckSide& right, const EquivalenceResult& r, bool neural);

// One test case per program, in program order, when the campaign recorded them
// (FuzzOptions::record_programs): passed (its depths compared as output), skipped (the interpreter
// hit a resource limit) or failed (the shrunk failure's message and reproduction file as the body);
// without the record, the failures alone. Then one case for the campaign (passed when no program
// failed; its counts as output).
Suite fuzz_suite(const testing::FuzzOptions& options, const testing::FuzzReport& report);

// The message refusing a report that lists every program, when it would pass the memory budget.
std::optional<std::string> fuzz_suite_over_budget(const testing::FuzzOptions& options);

// Input that could not be loaded or decided (diagnostics, rendered): one test case in error.
Suite error_suite(const std::string& suite_name, const std::string& case_name, const std::vector<Diagnostic>& ds);

}  // namespace cajal::junit
