// `cajal check` (include/cajal/check/check.hpp): golden pairs, the two methods against each
// other, counterexamples that reproduce under the interpreter, and invalid input.
//
// Golden pairs: spec/examples/equivalence/NAME.cj (for teaching) and tests/golden/check/NAME.cj
// each hold defs `left` and `right` and their expected verdicts in header comments:
//   -- expect: equivalent | not equivalent           observational, at depth 9
//   -- expect-neural: equivalent | not equivalent    (optional; default: the same)
// and tests/golden/check/NAME.out holds both results in full (regenerate with
// CAJAL_UPDATE_GOLDEN=1 and review the diff).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cajal/check/check.hpp"
#include "support.hpp"

namespace cajal::test {
namespace {

namespace fs = std::filesystem;
using Verdict = EquivalenceResult::Verdict;

const fs::path kRoot = CAJAL_SOURCE_DIR;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string header(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("-- " + key + ": ", 0) == 0) return line.substr(key.size() + 5);
  return "";
}

EquivalenceResult check(const LoadedProgram& p, const std::string& a, const std::string& b, EquivalenceOptions options = {}) {
  Result<EquivalenceResult> r = check_equivalence(CheckSide{&p, a, "l"}, CheckSide{&p, b, "r"}, options);
  EXPECT_TRUE(r.ok()) << render(r.diagnostics);
  return r ? *r : EquivalenceResult{};
}

EquivalenceResult check(const std::string& text, EquivalenceOptions options = {}) {
  Loaded l = load(text);
  EXPECT_TRUE(l.result.ok()) << render(l.result.diagnostics);
  if (!l.result) return {};
  return check(*l.result, "left", "right", options);
}

// Everything but the time.
std::string describe(const EquivalenceResult& r) {
  std::string out = std::string(verdict_name(r.verdict)) + " at depth " + std::to_string(r.depth) + "\n";
  if (!r.reason.empty()) out += "  reason: " + r.reason + "\n";
  out += "  method: " + r.method + "\n";
  if (r.counterexample) {
    out += "  counterexample (" + std::string(r.counted_all ? "" : "at least ") + std::to_string(r.counterexamples) +
           " in all):\n";
    for (const auto& in : r.counterexample->inputs)
      out += "    " + std::string(in.is_param ? "param " : "") + in.name + " = " + in.value + "\n";
    out += "    left: " + r.counterexample->left + "\n    right: " + r.counterexample->right + "\n";
  }
  for (const std::string& w : r.warnings) out += "  warning: " + w + "\n";
  return out;
}

std::vector<fs::path> pairs() {
  std::vector<fs::path> out;
  for (const fs::path& dir : {kRoot / "spec/examples/equivalence", kRoot / "tests/golden/check"})
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".cj") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(CheckGolden, PairsHaveTheirExpectedVerdictsAndOutput) {
  std::vector<fs::path> files = pairs();
  ASSERT_GE(files.size(), 14u);
  const bool update = std::getenv("CAJAL_UPDATE_GOLDEN") != nullptr;
  for (const fs::path& file : files) {
    std::string text = slurp(file);
    std::string expect = header(text, "expect"), expect_neural = header(text, "expect-neural");
    if (expect_neural.empty()) expect_neural = expect;
    ASSERT_FALSE(expect.empty()) << file << " has no `-- expect:` line";
    Loaded l = load(text, file.filename().string());
    ASSERT_TRUE(l.result.ok()) << render(l.result.diagnostics);
    EquivalenceResult observational = check(*l.result, "left", "right");
    EquivalenceOptions neural_options;
    neural_options.neural = true;
    EquivalenceResult neural = check(*l.result, "left", "right", neural_options);
    EXPECT_EQ(verdict_name(observational.verdict), expect) << file << "\n" << describe(observational);
    EXPECT_EQ(verdict_name(neural.verdict), expect_neural) << file << "\n" << describe(neural);

    std::string got = "observational: " + describe(observational) + "neural: " + describe(neural);
    fs::path golden = kRoot / "tests/golden/check" / file.filename().replace_extension(".out");
    if (update) {
      std::ofstream(golden, std::ios::binary) << got;
      continue;
    }
    ASSERT_TRUE(fs::exists(golden)) << golden << " is missing (CAJAL_UPDATE_GOLDEN=1 writes it)";
    EXPECT_EQ(got, slurp(golden)) << file;
  }
}

// The interpreter, exhaustively, and Z3, symbolically, find the same verdict and the same least
// counterexample wherever both apply.
TEST(CheckMethods, ExhaustiveAndSymbolicAgree) {
  for (const fs::path& file : pairs()) {
    Loaded l = load(slurp(file), file.filename().string());
    ASSERT_TRUE(l.result.ok());
    EquivalenceOptions exhaustive, symbolic;
    exhaustive.method = EquivalenceOptions::Method::Exhaustive;
    symbolic.method = EquivalenceOptions::Method::Symbolic;
    EquivalenceResult a = check(*l.result, "left", "right", exhaustive);
    if (a.verdict == Verdict::Unknown) continue;  // too many inputs to list
    EquivalenceResult b = check(*l.result, "left", "right", symbolic);
    EXPECT_EQ(a.verdict, b.verdict) << file << "\n" << describe(a) << describe(b);
    ASSERT_EQ(a.counterexample.has_value(), b.counterexample.has_value()) << file;
    if (!a.counterexample) continue;
    for (std::size_t k = 0; k < a.counterexample->inputs.size(); ++k)
      EXPECT_EQ(a.counterexample->inputs[k].value, b.counterexample->inputs[k].value) << file;
    EXPECT_EQ(a.counterexample->left, b.counterexample->left) << file;
    EXPECT_EQ(a.counterexample->right, b.counterexample->right) << file;
    if (a.counted_all && b.counted_all) {
      EXPECT_EQ(a.counterexamples, b.counterexamples) << file;
    }
  }
}

// A run without a value (a table past its keys) is compared as such: a side that has a value
// where the other has none tells them apart, with both methods; never "outside the verdict".
TEST(CheckNoValue, ASideWithoutAValueIsACounterexample) {
  Loaded l = load(slurp(kRoot / "spec/examples/equivalence/pred_table.cj"), "pred_table.cj");
  ASSERT_TRUE(l.result.ok());
  for (auto method : {EquivalenceOptions::Method::Exhaustive, EquivalenceOptions::Method::Symbolic}) {
    EquivalenceOptions options;
    options.depth = 15;
    options.method = method;
    EquivalenceResult r = check(*l.result, "left", "right", options);
    EXPECT_EQ(r.verdict, Verdict::NotEquivalent) << describe(r);
    ASSERT_TRUE(r.counterexample.has_value());
    EXPECT_EQ(r.counterexample->inputs[0].value, "10");
    EXPECT_EQ(r.counterexample->left, "9");
    EXPECT_TRUE(r.counterexample->right.starts_with("no value: the table has no entry for 10")) << r.counterexample->right;
    EXPECT_EQ(r.counterexamples, 6u);
  }
  // Both sides without a value on the same inputs agree there.
  EquivalenceOptions options;
  options.depth = 12;
  EquivalenceResult same = check("def t = fun n : Nat => {0 ↦ true, 1 ↦ false} n\n"
                                 "def left = fun n : Nat => t n\n"
                                 "def right = fun n : Nat => {0 ↦ true, 1 ↦ false} n\n",
                                 options);
  EXPECT_EQ(same.verdict, Verdict::Equivalent) << describe(same);
}

// An input function applied past its table has no value either: against a side that has one,
// the two differ (before, such inputs were "outside the verdict", and every input could be).
TEST(CheckNoValue, AnInputTablePastItsKeys) {
  EquivalenceOptions options;
  options.depth = 3;
  EquivalenceResult r = check("def left = fun f : Nat -o Bool => f (succ 3)\n"
                              "def right = fun f : Nat -o Bool => f 0\n",
                              options);
  EXPECT_EQ(r.verdict, Verdict::NotEquivalent) << describe(r);
  EXPECT_TRUE(r.warnings.empty() || r.warnings.front().find("outside") == std::string::npos) << describe(r);
}

// An input that is a function of a function is compared on its definable values
// (spec/equivalence.md §1): fun g => k (g a) with k : B ⇀ C (no value on some keys: D ≥ 1), the
// constant ones listed once.
TEST(CheckFunctionsOfFunctions, TheDefinableValuesAreListed) {
  const char* id_vs_not = "def left = fun g : (Bool -o Bool) -o Bool => g (fun x : Bool => x)\n"
                          "def right = fun g : (Bool -o Bool) -o Bool => g (fun x : Bool => if x then false else true)\n";
  EquivalenceResult r = check(id_vs_not);
  EXPECT_EQ(r.verdict, Verdict::NotEquivalent) << describe(r);
  EXPECT_NE(r.method.find("all 15 inputs"), std::string::npos) << r.method;  // 3 constants, 2 · (3² - 3) others
  EXPECT_EQ(r.counterexamples, 12u);  // every value that reads g: the constants cannot tell
  ASSERT_TRUE(r.counterexample.has_value());
  EXPECT_EQ(r.counterexample->inputs[0].value, "fun g : Bool -o Bool => {true ↦ false, false ↦ true} (g false)");
  EXPECT_EQ(r.counterexample->left, "true");
  EXPECT_EQ(r.counterexample->right, "false");

  EquivalenceResult eta = check("def left = fun g : (Nat -o Bool) -o Bool => g (fun x : Nat => {0 ↦ true, 1 ↦ false} x)\n"
                                "def right = fun g : (Nat -o Bool) -o Bool => (fun f : Nat -o Bool => g f) "
                                "(fun x : Nat => {0 ↦ true, 1 ↦ false} x)\n");
  EXPECT_EQ(eta.verdict, Verdict::Equivalent) << describe(eta);
  EXPECT_NE(eta.method.find("all 63 inputs"), std::string::npos) << eta.method;  // 3 + 10 · (3² - 3)

  EquivalenceOptions d2;
  d2.depth = 2;
  EquivalenceResult nat = check("def left = fun g : (Nat -o Nat) -o Nat => g (fun x : Nat => x)\n"
                                "def right = fun g : (Nat -o Nat) -o Nat => g (fun x : Nat => x)\n",
                                d2);
  EXPECT_EQ(nat.verdict, Verdict::Equivalent) << describe(nat);
  EXPECT_NE(nat.method.find("all 184 inputs"), std::string::npos) << nat.method;  // 4 + 3 · (4³ - 4)

  // A value with no value on some keys tells apart two programs that the total ones cannot
  // (each asks g once and ignores the answer: only whether it has one).
  EquivalenceOptions d2_ = d2;
  EquivalenceResult partial = check("def left = fun h : (Bool -o Bool) -o Nat => {0 ↦ true, 1 ↦ true, 2 ↦ true} (h (fun x : Bool => x))\n"
                                    "def right = fun h : (Bool -o Bool) -o Nat => {0 ↦ true, 1 ↦ true, 2 ↦ true} "
                                    "(h (fun x : Bool => if x then false else true))\n",
                                    d2_);
  ASSERT_EQ(partial.verdict, Verdict::NotEquivalent) << describe(partial);
  EXPECT_EQ(partial.counterexample->inputs[0].value, "fun g : Bool -o Bool => {0 ↦ 0} ({true ↦ 0, false ↦ 1} (g false))");
  EXPECT_EQ(partial.counterexample->right, "true");
  d2_.neural = true;
  EXPECT_EQ(check("def left = fun h : (Bool -o Bool) -o Nat => {0 ↦ true, 1 ↦ true, 2 ↦ true} (h (fun x : Bool => x))\n"
                  "def right = fun h : (Bool -o Bool) -o Nat => {0 ↦ true, 1 ↦ true, 2 ↦ true} "
                  "(h (fun x : Bool => if x then false else true))\n",
                  d2_).verdict,
            Verdict::NotEquivalent);
}

// Past the list's cap, a function of a function gives unknown with the cap, not "not supported".
TEST(CheckFunctionsOfFunctions, PastTheCapTheyAreMatricesOrTheReasonIsTheCap) {
  EquivalenceOptions options;
  options.exhaustive_limit = 5;
  const char* pair = "def left = fun g : (Bool -o Bool) -o Bool => g (fun x : Bool => x)\n"
                     "def right = fun g : (Bool -o Bool) -o Bool => g (fun x : Bool => x)\n";
  EquivalenceResult r = check(pair, options);
  EXPECT_EQ(r.verdict, Verdict::Equivalent) << describe(r);
  options.method = EquivalenceOptions::Method::Exhaustive;  // (asked to list only)
  r = check(pair, options);
  EXPECT_EQ(r.verdict, Verdict::Unknown);
  EXPECT_NE(r.reason.find("more than 5 input tuples to list"), std::string::npos) << r.reason;
  EXPECT_EQ(r.reason.find("not supported"), std::string::npos) << r.reason;
}

// `cajal run` on a counterexample (its inputs are source terms) gives the two values it states.
TEST(CheckCounterexample, ReproducesUnderTheInterpreter) {
  std::size_t checked = 0;
  for (const fs::path& file : pairs()) {
    Loaded l = load(slurp(file), file.filename().string());
    ASSERT_TRUE(l.result.ok());
    EquivalenceResult r = check(*l.result, "left", "right");
    if (!r.counterexample) continue;
    std::vector<std::string> args;
    std::vector<std::pair<std::string, std::string>> params;
    for (const auto& in : r.counterexample->inputs)
      if (in.is_param) params.emplace_back(in.name, in.value);
      else args.push_back(in.value);
    std::string values[2];
    for (int side = 0; side < 2; ++side) {
      RunRequest request = request_for(args, params);
      request.entry = side == 0 ? "left" : "right";
      Result<RunResult> run = run_main(*l.result, request);
      // A side without a value: the run stops with the message the counterexample states. A
      // vector (no term) as run prints it.
      values[side] = !run ? "no value: " + run.diagnostics.front().message
                     : run->value_term ? print_term(*run->value_term)
                                       : run->text;
      if (!run) {
        EXPECT_EQ(run.diagnostics.front().code, "eval.table-miss") << file << ": " << render(run.diagnostics);
      }
    }
    EXPECT_EQ(values[0], r.counterexample->left) << file;
    EXPECT_EQ(values[1], r.counterexample->right) << file;
    EXPECT_NE(values[0], values[1]) << file;
    ++checked;
  }
  EXPECT_GE(checked, 7u);
}

TEST(CheckCounterexample, IsTheLeastAndCountsTheOthers) {
  EquivalenceResult xor_or = check(
      "def left = fun x : Bool => fun y : Bool => if x then (if y then false else true) else y\n"
      "def right = fun x : Bool => fun y : Bool => if x then (if y then true else true) else y");
  ASSERT_TRUE(xor_or.counterexample);
  EXPECT_EQ(xor_or.counterexamples, 1u);  // the only one
  EXPECT_TRUE(xor_or.counted_all);
  // false before true: with every input a counterexample, the least is all false / zero.
  EquivalenceResult all = check(
      "def left = fun b : Bool => fun n : Nat => if b then n else n\n"
      "def right = fun b : Bool => fun n : Nat => if b then succ n else succ n");
  ASSERT_TRUE(all.counterexample);
  EXPECT_EQ(all.counterexample->inputs[0].value, "false");
  EXPECT_EQ(all.counterexample->inputs[1].value, "0");
  EXPECT_EQ(all.counterexamples, 20u);
}

TEST(CheckInput, DifferentTypesAreInvalidAndBothAreShown) {
  Loaded l = load("def left = fun x : Bool => x\ndef right = fun n : Nat => n");
  ASSERT_TRUE(l.result.ok());
  Result<EquivalenceResult> r =
      check_equivalence(CheckSide{&*l.result, "left", "a.cj"}, CheckSide{&*l.result, "right", "b.cj"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics.front().message,
            "the two sides have different types: `left` in a.cj is Bool -o Bool, `right` in b.cj is Nat -o Nat");
  ASSERT_EQ(r.diagnostics.front().notes.size(), 1u);
  EXPECT_EQ(r.diagnostics.front().span.line_col(), "1:5");
  EXPECT_EQ(r.diagnostics.front().notes[0].span.line_col(), "2:5");
}

TEST(CheckInput, MissingDefsAndClashingParamsAreInvalid) {
  Loaded l = load("def left = true");
  Result<EquivalenceResult> missing = check_equivalence(CheckSide{&*l.result, "left", "a.cj"}, CheckSide{&*l.result, "nope", "a.cj"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.diagnostics.front().message, "no `def nope` in a.cj");
  Loaded a = load("param p : Bool\ndef main = true"), b = load("param p : Nat\ndef main = true");
  Result<EquivalenceResult> clash = check_equivalence(CheckSide{&*a.result, "main", "a.cj"}, CheckSide{&*b.result, "main", "b.cj"});
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.diagnostics.front().message, "param `p` has type Nat here but Bool on the other side");
}

// A function of a function without a list of values, (Bool ⊸ Bool) ⊸ Bool ⊸ Bool, is a matrix of
// real unknowns (spec/equivalence.md §1, §5); a counterexample is a matrix unit, which the
// interpreter runs (E-AppMatrix; a zero image has no value, as a table past its keys).
TEST(CheckFunctionsOfFunctions, WithoutAListTheyAreMatrices) {
  const char* pair = "def left = fun h : (Bool -o Bool) -o Bool -o Bool => fun b : Bool => h (fun x : Bool => x) b\n"
                     "def right = fun h : (Bool -o Bool) -o Bool -o Bool => fun b : Bool => h (fun y : Bool => y) b";
  EquivalenceResult r = check(pair);
  EXPECT_EQ(r.verdict, Verdict::Equivalent) << describe(r);
  EXPECT_NE(r.method.find("matrices as unknowns"), std::string::npos) << r.method;
  EquivalenceOptions neural;
  neural.neural = true;
  EXPECT_EQ(check(pair, neural).verdict, Verdict::Equivalent);
  const char* negated = "def left = fun h : (Bool -o Bool) -o Bool -o Bool => fun b : Bool => h (fun x : Bool => x) b\n"
                        "def right = fun h : (Bool -o Bool) -o Bool -o Bool => fun b : Bool => h (fun y : Bool => if y then false else true) b";
  r = check(negated);
  ASSERT_EQ(r.verdict, Verdict::NotEquivalent) << describe(r);
  ASSERT_TRUE(r.counterexample);
  EXPECT_EQ(r.counterexample->inputs[0].value, "[0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]");
  EXPECT_EQ(r.counterexample->left, "true");
  EXPECT_EQ(r.counterexample->right.rfind("no value: ", 0), 0u) << r.counterexample->right;
  EXPECT_EQ(check(negated, neural).verdict, Verdict::NotEquivalent);
}

// A listed shape past the list's cap is a matrix too: decided, not unknown.
TEST(CheckFunctionsOfFunctions, PastTheListsCapTheyAreMatrices) {
  const char* pair = "def left = fun h : (Nat -o Nat) -o Nat => h (fun x : Nat => x)\n"
                     "def right = fun h : (Nat -o Nat) -o Nat => h (fun y : Nat => iter { 0 | z => succ z } (y))";
  EquivalenceResult r = check(pair);
  EXPECT_EQ(r.verdict, Verdict::Equivalent) << describe(r);
  const char* wrong = "def left = fun h : (Nat -o Nat) -o Nat => h (fun x : Nat => x)\n"
                      "def right = fun h : (Nat -o Nat) -o Nat => h (fun y : Nat => iter { 1 | z => succ z } (y))";
  r = check(wrong);
  EXPECT_EQ(r.verdict, Verdict::NotEquivalent) << describe(r);
  EquivalenceOptions exhaustive;
  exhaustive.method = EquivalenceOptions::Method::Exhaustive;
  r = check(wrong, exhaustive);
  EXPECT_EQ(r.verdict, Verdict::Unknown);
  EXPECT_NE(r.reason.find("input tuples to list"), std::string::npos) << r.reason;
}

// Real inputs: both sides polynomials in them, compared coefficient by coefficient.
TEST(CheckVectors, RealInputsAreDecidedAsPolynomials) {
  const char* params = "param W : Vec 2 -o Vec 2\nparam B : Vec 2 -o Vec 2 -o Vec 2\nparam t : Bool -o Vec 2\n";
  EXPECT_EQ(check(std::string(params) +
                  "def left = fun b : Bool => fun x : Vec 2 => W (B (t b) x)\n"
                  "def right = fun b : Bool => fun x : Vec 2 => (fun y : Vec 2 => W (B (t b) y)) x")
                .verdict,
            Verdict::Equivalent);
  EquivalenceResult r = check(std::string(params) +
                              "def left = fun b : Bool => fun x : Vec 2 => W (B (t b) x)\n"
                              "def right = fun b : Bool => fun x : Vec 2 => W (B x (t b))");
  ASSERT_EQ(r.verdict, Verdict::NotEquivalent) << describe(r);
  // B is not symmetric for every value: the least counterexample (false first), at a point the
  // interpreter confirms.
  ASSERT_TRUE(r.counterexample);
  EXPECT_EQ(r.counterexample->inputs[0].value, "false");
  EXPECT_EQ(r.counterexample->inputs[1].value.front(), '[');
  EXPECT_NE(r.counterexample->left, r.counterexample->right);
  EquivalenceOptions exhaustive;
  exhaustive.method = EquivalenceOptions::Method::Exhaustive;
  EXPECT_EQ(check(std::string(params) + "def left = fun x : Vec 2 => W x\ndef right = fun y : Vec 2 => W y", exhaustive).verdict,
            Verdict::Unknown);
}

TEST(CheckVectors, InputsLeavingTheDepthAreUnknownNotGuessed) {
  // n = D leaves D on the left only through its count: the symbolic rules stop there, and the
  // interpreter can compare one point, not every real W and x.
  EquivalenceResult r = check("param W : Vec 2 -o Vec 2\n"
                              "def left = fun n : Nat => fun x : Vec 2 => iter { x | h => W h } (succ n)\n"
                              "def right = fun n : Nat => fun x : Vec 2 => W (iter { x | h => W h } (n))");
  EXPECT_EQ(r.verdict, Verdict::Unknown);
  EXPECT_NE(r.reason.find("with real inputs the interpreter compares them at one point each"), std::string::npos) << r.reason;
}

// A Bool computed from reals is soft (spec/denotation.md §8.6); the counterexample's param is
// a matrix unit, whose Bool images are values.
TEST(CheckVectors, ABoolComputedFromRealsIsSoft) {
  EXPECT_EQ(check("param c : Vec 2 -o Bool\ndef left = fun x : Vec 2 => c x\n"
                  "def right = fun y : Vec 2 => if c y then true else false").verdict,
            Verdict::Equivalent);
  EquivalenceResult r = check("param c : Vec 2 -o Bool\ndef left = fun x : Vec 2 => c x\n"
                              "def right = fun y : Vec 2 => if c y then false else true");
  ASSERT_EQ(r.verdict, Verdict::NotEquivalent) << describe(r);
  EXPECT_EQ(r.counterexample->left, "true");
  EXPECT_EQ(r.counterexample->right, "false");
}

TEST(CheckMethods, ExhaustiveRefusesTooManyInputs) {
  EquivalenceOptions options;
  options.method = EquivalenceOptions::Method::Exhaustive;
  options.exhaustive_limit = 50;
  EquivalenceResult r = check("def add = fun m : Nat => fun n : Nat => iter { n | y => succ y } (m)\n"
                              "def left = fun m : Nat => fun n : Nat => add m n\n"
                              "def right = fun m : Nat => fun n : Nat => add n m",
                              options);
  EXPECT_EQ(r.verdict, Verdict::Unknown);
  EXPECT_EQ(r.reason, "more than 50 input tuples to list");
  options.method = EquivalenceOptions::Method::Auto;  // falls back to Z3
  r = check("def add = fun m : Nat => fun n : Nat => iter { n | y => succ y } (m)\n"
            "def left = fun m : Nat => fun n : Nat => add m n\n"
            "def right = fun m : Nat => fun n : Nat => add n m",
            options);
  EXPECT_EQ(r.verdict, Verdict::Equivalent) << describe(r);
  EXPECT_NE(r.method.find("symbolic"), std::string::npos);
  ASSERT_EQ(r.warnings.size(), 1u);  // the 45 pairs with m + n > 9, compared by the interpreter
  EXPECT_NE(r.warnings[0].find("45 inputs need naturals above D = 9 (or a table past its keys) in a run; the "
                               "interpreter compared them exactly"),
            std::string::npos)
      << r.warnings[0];
}

TEST(CheckDepth, TheVerdictCoversTheDepthAsked) {
  // Equal up to 4, different at 5: a depth bound is part of every verdict.
  const char* text =
      "def left = fun n : Nat => iter { true | y => y } (n)\n"
      "def right = fun n : Nat => {0 ↦ true, 1 ↦ true, 2 ↦ true, 3 ↦ true, 4 ↦ true, 5 ↦ false, 6 ↦ true, "
      "7 ↦ true, 8 ↦ true, 9 ↦ true} n";
  EquivalenceOptions d4;
  d4.depth = 4;
  EXPECT_EQ(check(text, d4).verdict, Verdict::Equivalent);
  EquivalenceResult d9 = check(text);
  ASSERT_EQ(d9.verdict, Verdict::NotEquivalent);
  EXPECT_EQ(d9.counterexample->inputs[0].value, "5");
  EXPECT_EQ(d9.depth, 9);
}

TEST(CheckNeural, NumericTensorsAndPolynomials) {
  EquivalenceOptions neural;
  neural.neural = true;
  // Without params: exact tensors; here they agree.
  EXPECT_EQ(check("def left = fun b : Bool => if b then false else true\n"
                  "def right = {true ↦ false, false ↦ true}",
                  neural)
                .verdict,
            Verdict::Equivalent);
  // With a param: polynomial identity, and a counterexample that evaluates both exactly.
  EquivalenceResult r = check("param p : Bool\ndef left = if p then true else true\ndef right = true", neural);
  ASSERT_EQ(r.verdict, Verdict::NotEquivalent) << describe(r);
  ASSERT_TRUE(r.counterexample);
  ASSERT_EQ(r.counterexample->inputs.size(), 1u);
  EXPECT_TRUE(r.counterexample->inputs[0].is_param);
  EXPECT_EQ(r.counterexample->right, "true");  // an encoding: shown as the value
}

}  // namespace
}  // namespace cajal::test
