// Table literals {k ↦ v, ...} through every stage: T-Table, E-Table / E-AppTable, C-Table, the
// symbolic rule of `prove`, and the printer.
#include <Eigen/Dense>

#include "cajal/compile/compile.hpp"
#include "cajal/network/engine.hpp"
#include "cajal/prove/prove.hpp"
#include "support.hpp"

namespace cajal::test {
namespace {

const char* kNotTable = "def not = {true ↦ false, false ↦ true}\n";

TEST(TTable, TypeFromKeysAndEntries) {
  EXPECT_EQ(main_type("def main = {true ↦ false, false ↦ true}"), "Bool -o Bool");
  EXPECT_EQ(main_type("def main = {0 ↦ true}"), "Nat -o Bool");
  EXPECT_EQ(main_type("def main = {1 ↦ 5, 0 ↦ 4}"), "Nat -o Nat");  // keys in any order
  EXPECT_EQ(main_type("def main = {false |-> {0 ↦ 1}, true |-> {0 ↦ 0}}"), "Bool -o Nat -o Nat");  // ASCII arrow
}

TEST(TTable, RejectsMalformedTables) {
  EXPECT_EQ(first_error("def main = {0 ↦ true, 2 ↦ false}"),
            "the table has no entry for 1; a table on Nat lists every key from 0 to its largest");
  EXPECT_EQ(first_error("def main = {true ↦ 0}"), "the table has no entry for false");
  EXPECT_EQ(first_error("def main = {0 ↦ true, 0 ↦ false}"), "the table has two entries for 0");
  EXPECT_EQ(first_error("def main = {0 ↦ true, false ↦ false}"),
            "table keys must all have one type: this key is Bool, the first is Nat");
  EXPECT_EQ(first_error("def main = {0 ↦ true, 1 ↦ 3}"),
            "table entries must all have one type: this entry is Nat, the first is Bool");
  EXPECT_EQ(first_error("def main = {0 ↦ (fun x : Bool => x) true}"),
            "a table entry must be a value: `true`, `false`, a numeral or a table");
  EXPECT_EQ(first_error("def main = fun x : Bool => {x ↦ true}"), "a table key must be `true`, `false` or a numeral");
  EXPECT_EQ(first_error("def main = {}"), "expected table entry, found `}`");
  EXPECT_EQ(first_error("def main = {true -> false}"), "expected `↦`, found `-`");
}

TEST(ETable, ApplyingATableLooksUpItsEntry) {
  EXPECT_EQ(run(std::string(kNotTable) + "def main = fun b : Bool => not b", {"true"}), "false");
  EXPECT_EQ(run(std::string(kNotTable) + "def main = fun b : Bool => not b", {"false"}), "true");
  EXPECT_EQ(run("def main = fun n : Nat => {0 ↦ 7, 1 ↦ 8, 2 ↦ 9} n", {"2"}), "9");
  EXPECT_EQ(run("def main = {0 ↦ {true ↦ 1, false ↦ 2}} 0 false"), "2");
}

TEST(ETable, TablesAreValuesAndArguments) {
  EXPECT_EQ(run("def main = {1 ↦ true, 0 ↦ false}"), "{0 ↦ false, 1 ↦ true}");  // printed in key order
  EXPECT_EQ(run("def main = fun f : Nat -o Bool => f 1", {"{0 ↦ false, 1 ↦ true}"}), "true");
  EXPECT_EQ(run("def main = fun f : Bool -o Bool => f", {"{true ↦ true, false ↦ true}"}), "{true ↦ true, false ↦ true}");
  EXPECT_EQ(run("param p : Nat -o Nat\ndef main = p 1", {}, {{"p", "{0 ↦ 3, 1 ↦ 4}"}}), "4");
}

TEST(EAppTable, NoEntryPastTheLargestKey) {
  Loaded l = load("def main = fun n : Nat => {0 ↦ true, 1 ↦ false} n");
  ASSERT_TRUE(l.result.ok());
  Result<RunResult> r = run_main(*l.result, request_for({"2"}, {}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics.front().message, "the table has no entry for 2 (its keys are 0 to 1)");
  EXPECT_EQ(r.diagnostics.front().code, "eval.table-miss");  // callers (check, the oracle) act on it
}

Eigen::VectorXd tensor(const std::string& text, int depth) {
  Loaded l = load(text);
  EXPECT_TRUE(l.result.ok()) << render(l.result.diagnostics);
  RunRequest none;
  none.depth = depth;
  Result<Materialized> m = materialize_main(*l.result, none);
  EXPECT_TRUE(m.ok()) << render(m.diagnostics);
  return m ? m->tensor : Eigen::VectorXd();
}

TEST(CTable, ItsMatrixHasTheEncodedEntriesAsColumns) {
  Eigen::VectorXd not_matrix(4);
  not_matrix << 0, 1, 1, 0;  // rows: true, false; columns: true, false
  EXPECT_EQ(tensor("def main = {true ↦ false, false ↦ true}", 9), not_matrix);
  // A table on Nat with keys 0..1 at D = 2: the column for 2 is zero (no entry there).
  Eigen::VectorXd partial(6);
  partial << 1, 0, 0,  //
      0, 1, 0;
  EXPECT_EQ(tensor("def main = {0 ↦ true, 1 ↦ false}", 2), partial);
  // Keys past D have no column at all.
  Eigen::VectorXd cut(2);
  cut << 0, 1;
  EXPECT_EQ(tensor("def main = {0 ↦ false, 1 ↦ true, 2 ↦ true}", 0), cut);
}

TEST(CTable, EntriesAboveTheDepthAreRejected) {
  Loaded l = load("def main = {true ↦ 5, false ↦ 0}");
  CompileOptions options;
  options.depth = 3;
  Result<Network> net = compile_program(*l.result, options);
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.diagnostics.front().message, "the numeral 5 exceeds the depth D = 3; compile with --depth 5 or more");
}

TEST(CTable, NetworkAgreesWithTheInterpreter) {
  const std::string program = std::string(kNotTable) +
                              "def main = fun n : Nat => fun f : Nat -o Bool => fun m : Nat => iter { f n | y => not y } (m)";
  Loaded l = load(program);
  ASSERT_TRUE(l.result.ok()) << render(l.result.diagnostics);
  for (int n = 0; n <= 3; ++n)
    for (const char* f : {"{0 ↦ true, 1 ↦ false, 2 ↦ false, 3 ↦ true}", "{0 ↦ false, 1 ↦ false, 2 ↦ true, 3 ↦ true}"}) {
      RunRequest request = request_for({std::to_string(n), f, std::to_string(3 - n)}, {}, 3);
      Result<RunResult> ref = run_main(*l.result, request);
      Result<NetworkRunResult> net = run_main_on_network(*l.result, request);
      ASSERT_TRUE(ref.ok() && net.ok()) << render(ref.diagnostics) << render(net.diagnostics);
      EXPECT_EQ(print_term(*ref->value_term), *net->value) << n << " " << f;
    }
}

TEST(CTable, ProvedAndItsMissingEntriesAreOutsideTheClaim) {
  Loaded l = load("def main = fun n : Nat => {0 ↦ true, 1 ↦ false, 2 ↦ true} n");
  ProveOptions options;
  options.depth = 4;
  Result<ProveResult> r = prove_program(*l.result, options);
  ASSERT_TRUE(r.ok()) << render(r.diagnostics);
  EXPECT_EQ(r->verdict, ProveResult::Verdict::Proved) << r->reason;
  ASSERT_EQ(r->warnings.size(), 1u);  // n = 3, 4 apply the table past its keys
  EXPECT_NE(r->warnings[0].find("2 inputs need naturals above D"), std::string::npos) << r->warnings[0];
}

TEST(PrintTable, RoundTripsAndTruncatesOnCharacterBoundaries) {
  Loaded l = load("def main = {true ↦ {0 ↦ 1, 1 ↦ 0}, false ↦ {0 ↦ 0, 1 ↦ 0}}");
  ASSERT_TRUE(l.result.ok());
  const Term& t = *l.result->program.find_def("main")->body;
  EXPECT_EQ(print_term(t), "{true ↦ {0 ↦ 1, 1 ↦ 0}, false ↦ {0 ↦ 0, 1 ↦ 0}}");
  // A brief rendering cut inside the 3-byte `↦` must not split it (network labels are JSON).
  for (std::size_t n = 4; n < 30; ++n) {
    std::string brief = print_term_brief(t, n);
    EXPECT_FALSE(find_utf8_problem(brief).has_value()) << n << ": " << brief;
  }
}

}  // namespace
}  // namespace cajal::test
