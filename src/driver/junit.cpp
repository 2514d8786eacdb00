// JUnit XML reports (include/cajal/driver/junit.hpp).
#include "cajal/driver/junit.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <sstream>

#include "cajal/driver/driver.hpp"
#include "cajal/network/network.hpp"
#include "cajal/testing/summary.hpp"

namespace cajal::junit {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the valid UTF-8 sequence starting at text[i], or 0.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((byte(i + k) >> 6) != 0x2) return 0;
  std::uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (byte(i + k) & 0x3F);
  static constexpr std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) return 0;
  return n;
}

std::string seconds_text(double s) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", s < 0 ? 0.0 : s);
  return buffer;
}

std::string attribute(const char* name, std::string_view value) {
  return std::string(" ") + name + "=\"" + escape(value) + "\"";
}

const char* outcome_element(TestCase::Outcome o) {
  switch (o) {
    case TestCase::Outcome::Failed: return "failure";
    case TestCase::Outcome::Skipped: return "skipped";
    default: return "error";
  }
}

// The first line of a message (attributes hold one line; the body holds the rest).
std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace

std::string escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = utf8_length(text, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    char c = text[i++];
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += attribute ? "&quot;" : "\""; break;
      case '\'': out += attribute ? "&apos;" : "'"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) out += kReplacement;
        else out += c;
    }
  }
  return out;
}

std::string to_xml(const Suite& suite) {
  std::size_t failures = 0, errors = 0, skipped = 0;
  for (const TestCase& c : suite.cases) {
    failures += c.outcome == TestCase::Outcome::Failed;
    errors += c.outcome == TestCase::Outcome::Error;
    skipped += c.outcome == TestCase::Outcome::Skipped;
  }
  std::ostringstream xml;
  std::string counts = attribute("tests", std::to_string(suite.cases.size())) +
                       attribute("failures", std::to_string(failures)) + attribute("errors", std::to_string(errors)) +
                       attribute("skipped", std::to_string(skipped)) + attribute("time", seconds_text(suite.seconds));
  xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites" << attribute("name", suite.name) << counts << ">\n"
      << "  <testsuite" << attribute("name", suite.name) << counts << ">\n";
  if (!suite.properties.empty()) {
    xml << "    <properties>\n";
    for (const auto& [name, value] : suite.properties)
      xml << "      <property" << attribute("name", name) << attribute("value", value) << "/>\n";
    xml << "    </properties>\n";
  }
  for (const TestCase& c : suite.cases) {
    xml << "    <testcase" << attribute("name", c.name) << attribute("classname", c.classname)
        << attribute("time", seconds_text(c.seconds));
    if (c.outcome == TestCase::Outcome::Passed && c.output.empty()) {
      xml << "/>\n";
      continue;
    }
    xml << ">\n";
    if (c.outcome == TestCase::Outcome::Skipped) {
      xml << "      <skipped" << attribute("message", first_line(c.message)) << "/>\n";
    } else if (c.outcome != TestCase::Outcome::Passed) {
      const char* element = outcome_element(c.outcome);
      xml << "      <" << element << attribute("message", first_line(c.message)) << attribute("type", c.type) << ">"
          << escape(c.details.empty() ? c.message : c.details, false) << "</" << element << ">\n";
    }
    if (!c.output.empty()) xml << "      <system-out>" << escape(c.output, false) << "</system-out>\n";
    xml << "    </testcase>\n";
  }
  xml << "  </testsuite>\n</testsuites>\n";
  return xml.str();
}

Suite prove_suite(const std::string& name, const ProveResult& r) {
  Suite suite{"cajal prove", r.seconds, {{"depth", std::to_string(r.depth)}}, {}};
  TestCase c;
  c.name = name + " at depth " + std::to_string(r.depth);
  c.classname = "cajal.prove";
  c.seconds = r.seconds;
  std::string warnings;
  for (const std::string& w : r.warnings) warnings += "warning: " + w + "\n";
  switch (r.verdict) {
    case ProveResult::Verdict::Proved:
      c.output = "proved at depth " + std::to_string(r.depth) + "\n" + warnings;
      break;
    case ProveResult::Verdict::Refuted: {
      c.outcome = TestCase::Outcome::Failed;
      c.type = "refuted";
      c.message = "refuted at depth " + std::to_string(r.depth) + ": the network differs from the program";
      std::string body = c.message + "\ncounterexample:\n";
      for (const auto& [input, value] : r.inputs) body += "  " + input + " = " + value + "\n";
      body += "  the program's value: " + r.interpreter_value + "\n  the network's output: " + r.network_value + "\n";
      if (!r.first_disagreement.empty()) body += "  first disagreeing subterm: " + r.first_disagreement + "\n";
      c.details = body + warnings;
      break;
    }
    case ProveResult::Verdict::Unknown:
      c.outcome = TestCase::Outcome::Error;
      c.type = "unknown";
      c.message = "unknown at depth " + std::to_string(r.depth) + ": " + r.reason;
      c.details = c.message + "\n" + warnings;
      break;
  }
  suite.cases.push_back(std::move(c));
  return suite;
}

Suite check_suite(const CheckSide& left, const CheckSide& right, const EquivalenceResult& r, bool neural) {
  const char* notion = neural ? "neural" : "observational";
  Suite suite{"cajal check", r.seconds, {{"depth", std::to_string(r.depth)}, {"notion", notion}}, {}};
  if (!r.method.empty()) suite.properties.emplace_back("method", r.method);
  TestCase c;
  c.name = left.def + " in " + left.label + " == " + right.def + " in " + right.label + " at depth " +
           std::to_string(r.depth) + " (" + notion + ")";
  c.classname = "cajal.check";
  c.seconds = r.seconds;
  std::string warnings;
  for (const std::string& w : r.warnings) warnings += "warning: " + w + "\n";
  const std::string verdict = std::string(verdict_name(r.verdict)) + " at depth " + std::to_string(r.depth);
  switch (r.verdict) {
    case EquivalenceResult::Verdict::Equivalent:
      c.output = verdict + " (" + r.method + ")\n" + warnings;
      break;
    case EquivalenceResult::Verdict::NotEquivalent: {
      c.outcome = TestCase::Outcome::Failed;
      c.type = "not-equivalent";
      c.message = verdict + " (" + std::to_string(r.counterexamples) + (r.counted_all ? "" : " or more") +
                  " counterexample" + (r.counterexamples == 1 ? "" : "s") + ")";
      std::string body = c.message + "\n";
      if (r.counterexample) {
        body += "counterexample (the least):\n";
        for (const auto& in : r.counterexample->inputs)
          body += "  " + std::string(in.is_param ? "param " : "") + in.name + " = " + in.value + "\n";
        body += "  left  (" + left.def + " in " + left.label + "): " + r.counterexample->left + "\n";
        body += "  right (" + right.def + " in " + right.label + "): " + r.counterexample->right + "\n";
        std::vector<std::string> commands = reproduce_commands(left, right, r, neural);
        for (std::size_t k = 0; k < commands.size(); ++k)
          body += (k == 0 ? "reproduce: " : "           ") + commands[k] + "\n";
      }
      c.details = body + warnings;
      break;
    }
    case EquivalenceResult::Verdict::Unknown:
      c.outcome = TestCase::Outcome::Error;
      c.type = "unknown";
      c.message = verdict + ": " + r.reason;
      c.details = c.message + "\n" + warnings;
      break;
  }
  suite.cases.push_back(std::move(c));
  return suite;
}

namespace {
// "compared at 4 depths, an overflow reported at 1": what a passing program's case reports.
std::string program_output(const testing::ProgramOutcome& p) {
  auto depths = [](unsigned n) { return std::to_string(n) + (n == 1 ? " depth" : " depths"); };
  std::string out = "compared with the interpreter at " + depths(p.compared);
  if (p.overflows) out += ", an overflow reported at " + depths(p.overflows);
  if (p.too_large) out += ", the network too large to run at " + depths(p.too_large);
  return out + "\n";
}

// Bytes of memory per program listed (the test case, then its XML): for the budget check.
constexpr double kBytesPerListedProgram = 512;
}  // namespace

std::optional<std::string> fuzz_suite_over_budget(const testing::FuzzOptions& options) {
  const std::uint64_t shards = std::max<std::uint64_t>(options.shards, 1);
  const double programs = static_cast<double>(options.count / shards + 1);
  const double bytes = programs * (kBytesPerListedProgram + sizeof(testing::ProgramOutcome));
  if (bytes <= static_cast<double>(memory_budget())) return std::nullopt;
  return over_budget("a JUnit report listing " + std::to_string(options.count / shards) + " programs", bytes);
}

Suite fuzz_suite(const testing::FuzzOptions& options, const testing::FuzzReport& report) {
  std::string depths;
  for (int d : testing::fuzz_depths(options.max_depth)) depths += (depths.empty() ? "" : ",") + std::to_string(d);
  Suite suite{"cajal fuzz",
              report.seconds,
              {{"seed", std::to_string(options.seed)},
               {"count", std::to_string(options.count)},
               {"max-size", std::to_string(options.max_size)},
               {"depths", depths},
               {"mutant", mutant_name(options.mutant)}},
              {}};
  if (options.shards > 1)
    suite.properties.emplace_back("shard", std::to_string(options.shard) + "/" + std::to_string(options.shards));
  auto program_name = [&](std::uint64_t index) {
    return "program " + std::to_string(index) + " (size " +
           std::to_string(index % static_cast<std::uint64_t>(options.max_size + 1)) + ")";
  };
  auto failure_case = [&](const testing::FuzzFailure& f) {
    TestCase c;
    c.name = program_name(f.index);
    c.classname = "cajal.fuzz";
    c.outcome = TestCase::Outcome::Failed;
    c.type = "network-differs";
    c.message = f.verdict.failure;
    c.details = f.verdict.failure + "\n(shrunk in " + std::to_string(f.shrink_steps) + " steps)\n\n" +
                testing::failure_file(options, f).text;
    return c;
  };
  // Every program when they were recorded (in program order, a failure with its shrunk
  // reproduction), else the failures alone.
  std::map<std::uint64_t, const testing::FuzzFailure*> failure_at;
  for (const testing::FuzzFailure& f : report.failures) failure_at.emplace(f.index, &f);
  suite.cases.reserve(report.programs.size() + report.failures.size() + 1);
  if (report.programs.empty()) {
    for (const testing::FuzzFailure& f : report.failures) suite.cases.push_back(failure_case(f));
  }
  for (const testing::ProgramOutcome& p : report.programs) {
    if (auto it = failure_at.find(p.index); it != failure_at.end()) {
      suite.cases.push_back(failure_case(*it->second));
      suite.cases.back().seconds = p.seconds;
      continue;
    }
    TestCase c;
    c.name = program_name(p.index);
    c.classname = "cajal.fuzz";
    c.seconds = p.seconds;
    if (p.skipped) {
      c.outcome = TestCase::Outcome::Skipped;
      c.message = "the interpreter hit a resource limit: nothing to compare";
    } else {
      c.output = program_output(p);
    }
    suite.cases.push_back(std::move(c));
  }
  TestCase campaign;
  campaign.name = "campaign: seed " + std::to_string(options.seed) + ", " + std::to_string(report.checked) + " programs";
  campaign.classname = "cajal.fuzz";
  campaign.seconds = report.seconds;
  if (report.failures.empty()) {
    campaign.output = testing::counts_sentence(testing::summarize(options, report)) + "\n";
  } else {
    campaign.outcome = TestCase::Outcome::Failed;
    campaign.type = "network-differs";
    campaign.message = std::to_string(report.failures.size()) + " of " + std::to_string(report.checked) +
                       " programs: the network differs from the interpreter";
    campaign.details = testing::counts_sentence(testing::summarize(options, report)) + "\n";
  }
  suite.cases.push_back(std::move(campaign));
  return suite;
}

Suite error_suite(const std::string& suite_name, const std::string& case_name, const std::vector<Diagnostic>& ds) {
  TestCase c;
  c.name = case_name;
  c.classname = "cajal." + suite_name.substr(suite_name.rfind(' ') + 1);
  bool internal = false;
  for (const Diagnostic& d : ds) internal = internal || d.internal;
  c.outcome = TestCase::Outcome::Error;
  c.type = internal ? "internal-error" : "invalid-input";
  c.message = ds.empty() ? "error" : (ds.front().span.known() ? ds.front().span.where() + ": " : "") + ds.front().message;
  c.details = render(ds);
  return Suite{suite_name, 0, {}, {std::move(c)}};
}

}  // namespace cajal::junit
