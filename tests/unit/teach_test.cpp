// Teaching outputs: proof trees (text, LaTeX, HTML), the evaluation trace (one step per rule
// application, named after spec/semantics.md §3), the network's trace, DOT, SVG and heatmaps.
#include <cstdlib>
#include <functional>
#include <set>

#include "cajal/compile/compile.hpp"
#include "cajal/draw/draw.hpp"
#include "cajal/driver/explain.hpp"
#include "cajal/eval/trace.hpp"
#include "cajal/network/engine.hpp"
#include "cajal/syntax/prooftree.hpp"
#include "support.hpp"

namespace cajal {
namespace {

TEST(ProofTree, RendersPremisesUnderTheirConclusion) {
  ProofTree t{"T-App", "x : Bool ⊢ not x : Bool", {{"T-Def", "⊢ not : Bool ⊸ Bool", {}, 0}, {"T-Var", "x : Bool ⊢ x : Bool", {}, 0}}, 0};
  EXPECT_EQ(render_tree(t),
            "T-App  x : Bool ⊢ not x : Bool\n"
            "├─ T-Def  ⊢ not : Bool ⊸ Bool\n"
            "└─ T-Var  x : Bool ⊢ x : Bool\n");
  t.omitted = 3;
  EXPECT_NE(render_tree(t).find("└─ … 3 more steps not shown\n"), std::string::npos) << render_tree(t);
}

TEST(ProofTree, LatexEscapesAndUsesBussproofs) {
  EXPECT_EQ(latex_text("{a_1 & b} % #x ~ ^ \\ $"),
            "\\{a\\_1 \\& b\\} \\% \\#x \\textasciitilde{} \\textasciicircum{} \\textbackslash{} \\$");
  EXPECT_EQ(latex_text("x ↦ true ⊢ f x ⇓ false : Bool ⊸ Bool"),
            "x $\\mapsto$ true $\\vdash$ f x $\\Downarrow$ false : Bool $\\multimap$ Bool");
  ProofTree leaf{"E-True", "⊢ true ⇓ true", {}, 0};
  EXPECT_EQ(render_tree_latex(leaf),
            "\\begin{prooftree}\n\\AxiomC{}\n\\RightLabel{\\scriptsize E-True}\n"
            "\\UnaryInfC{\\texttt{$\\vdash$ true $\\Downarrow$ true}}\n\\end{prooftree}\n");
  // bussproofs draws at most five premises: the sixth and later are one "⋯ (k more)" premise.
  ProofTree wide{"E-IterSucc", "⊢ iter ⇓ 6", std::vector<ProofTree>(7, leaf), 0};
  std::string latex = render_tree_latex(wide);
  EXPECT_NE(latex.find("\\AxiomC{$\\cdots$ (3 more)}"), std::string::npos) << latex;
  EXPECT_NE(latex.find("\\QuinaryInfC"), std::string::npos) << latex;
  EXPECT_EQ(latex.find("\\SenaryInfC"), std::string::npos);
}

TEST(ProofTree, HtmlEscapesAndFolds) {
  EXPECT_EQ(html_escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  ProofTree t{"E-App", "⊢ f <x> ⇓ 1", {{"E-Num", "⊢ 1 ⇓ 1", {}, 0}}, 0};
  std::string html = render_tree_html(t, 1);
  EXPECT_NE(html.find("<details open><summary>"), std::string::npos) << html;
  EXPECT_NE(html.find("⊢ f &lt;x&gt; ⇓ 1"), std::string::npos) << html;
  EXPECT_NE(html.find("<div class=\"leaf\">"), std::string::npos) << html;
  EXPECT_EQ(render_tree_html(t, 0).find(" open"), std::string::npos);
}

// A traced run: its value and the rules its steps name.
struct Traced {
  std::string value;
  Trace trace;
  std::multiset<std::string> rules;
};
Traced traced(const std::string& program, std::vector<std::string> args, std::vector<std::pair<std::string, std::string>> params = {},
              std::uint64_t limit = 100000) {
  Traced out;
  out.trace.limit = limit;
  test::Loaded l = test::load(program);
  EXPECT_TRUE(l.result) << render(l.result.diagnostics);
  RunRequest request = test::request_for(args, params);
  request.eval.trace = &out.trace;
  Result<RunResult> r = run_main(*l.result, request);
  out.value = r ? r->text : "ERROR: " + r.diagnostics.front().message;
  std::function<void(const TraceStep&)> walk = [&](const TraceStep& s) {
    out.rules.insert(s.rule);
    for (const TraceStep& p : s.premises) walk(p);
  };
  for (const TraceStep& s : out.trace.roots) walk(s);
  return out;
}

TEST(EvalTrace, NamesEveryRuleOfTheSemantics) {
  const std::string program =
      "param flip : Bool -o Bool\n"
      "def not = fun b : Bool => if b then false else true\n"
      "def main = fun n : Nat => fun b : Bool =>\n"
      "  let t = {true ↦ 1, false ↦ 2} in\n"
      "  let k = iter { t (flip b) | y => succ y } (n) in\n"
      "  let z = iter { 0 | y => y } (0) in\n"
      "  if not (not true) then iter { k | y => y } (z) else iter { k | y => y } (z)\n";
  Traced t = traced(program, {"2", "false"}, {{"flip", "fun x : Bool => if x then false else true"}});
  EXPECT_EQ(t.value, "3");
  for (const char* rule : {"E-Var", "E-Def", "E-Param", "E-Abs", "E-App", "E-AppTable", "E-True", "E-False", "E-IfTrue",
                           "E-IfFalse", "E-Num", "E-Succ", "E-IterZero", "E-IterSucc", "E-Let", "E-Table"})
    EXPECT_GT(t.rules.count(rule), 0u) << "no " << rule << " step";
  EXPECT_EQ(t.rules.count(""), 0u) << "a step without a rule name";
  // The run is the derivation of `main 2 false`: one root, whose premises start with main's E-Def.
  ASSERT_EQ(t.trace.roots.size(), 1u) << render_trace(t.trace).substr(0, 2000);
  EXPECT_EQ(t.trace.roots[0].term, "main 2 false");
  EXPECT_EQ(t.trace.roots[0].premises.at(0).term, "main 2");
  EXPECT_EQ(t.trace.roots[0].premises.at(0).premises.at(0).rule, "E-Def");
  EXPECT_FALSE(t.trace.truncated);
}

TEST(EvalTrace, ShowsTheEnvironmentOnTheTermsFreeVariables) {
  Traced t = traced("def main = fun x : Bool => fun y : Bool => if x then y else if y then false else true",
                    {"true", "false"});
  const TraceStep& body = t.trace.roots.at(0).premises.back();
  EXPECT_EQ(body.rule, "E-IfTrue");
  std::string line = render_tree(trace_tree(body));
  EXPECT_EQ(line.substr(0, line.find('\n')),
            "E-IfTrue  x ↦ true, y ↦ false ⊢ if x then y else if y then false else true ⇓ false");
}

TEST(EvalTrace, TracingDoesNotChangeTheValue) {
  for (const char* n : {"0", "1", "5", "9"}) {
    const std::string program = "def main = fun n : Nat => iter { 0 | y => succ (succ y) } (n)";
    EXPECT_EQ(traced(program, {n}).value, test::run(program, {n}));
  }
}

TEST(EvalTrace, StopsRecordingAtTheLimitAndCounts) {
  Traced t = traced("def main = fun n : Nat => iter { 0 | y => succ y } (n)", {"50"}, {}, 10);
  EXPECT_EQ(t.value, "50");
  EXPECT_EQ(t.trace.recorded, 10u);
  EXPECT_TRUE(t.trace.truncated);
  EXPECT_EQ(t.rules.size(), 10u);
  EXPECT_NE(render_trace(t.trace).find("raise the limit with --trace-limit"), std::string::npos);
}

TEST(EvalTrace, KeepsTheStepsUpToAnError) {
  Traced t = traced("def main = fun n : Nat => {0 ↦ true, 1 ↦ false} n", {"5"});
  EXPECT_EQ(t.value.rfind("ERROR: the table has no entry for 5", 0), 0u) << t.value;
  ASSERT_EQ(t.trace.roots.size(), 1u);
  EXPECT_EQ(t.trace.roots[0].value, nullptr);  // the application that stopped
  EXPECT_NE(render_trace(t.trace).find("(stopped: error)"), std::string::npos) << render_trace(t.trace);
}

TEST(ValueBrief, PrintsValuesAsTheSpecWritesThem) {
  EXPECT_EQ(value_brief(make_nat(7)), "7");
  EXPECT_EQ(value_brief(make_table(TableValue{Type::arrow(Type::boolean(), Type::nat()), {make_nat(1), make_nat(2)}})),
            "{true ↦ 1, false ↦ 2}");
  EXPECT_EQ(value_brief(make_vec({0.5, 2})), "[0.5, 2]");
  std::string cut = value_brief(make_vec(std::vector<double>(100, 1.0)), 20);
  EXPECT_EQ(cut.substr(cut.size() - 3), "...");
}

TEST(NetworkTrace, RecordsEveryStateOfTheRecurrentNeuron) {
  test::Loaded l = test::load("def not = fun b : Bool => if b then false else true\n"
                              "def main = fun n : Nat => iter { true | y => not y } (n)");
  ASSERT_TRUE(l.result);
  Result<NetworkRunResult> r = run_main_on_network(*l.result, test::request_for({"3"}, {}));
  ASSERT_TRUE(r) << render(r.diagnostics);
  Result<std::vector<NeuronTrace>> t = trace_network(r->network, r->inputs);
  ASSERT_TRUE(t) << render(t.diagnostics);
  const NeuronTrace* iterate = nullptr;
  for (const NeuronTrace& n : *t)
    if (r->network.graphs[0].nodes[static_cast<std::size_t>(n.node)].op == Op::Iterate) iterate = &n;
  ASSERT_NE(iterate, nullptr);
  ASSERT_EQ(iterate->states.size(), 10u);  // h_0 … h_D at D = 9
  EXPECT_EQ(iterate->weights, Eigen::VectorXd::Unit(10, 3));
  for (std::size_t k = 0; k < 10; ++k) EXPECT_EQ(iterate->states[k], Eigen::VectorXd::Unit(2, k % 2)) << k;
  EXPECT_EQ(iterate->value, iterate->states[3]);
  std::string text = show_trace(r->network, *t);
  EXPECT_NE(text.find("3   1          [0, 1]  ← selected"), std::string::npos) << text;
}

TEST(Dot, DrawsNeuronsSubgraphsAndTheRecurrence) {
  test::Loaded l = test::load("def not = fun b : Bool => if b then false else true\n"
                              "def main = fun n : Nat => iter { true | y => not y } (n)");
  ASSERT_TRUE(l.result);
  Result<Network> net = compile_program(*l.result);
  ASSERT_TRUE(net);
  std::string dot = to_dot(*net);
  EXPECT_EQ(dot, to_dot(*net));  // deterministic
  EXPECT_EQ(dot.rfind("digraph cajal {\n", 0), 0u);
  EXPECT_NE(dot.find("subgraph cluster_1 {"), std::string::npos) << dot;
  EXPECT_NE(dot.find("C-Iter"), std::string::npos);
  EXPECT_NE(dot.find("label=\"× D = 9 steps: Σ_k n_k h_k\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("label=\"count n: 10\""), std::string::npos) << dot;
  Result<std::string> svg = dot_to_svg(dot);
  ASSERT_TRUE(svg) << render(svg.diagnostics);
  EXPECT_NE(svg->find("<svg"), std::string::npos);
  EXPECT_NE(svg->find("C&#45;Iter"), std::string::npos) << *svg;  // (Graphviz writes - as &#45;)
}

TEST(Dot, QuotesLabels) {
  test::Loaded l = test::load("def main = fun b : Bool => {true ↦ false, false ↦ true} b");
  ASSERT_TRUE(l.result) << render(l.result.diagnostics);
  Result<Network> net = compile_program(*l.result);
  ASSERT_TRUE(net);
  Result<std::string> svg = dot_to_svg(to_dot(*net));  // Graphviz reads every label back
  EXPECT_TRUE(svg) << render(svg.diagnostics) << to_dot(*net);
}

// A network read from a file may hold any finite constant; printing it (--show, the trace, DOT)
// must not convert one outside long long's range (UB found by the fuzz_network harness).
TEST(Show, PrintsConstantsOfAnySize) {
  Network net;
  net.output_type = Type::boolean();
  Graph g;
  Node c;
  c.op = Op::Const;
  c.dim = 3;
  c.value = Eigen::Vector3d(3.33333e27, -1e300, 2);
  g.nodes.push_back(c);
  g.output = 0;
  net.graphs.push_back(g);
  std::string line = node_line(net.graphs[0], 0);
  EXPECT_NE(line.find(" 2]"), std::string::npos) << line;
  EXPECT_NE(line.find("3333330000000000"), std::string::npos) << line;
  EXPECT_NE(to_dot(net).find("3.333e+27"), std::string::npos);
}

TEST(Draw, RejectsWhatIsNotDot) {
  Result<std::string> svg = dot_to_svg("digraph { a -> }");
  ASSERT_FALSE(svg);
  EXPECT_NE(svg.diagnostics.front().message.find("Graphviz could not draw the graph"), std::string::npos);
  EXPECT_TRUE(dot_to_svg("digraph { a -> b }"));  // and works again after an error
}

TEST(Draw, SaysWhenGraphvizIsMissing) {
  const char* path = std::getenv("PATH");
  const std::string saved = path ? path : "";
  ::setenv("PATH", "/nonexistent", 1);
  Result<std::string> svg = dot_to_svg("digraph { a -> b }");
  ::setenv("PATH", saved.c_str(), 1);
  ASSERT_FALSE(svg);
  EXPECT_NE(svg.diagnostics.front().message.find("Graphviz's `dot` is not installed"), std::string::npos)
      << svg.diagnostics.front().message;
}

TEST(Draw, HeatmapHasACellPerEntryAndSaysWhenCut) {
  Eigen::MatrixXd m(2, 3);
  m << 1, 0, -1, 0.5, 0, 0;
  std::string svg = heatmap_svg(m, {"true", "false"}, {"0", "1", "2"}, "caption <x>");
  std::size_t cells = 0;
  for (std::size_t at = svg.find("<rect "); at != std::string::npos; at = svg.find("<rect ", at + 1)) ++cells;
  EXPECT_EQ(cells, 6u);
  EXPECT_NE(svg.find("fill=\"#dc2626\""), std::string::npos) << svg;  // +1: red
  EXPECT_NE(svg.find("fill=\"#2563eb\""), std::string::npos) << svg;  // -1: blue
  EXPECT_NE(svg.find("<title>false, 0: 0.5</title>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("caption &lt;x&gt;"), std::string::npos);
  std::string cut = heatmap_svg(Eigen::MatrixXd::Ones(100, 3), {}, {}, "big", 64);
  EXPECT_NE(cut.find("(the leading 64×3 block of 100×3)"), std::string::npos);
}

TEST(Explain, BasisLabels) {
  EXPECT_EQ(basis_labels(*Type::boolean(), 9), (std::vector<std::string>{"true", "false"}));
  EXPECT_EQ(basis_labels(*Type::nat(), 2), (std::vector<std::string>{"0", "1", "2"}));
}

}  // namespace
}  // namespace cajal
