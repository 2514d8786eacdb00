// Golden tests.
// - tests/golden/errors/NAME.cj: a program that must be rejected; NAME.err holds the exact
//   diagnostics. Regenerate with CAJAL_UPDATE_GOLDEN=1 (and review the diff).
// - spec/examples/NAME.cj: a program with its expected type and values in header comments:
//     -- type: T          the type of main
//     -- params: p=TERM ; q=TERM   (optional, for the next value line)
//     -- args: TERM ; TERM         (optional, for the next value line)
//     -- value: V          the printed value of main applied to the args
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cajal/compile/compile.hpp"
#include "cajal/network/network.hpp"
#include "support.hpp"

namespace cajal::test {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> files(const fs::path& dir, const std::string& ext) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ext) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> split_terms(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t semi = s.find(';', start);
    std::string part = s.substr(start, semi == std::string::npos ? std::string::npos : semi - start);
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    if (!part.empty()) out.push_back(part);
    if (semi == std::string::npos) return out;
    start = semi + 1;
  }
}

const fs::path kRoot = CAJAL_SOURCE_DIR;
constexpr int kDepth = 9;

// The interpreter's value of main applied to `args`, written as the network decodes it: base values
// as printed, functions as tables over the basis values of their domain.
std::string interpreter_table(const std::string& text, std::vector<std::string> args,
                              const std::vector<std::pair<std::string, std::string>>& params, const Type& type) {
  if (!type.is_arrow()) return run(text, args, params);
  std::vector<std::string> domain;
  if (type.from->kind == Type::Kind::Bool) domain = {"true", "false"};
  for (int k = 0; type.from->kind == Type::Kind::Nat && k <= kDepth; ++k) domain.push_back(std::to_string(k));
  std::string out = "{";
  for (std::size_t j = 0; j < domain.size(); ++j) {
    args.push_back(domain[j]);
    out += (j ? ", " : "") + domain[j] + " ↦ " + interpreter_table(text, args, params, *type.to);
    args.pop_back();
  }
  return out + "}";
}

// Runs main on the compiled network at depth 9 and compares with the interpreter, exactly.
void expect_network_agrees(const std::string& text, const std::vector<std::string>& args,
                           const std::vector<std::pair<std::string, std::string>>& params) {
  Loaded l = load(text);
  ASSERT_TRUE(l.result.ok());
  RunRequest request = request_for(args, params, kDepth);
  Result<RunResult> reference = run_main(*l.result, request);
  ASSERT_TRUE(reference.ok());
  Result<NetworkRunResult> net = run_main_on_network(*l.result, request);
  // The network is exact when the interpreter's run stays within D; otherwise it must say so.
  if (reference->max_natural > static_cast<std::uint64_t>(kDepth)) {
    ASSERT_FALSE(net.ok()) << "args: " << ::testing::PrintToString(args);
    std::string want = reference->max_natural > static_cast<std::uint64_t>(kMaxDepth)
                           ? "more than any depth"
                           : "--depth " + std::to_string(reference->max_natural);
    EXPECT_NE(net.diagnostics.front().message.find(want), std::string::npos) << net.diagnostics.front().message;
    return;
  }
  ASSERT_TRUE(net.ok()) << render(net.diagnostics) << " args: " << ::testing::PrintToString(args);
  ASSERT_TRUE(net->value) << "the network's output is not an exact encoding";
  if (net->type->is_arrow() && net->type->from->is_arrow()) return;  // no table to compare with
  EXPECT_EQ(*net->value, interpreter_table(text, args, params, *net->type)) << "args: " << ::testing::PrintToString(args);
}

TEST(Golden, ErrorMessages) {
  bool update = std::getenv("CAJAL_UPDATE_GOLDEN") != nullptr;
  auto cases = files(kRoot / "tests/golden/errors", ".cj");
  ASSERT_GE(cases.size(), 20u);
  for (const fs::path& p : cases) {
    Loaded l = load(slurp(p), p.filename().string());
    ASSERT_FALSE(l.result.ok()) << p << " was accepted";
    std::string got = render(l.result.diagnostics);
    fs::path expected = fs::path(p).replace_extension(".err");
    if (update) {
      std::ofstream(expected, std::ios::binary) << got;
      continue;
    }
    ASSERT_TRUE(fs::exists(expected)) << expected << " is missing (run with CAJAL_UPDATE_GOLDEN=1)";
    EXPECT_EQ(got, slurp(expected)) << p;
  }
}

TEST(Golden, SpecExamples) {
  auto examples = files(kRoot / "spec/examples", ".cj");
  ASSERT_GE(examples.size(), 8u);
  for (const fs::path& p : examples) {
    SCOPED_TRACE(p.string());
    std::string text = slurp(p);
    std::istringstream lines(text);
    std::string line, type;
    std::vector<std::string> args;
    std::vector<std::pair<std::string, std::string>> params;
    int runs = 0;
    std::optional<std::vector<std::pair<std::string, std::string>>> first_params;
    while (std::getline(lines, line)) {
      auto field = [&](const std::string& key) -> std::optional<std::string> {
        std::string prefix = "-- " + key + ":";
        if (line.rfind(prefix, 0) != 0) return std::nullopt;
        std::string v = line.substr(prefix.size());
        v.erase(0, v.find_first_not_of(' '));
        return v;
      };
      if (auto t = field("type")) type = *t;
      if (auto a = field("args")) args = split_terms(*a);
      if (auto ps = field("params")) {
        params.clear();
        for (const std::string& kv : split_terms(*ps))
          params.emplace_back(kv.substr(0, kv.find('=')), kv.substr(kv.find('=') + 1));
      }
      if (auto v = field("value")) {
        EXPECT_EQ(run(text, args, params), *v) << "args: " << ::testing::PrintToString(args);
        expect_network_agrees(text, args, params);
        if (!first_params) first_params = params;
        args.clear();
        params.clear();
        ++runs;
      }
    }
    EXPECT_FALSE(type.empty()) << "no `-- type:` line";
    EXPECT_EQ(main_type(text), type);
    EXPECT_GT(runs, 0) << "no `-- value:` line";

    // The materialized tensor at depth 9 (tests/golden/tensors/NAME.json).
    {
      Loaded l = load(text);
      ASSERT_TRUE(l.result.ok());
      RunRequest request;
      for (auto& [n, t] : first_params.value_or(std::vector<std::pair<std::string, std::string>>{}))
        request.params.emplace_back(n, std::make_shared<const Source>("<param " + n + ">", t));
      Result<Materialized> m = materialize_main(*l.result, request);
      ASSERT_TRUE(m.ok()) << render(m.diagnostics);
      const Type& t = *m->type;
      nlohmann::json shape = t.is_arrow() ? nlohmann::json::array({dimension(*t.to, kDepth), dimension(*t.from, kDepth)})
                                          : nlohmann::json::array({dimension(t, kDepth)});
      std::string got = nlohmann::json{{"type", print_type(t)},
                                       {"depth", kDepth},
                                       {"shape", shape},
                                       {"tensor", std::vector<double>(m->tensor.data(), m->tensor.data() + m->tensor.size())}}
                            .dump() +
                        "\n";
      fs::path golden = kRoot / "tests/golden/tensors" / p.filename().replace_extension(".json");
      if (std::getenv("CAJAL_UPDATE_GOLDEN")) {
        fs::create_directories(golden.parent_path());
        std::ofstream(golden, std::ios::binary) << got;
      } else {
        ASSERT_TRUE(fs::exists(golden)) << golden << " is missing (run with CAJAL_UPDATE_GOLDEN=1)";
        EXPECT_EQ(got, slurp(golden));
      }
    }

    // fmt is a fixed point up to the AST: parse(fmt(p)) == p.
    Loaded l = load(text);
    ASSERT_TRUE(l.result.ok());
    std::string formatted = format_program(l.result->program);
    Loaded again = load(formatted);
    ASSERT_TRUE(again.result.ok()) << formatted;
    EXPECT_TRUE(l.result->program == again.result->program);
  }
}

}  // namespace
}  // namespace cajal::test
