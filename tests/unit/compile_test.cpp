// The compiler, rule by rule (spec/denotation.md), and the engine that runs what it emits.
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "cajal/compile/compile.hpp"
#include "cajal/network/encode.hpp"
#include "cajal/network/engine.hpp"
#include "support.hpp"

namespace cajal::test {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

struct Compiled {
  Loaded loaded;
  Network net;
};

Compiled compiled(const std::string& text, int depth = 9, std::optional<std::size_t> inputs = std::nullopt) {
  Loaded l = load(text);
  EXPECT_TRUE(l.result.ok()) << render(l.result.diagnostics);
  CompileOptions options;
  options.depth = depth;
  options.inputs = inputs;
  Result<Network> net = compile_program(*l.result, options);
  EXPECT_TRUE(net.ok()) << render(net.diagnostics);
  return {std::move(l), net ? std::move(*net) : Network{}};
}

// main's materialized tensor (no inputs), with params given as vectors.
VectorXd tensor(const std::string& text, int depth = 9, std::map<std::string, VectorXd> params = {}) {
  Compiled c = compiled(text, depth, 0);
  Result<NetworkRun> r = run_network(c.net, NetworkArgs{{}, std::move(params)});
  EXPECT_TRUE(r.ok()) << render(r.diagnostics);
  return r ? VectorXd(r->output.col(0)) : VectorXd();
}

VectorXd vec(std::initializer_list<double> xs) {
  VectorXd v(static_cast<Eigen::Index>(xs.size()));
  Eigen::Index i = 0;
  for (double x : xs) v(i++) = x;
  return v;
}

std::size_t count_ops(const Network& net, Op op) {
  std::size_t n = 0;
  for (const Graph& g : net.graphs)
    for (const Node& node : g.nodes) n += node.op == op;
  return n;
}

TEST(CTrueFalse, OneHotBooleans) {
  EXPECT_EQ(tensor("def main = true"), vec({1, 0}));
  EXPECT_EQ(tensor("def main = false"), vec({0, 1}));
}

TEST(CZeroNum, BasisVectors) {
  EXPECT_EQ(tensor("def main = 0", 3), vec({1, 0, 0, 0}));
  EXPECT_EQ(tensor("def main = 2", 3), vec({0, 0, 1, 0}));
}

TEST(CZeroNum, NumeralsAboveTheDepthAreRejected) {
  Loaded l = load("def main = 12");
  CompileOptions options;
  Result<Network> net = compile_program(*l.result, options);
  ASSERT_FALSE(net.ok());
  EXPECT_EQ(net.diagnostics.front().message, "the numeral 12 exceeds the depth D = 9; compile with --depth 12 or more");
}

TEST(CSucc, ShiftsAndLosesTheTopComponent) {
  // A 4×4 shift matrix at D = 3: column j is e_{j+1}, and column 3 (succ 3) is lost.
  EXPECT_EQ(tensor("def main = fun n : Nat => succ n", 3),
            vec({0, 0, 0, 0,  //
                 1, 0, 0, 0,  //
                 0, 1, 0, 0,  //
                 0, 0, 1, 0}));
}

TEST(CIf, MixesTheBranches) {
  EXPECT_EQ(tensor("def main = fun b : Bool => if b then false else true"), vec({0, 1, 1, 0}));
}

TEST(CAbs, ColumnJIsTheBodyAtBasisVectorJ) {
  EXPECT_EQ(tensor("def main = fun b : Bool => b"), vec({1, 0, 0, 1}));
  // Curried: Bool -o Bool -o Bool is a 4 × 2 matrix whose column j is the matrix of `and j`.
  EXPECT_EQ(tensor("def main = fun a : Bool => fun b : Bool => if a then b else if b then false else false"),
            vec({1, 0,  //
                 0, 0,  //
                 0, 1,  //
                 1, 1}));
}

TEST(CApp, BetaNeedsNoMatrix) {
  Compiled c = compiled("def main = fun b : Bool => (fun x : Bool => if x then false else true) b");
  EXPECT_EQ(count_ops(c.net, Op::Abstract), 0u);
  EXPECT_EQ(count_ops(c.net, Op::Apply), 0u);
}

TEST(CApp, MatrixVectorProductWithReshape) {
  // param f : Bool -o Bool -o Bool is a 4 × 2 matrix; f a is a 4-vector, reshaped to 2 × 2.
  const char* p = "param f : Bool -o Bool -o Bool\ndef main = fun a : Bool => fun b : Bool => f a b";
  Compiled c = compiled(p);
  EXPECT_EQ(count_ops(c.net, Op::Apply), 2u);
  VectorXd xor_table = vec({0, 1, 1, 0, 1, 0, 0, 1});  // column a: the matrix of xor a
  for (auto [a, b, want] : {std::tuple{0, 0, 1}, {0, 1, 0}, {1, 0, 0}, {1, 1, 1}}) {
    MatrixXd va = MatrixXd::Zero(2, 1), vb = MatrixXd::Zero(2, 1);
    va(a, 0) = 1;
    vb(b, 0) = 1;
    Result<NetworkRun> r = run_network(c.net, NetworkArgs{{va, vb}, {{"f", xor_table}}});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->output(want, 0), 1.0) << a << b;  // xor: true (row 0) when a != b
  }
}

TEST(CIter, RecurrentNeuronReadOutByTheCount) {
  const char* even = "def main = fun n : Nat => iter { true | y => if y then false else true } (n)";
  EXPECT_EQ(tensor(even, 4), vec({1, 0, 1, 0, 1,  //
                                  0, 1, 0, 1, 0}));
  // A soft count mixes the iterates: 0.25·(0 steps) + 0.75·(1 step).
  Compiled c = compiled(even, 4);
  MatrixXd n = MatrixXd::Zero(5, 1);
  n(0, 0) = 0.25;
  n(1, 0) = 0.75;
  Result<NetworkRun> r = run_network(c.net, NetworkArgs{{n}, {}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(VectorXd(r->output.col(0)), vec({0.25, 0.75}));
}

TEST(CIter, FunctionTypedStateStaysPolynomial) {
  // The step uses its function-typed state in both branches of an `if`: a lazy-closure compiler
  // does 2^D work here; ours has a fixed number of neurons at every depth.
  const char* p =
      "param flip : Bool\n"
      "def main = fun n : Nat => iter { fun x : Bool => x | g => if flip then fun x : Bool => g x else "
      "fun x : Bool => if g x then false else true } (n)";
  std::size_t at9 = compiled(p, 9).net.node_count();
  std::size_t at30 = compiled(p, 30).net.node_count();
  EXPECT_EQ(at9, at30);
  EXPECT_LT(at9, 30u);
  Loaded l = load(p);
  RunRequest request;
  request.depth = 30;
  request.args.push_back(std::make_shared<const Source>("<arg 1>", "30"));
  request.params.emplace_back("flip", std::make_shared<const Source>("<param flip>", "false"));
  Result<NetworkRunResult> r = run_main_on_network(*l.result, request);
  ASSERT_TRUE(r.ok()) << render(r.diagnostics);
  EXPECT_EQ(*r->value, "{true ↦ true, false ↦ false}");  // 30 negations
}

TEST(CLet, BindsWithoutCopying) {
  EXPECT_EQ(tensor("def main = fun n : Nat => let m = succ n in succ m", 3),
            vec({0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0}));
}

TEST(CDef, CompiledOnceAndShared) {
  Compiled c = compiled(
      "def not = fun b : Bool => if b then false else true\n"
      "def main = fun x : Bool => fun y : Bool => if not x then not y else y");
  EXPECT_EQ(count_ops(c.net, Op::Abstract), 1u);  // `not`, materialized once
  EXPECT_EQ(count_ops(c.net, Op::Apply), 2u);
}

TEST(CParam, UsedManyTimesInsideTheStep) {
  const char* p = "param s : Bool -o Bool\ndef main = fun n : Nat => iter { true | y => s (s y) } (n)";
  VectorXd not_matrix = vec({0, 1, 1, 0});
  EXPECT_EQ(tensor(p, 3, {{"s", not_matrix}}), vec({1, 1, 1, 1, 0, 0, 0, 0}));
}

TEST(Engine, BatchesAreColumns) {
  Compiled c = compiled("def main = fun b : Bool => if b then false else true");
  MatrixXd batch(2, 3);
  batch << 1, 0, 0.5,  //
      0, 1, 0.5;
  Result<NetworkRun> r = run_network(c.net, NetworkArgs{{batch}, {}});
  ASSERT_TRUE(r.ok());
  MatrixXd want(2, 3);
  want << 0, 1, 0.5,  //
      1, 0, 0.5;
  EXPECT_EQ(r->output, want);
}

// A param's matrix applied to a batch: the small products (up to 256 multiplications) are summed
// four rows and four columns at a time, with the rows and columns left over after that. Whatever
// the kernels (the engine.kernels_* CTests run this under each), they are products: exact on
// small integers, and within rounding of Eigen's on reals.
TEST(Engine, SmallProductsAreProducts) {
  for (int depth : {2, 6, 9}) {  // F is 3 × 3, 7 × 7, 10 × 10
    Compiled c = compiled("param F : Nat -o Nat\ndef main = fun x : Nat => F x", depth);
    const Eigen::Index d = depth + 1;
    std::mt19937 random(static_cast<unsigned>(depth));
    std::uniform_int_distribution<int> small_integer(-4, 4);
    MatrixXd f(d, d), x(d, 2);  // (a batch of two: 2 d² ≤ 256 multiplications)
    for (Eigen::Index k = 0; k < f.size(); ++k) f(k) = small_integer(random);
    for (Eigen::Index k = 0; k < x.size(); ++k) x(k) = small_integer(random);
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = f;
    VectorXd stored = Eigen::Map<const VectorXd>(rows.data(), rows.size());  // row-major, as params are
    Result<NetworkRun> exact = run_network(c.net, NetworkArgs{{x}, {{"F", stored}}});
    ASSERT_TRUE(exact.ok()) << render(exact.diagnostics);
    EXPECT_EQ(exact->output, f * x) << "D = " << depth;

    MatrixXd soft_f = MatrixXd::Random(d, d), soft_x = MatrixXd::Random(d, 2);
    rows = soft_f;
    stored = Eigen::Map<const VectorXd>(rows.data(), rows.size());
    Result<NetworkRun> soft = run_network(c.net, NetworkArgs{{soft_x}, {{"F", stored}}});
    ASSERT_TRUE(soft.ok()) << render(soft.diagnostics);
    EXPECT_LE((soft->output - soft_f * soft_x).cwiseAbs().maxCoeff(), 1e-14 * static_cast<double>(d)) << "D = " << depth;
  }
}

TEST(Engine, RejectsArgumentsThatDoNotFit) {
  Compiled c = compiled("def main = fun b : Bool => b");
  EXPECT_EQ(run_network(c.net, NetworkArgs{{MatrixXd::Zero(3, 1)}, {}}).diagnostics.front().message,
            "input b needs 2 rows, got 3");
  EXPECT_EQ(run_network(c.net, NetworkArgs{{}, {}}).diagnostics.front().message, "the network takes 1 input, got 0");
}

TEST(Gradient, NotByHand) {
  // For not x at x = (1, 2), the gradient of the summed output is (1, 1).
  Compiled c = compiled("def main = fun x : Bool => if x then false else true");
  MatrixXd x(2, 1);
  x << 1, 2;
  Result<NetworkGradients> g = gradient(c.net, NetworkArgs{{x}, {}}, MatrixXd::Ones(2, 1));
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->inputs[0], MatrixXd::Ones(2, 1));
}

// Central finite differences of Σ output ⊙ cotangent against reverse mode, on random real inputs.
void expect_gradient_matches(const std::string& program, int depth, std::map<std::string, VectorXd> params,
                             unsigned seed) {
  Compiled c = compiled(program, depth);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  NetworkArgs args;
  for (const NetworkInput& in : c.net.inputs) {
    MatrixXd m(static_cast<Eigen::Index>(dimension(*in.type, depth)), 3);
    for (Eigen::Index k = 0; k < m.size(); ++k) m.data()[k] = u(rng);
    args.inputs.push_back(m);
  }
  for (auto& [name, v] : params)
    for (Eigen::Index k = 0; k < v.size(); ++k) v(k) += 0.1 * u(rng);
  args.params = params;
  Result<NetworkRun> base = run_network(c.net, args);
  ASSERT_TRUE(base.ok());
  MatrixXd cot(base->output.rows(), base->output.cols());
  for (Eigen::Index k = 0; k < cot.size(); ++k) cot.data()[k] = u(rng);
  Result<NetworkGradients> g = gradient(c.net, args, cot);
  ASSERT_TRUE(g.ok());
  auto loss = [&](const NetworkArgs& a) { return run_network(c.net, a)->output.cwiseProduct(cot).sum(); };
  const double h = 1e-6;
  for (std::size_t i = 0; i < args.inputs.size(); ++i)
    for (Eigen::Index k = 0; k < args.inputs[i].size(); ++k) {
      NetworkArgs plus = args, minus = args;
      plus.inputs[i].data()[k] += h;
      minus.inputs[i].data()[k] -= h;
      double fd = (loss(plus) - loss(minus)) / (2 * h);
      EXPECT_NEAR(g->inputs[i].data()[k], fd, 1e-6 * (1 + std::abs(fd))) << program << " input " << i << "[" << k << "]";
    }
  for (auto& [name, v] : args.params)
    for (Eigen::Index k = 0; k < v.size(); ++k) {
      NetworkArgs plus = args, minus = args;
      plus.params[name](k) += h;
      minus.params[name](k) -= h;
      double fd = (loss(plus) - loss(minus)) / (2 * h);
      EXPECT_NEAR(g->params.at(name)(k), fd, 1e-6 * (1 + std::abs(fd))) << program << " param " << name << "[" << k << "]";
    }
}

TEST(Gradient, MatchesFiniteDifferences) {
  expect_gradient_matches("def main = fun x : Bool => fun y : Bool => if x then y else if y then false else true", 9, {}, 1);
  expect_gradient_matches("def main = fun n : Nat => fun b : Bool => iter { b | y => if y then false else true } (n)", 5,
                          {}, 2);
  expect_gradient_matches("def main = fun n : Nat => fun m : Nat => iter { m | y => succ y } (n)", 4, {}, 3);
  expect_gradient_matches("param s : Bool -o Bool\ndef main = fun n : Nat => iter { true | y => s (s y) } (n)", 4,
                          {{"s", vec({0, 1, 1, 0})}}, 4);
  expect_gradient_matches(
      "param f : Bool -o Bool\n"
      "def main = fun n : Nat => iter { fun x : Bool => x | g => fun x : Bool => f (g x) } (n)",
      3, {{"f", vec({0.2, 0.7, 0.9, 0.1})}}, 5);
}

TEST(Gradient, ThroughMaterializedFunctionsAndCapturedInputs) {
  expect_gradient_matches(
      "def main = fun f : Bool -o Bool => fun c : Bool => fun n : Nat => "
      "(iter { fun x : Bool => x | g => fun x : Bool => g x } (n)) (if c then f true else f false)",
      3, {}, 6);
  expect_gradient_matches(
      "param w : Nat -o Bool\n"
      "def main = fun a : Bool => fun n : Nat => (if a then fun m : Nat => w (succ m) else fun m : Nat => w m) n",
      3, {{"w", VectorXd::Constant(8, 0.5)}}, 7);
}

TEST(Serialization, NetworksReadBackRunIdentically) {
  Compiled c = compiled("param s : Bool -o Bool\ndef main = fun n : Nat => fun f : Bool -o Bool => "
                        "iter { fun x : Bool => f x | g => fun x : Bool => s (g x) } (n)",
                        4);
  std::string text = to_json(c.net);
  Result<Network> back = network_from_json(text);
  ASSERT_TRUE(back.ok()) << render(back.diagnostics);
  EXPECT_EQ(to_json(*back), text);
  NetworkArgs args{{MatrixXd::Random(5, 4), MatrixXd::Random(4, 4)}, {{"s", VectorXd::Random(4)}}};
  EXPECT_EQ(run_network(c.net, args)->output, run_network(*back, args)->output);
}

TEST(Serialization, BrokenNetworksAreRejected) {
  Compiled c = compiled("def main = fun b : Bool => if b then false else true");
  std::string text = to_json(c.net);
  EXPECT_FALSE(network_from_json("{").ok());
  EXPECT_FALSE(network_from_json("[]").ok());
  std::string bad = text;
  bad.replace(bad.find("\"mix\""), 5, "\"mux\"");
  EXPECT_NE(network_from_json(bad).diagnostics.front().message.find("unknown neuron kind `mux`"), std::string::npos);
  std::string wrong_dim = text;
  wrong_dim.replace(wrong_dim.rfind("\"dim\": 2"), 8, "\"dim\": 3");
  EXPECT_FALSE(network_from_json(wrong_dim).ok());
}

// The structure is checked before any index is followed (network validate: structure, then
// dimensions). Each of these crashed or slipped through when one pass did both.
TEST(Serialization, ForgedStructureIsRejectedBeforeItIsFollowed) {
  Compiled c = compiled("def not = fun b : Bool => if b then false else true\n"
                        "def main = fun n : Nat => iter { true | y => not y } (n)");
  nlohmann::json j = nlohmann::json::parse(to_json(c.net));
  auto rejected = [](const nlohmann::json& forged, const std::string& why) {
    Result<Network> r = network_from_json(forged.dump());
    ASSERT_FALSE(r.ok()) << forged.dump();
    EXPECT_NE(r.diagnostics.front().message.find(why), std::string::npos) << r.diagnostics.front().message;
  };
  nlohmann::json forged = j;  // a subgraph that does not exist
  for (auto& n : forged["graphs"][0]["nodes"])
    if (n["op"] == "iterate") n["sub"] = 99;
  rejected(forged, "subgraph out of range");
  nlohmann::json later = j;  // a subgraph whose input index is out of range, read by its parent
  later["graphs"][1]["inputs"] = nlohmann::json::array({999});
  rejected(later, "graph 1: an input is not an input neuron");
  nlohmann::json unlisted = j;  // an input neuron missing from its graph's input list
  unlisted["graphs"][0]["inputs"] = nlohmann::json::array();
  unlisted["inputs"] = nlohmann::json::array();
  rejected(unlisted, "not among the graph's inputs");
  nlohmann::json twice = j;  // one input listed twice
  twice["graphs"][0]["inputs"].push_back(twice["graphs"][0]["inputs"][0]);
  rejected(twice, "listed twice");
}

TEST(Overflow, TheNetworkSaysWhichDepthWouldDo) {
  Loaded l = load("def main = fun n : Nat => succ n");
  RunRequest request;
  request.args.push_back(std::make_shared<const Source>("<arg 1>", "9"));
  Result<NetworkRunResult> r = run_main_on_network(*l.result, request);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics.front().message,
            "the network lost mass past the depth D = 9 (a natural exceeded 9), so its output is not the program's "
            "value; the interpreter meets naturals up to 10 on these inputs: rerun with --depth 10");
  request.depth = 10;
  EXPECT_EQ(*run_main_on_network(*l.result, request)->value, "10");
}

TEST(Overflow, UntakenBranchesMayOverflowHarmlessly) {
  Loaded l = load("def main = fun c : Bool => fun n : Nat => if c then n else succ n");
  RunRequest request;
  request.args = {std::make_shared<const Source>("<arg 1>", "true"), std::make_shared<const Source>("<arg 2>", "9")};
  Result<NetworkRunResult> r = run_main_on_network(*l.result, request);
  ASSERT_TRUE(r.ok()) << render(r.diagnostics);
  EXPECT_EQ(*r->value, "9");
}

TEST(Encode, FunctionsByTheirTables) {
  Loaded l = load("def main = true");
  Evaluator ev(l.result->program, {});
  auto source = std::make_shared<const Source>("t", "fun b : Bool => if b then false else true");
  TypeTable types;
  TermPtr t = *parse_term(source);
  ASSERT_TRUE(check_closed_term(*t, Globals{}, types).ok());
  ValuePtr v = *ev.eval(*t);
  TypePtr bb = Type::arrow(Type::boolean(), Type::boolean());
  VectorXd x = *encode_value(v, *bb, 9, ev);
  EXPECT_EQ(x, vec({0, 1, 1, 0}));
  EXPECT_EQ(*decode(x, *bb, 9), "{true ↦ false, false ↦ true}");
  EXPECT_FALSE(decode(vec({0.5, 0.5}), *Type::boolean(), 9));
}

// A Tabulation encodes as encode_value does at every depth and counts the naturals a new
// Evaluator would count there, but makes each application once: after D = 1 and 3, the table at
// D = 9 costs only what it alone costs.
TEST(Encode, ATabulationMakesEachApplicationOnceForAllDepths) {
  Loaded l = load("def main = fun x : Nat => fun y : Nat => iter { y | s => succ s } (x)");
  TypePtr nnn = Type::arrow(Type::nat(), Type::arrow(Type::nat(), Type::nat()));
  Evaluator shared(l.result->program, {});
  Tabulation tables(shared);
  ValuePtr add = *shared.def_value("main");
  std::uint64_t steps_alone_at_9 = 0;
  for (int depth : {1, 3, 9}) {
    Evaluator alone(l.result->program, {});
    Result<VectorXd> want = encode_value(*alone.def_value("main"), *nnn, depth, alone);
    ASSERT_TRUE(want.ok()) << render(want.diagnostics);
    Result<VectorXd> got = tables.encode(add, *nnn, depth);
    ASSERT_TRUE(got.ok()) << render(got.diagnostics);
    EXPECT_EQ(*got, *want) << "at depth " << depth;
    EXPECT_EQ(tables.largest_natural(), alone.max_natural()) << "at depth " << depth;
    EXPECT_EQ(tables.largest_natural(), static_cast<std::uint64_t>(2 * depth));
    steps_alone_at_9 = alone.steps();
  }
  EXPECT_EQ(shared.steps(), steps_alone_at_9);
}

// A column whose natural is above D is zero, as in the matrix C-Abs materializes from the same
// term; with Columns::Exact (training data) it is an error instead.
TEST(Encode, AColumnAboveTheDepthIsZeroAsInTheCompiledMatrix) {
  Loaded l = load("def main = fun x : Nat => succ x");
  Evaluator ev(l.result->program, {});
  ValuePtr succ = *ev.def_value("main");
  TypePtr nn = Type::arrow(Type::nat(), Type::nat());
  VectorXd x = *encode_value(succ, *nn, 3, ev);
  EXPECT_EQ(x, vec({0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0}));
  CompileOptions options;
  options.depth = 3;
  options.inputs = 0;  // main's value, the function, as the output
  Result<Network> net = compile_program(*l.result, options);
  ASSERT_TRUE(net.ok()) << render(net.diagnostics);
  Result<NetworkRun> run = run_network(*net, NetworkArgs{});
  ASSERT_TRUE(run.ok()) << render(run.diagnostics);
  EXPECT_EQ(VectorXd(run->output.col(0)), x);
  Result<VectorXd> exact = encode_value(succ, *nn, 3, ev, Columns::Exact);
  ASSERT_FALSE(exact.ok());
  EXPECT_NE(exact.diagnostics.front().message.find("the natural 4 exceeds the depth D = 3"), std::string::npos);
}

}  // namespace
}  // namespace cajal::test

namespace cajal::test {
namespace {

// Regression tests for problems found in review.

TEST(CIf, ClosuresUsedByBothBranchesAreCompiledOnce) {
  // Nesting n levels of a function used in both branches once doubled the network per level.
  auto size = [](int n) {
    std::string t = "fun x : Bool => x";
    for (int k = 0; k < n; ++k)
      t = "(fun f : Bool -o Bool => fun x : Bool => if x then f true else f false) (" + t + ")";
    return compiled("def main = " + t).net.node_count();
  };
  EXPECT_EQ(size(8) - size(4), size(12) - size(8));  // linear growth
  EXPECT_LT(size(12), 100u);
  EXPECT_EQ(tensor("def main = (fun f : Bool -o Bool => fun x : Bool => if x then f true else f false) "
                   "(fun y : Bool => if y then false else true)"),
            vec({0, 1, 1, 0}));
}

TEST(Overflow, NoFalseAlarmForFunctionsOfFunctions) {
  // A function whose argument is a function: its table's columns are matrix units, not encodings.
  Loaded l = load("def main = fun f : Bool -o Bool => fun x : Bool => f x");
  Result<Materialized> m = materialize_main(*l.result, RunRequest{});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->mass_lost, 0.0);
  Result<NetworkRunResult> r = run_main_on_network(*l.result, request_for({"fun b : Bool => b"}, {}));
  ASSERT_TRUE(r.ok()) << render(r.diagnostics);
  EXPECT_EQ(*r->value, "{true ↦ true, false ↦ false}");
}

TEST(Overflow, FunctionResultsGetAnHonestHint) {
  Loaded l = load("def main = fun x : Nat => succ x");
  Result<NetworkRunResult> r = run_main_on_network(*l.result, RunRequest{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.diagnostics.front().message.find("apply it to arguments instead"), std::string::npos);
}

TEST(Overflow, ArgumentsAboveTheDepthSayWhatTheRunNeeds) {
  Loaded l = load("def main = fun m : Nat => fun n : Nat => iter { n | y => succ y } (m)");
  Result<NetworkRunResult> r = run_main_on_network(*l.result, request_for({"10", "32"}, {}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics.front().message,
            "argument 1: the natural 10 exceeds the depth D = 9; the interpreter meets naturals up to 42 on these "
            "inputs: rerun with --depth 42");
}

TEST(Overflow, DistributionVectorsKeepTheCheck) {
  Loaded l = load("def main = fun m : Nat => fun n : Nat => iter { n | y => succ y } (m)");
  Result<NetworkRunResult> r = run_main_on_network(*l.result, request_for({"[0,0,0,0,0,0,0,0,0,1]", "1"}, {}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.diagnostics.front().message.find("lost mass"), std::string::npos);
  // Arbitrary real vectors have no mass to conserve: no check, the raw output.
  EXPECT_TRUE(run_main_on_network(*l.result, request_for({"[0,0,0,0,0,0,0,0,0,-1]", "1"}, {})).ok());
}

TEST(Gradient, CountRowsPastTheLastNonZeroOne) {
  // ∂out/∂n_k = h_k for every k, also where the count is zero.
  Loaded l = load("def main = fun n : Nat => iter { true | y => if y then false else true } (n)");
  auto g = grad_main(*l.result, request_for({"3"}, {}));
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(VectorXd(g->second.inputs[0].col(0)), VectorXd::Ones(10));
}

TEST(Network, MissingParamsSayHowToGiveThem) {
  Loaded l = load("param m : Nat\ndef main = fun n : Nat => iter { n | y => y } (m)");
  Result<NetworkRunResult> r = run_main_on_network(*l.result, request_for({"1"}, {}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.diagnostics.front().message, "param `m` has no value; give it one with --param m=TERM");
}

}  // namespace
}  // namespace cajal::test

namespace cajal::test {
namespace {

// A param's table reaches the network with a zero column where its natural is above D (f false
// = 12 here); the hint counts what the run reads from it (f true = 9, then succ: 10), and the
// depth it advises works.
TEST(Overflow, HintsCountWhatTheRunReadsFromAParamsTable) {
  Loaded l = load("param f : Bool -o Nat\ndef main : Nat = succ (f true)");
  RunRequest request = request_for({}, {{"f", "fun b : Bool => if b then 9 else 12"}});
  Result<NetworkRunResult> r = run_main_on_network(*l.result, request);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.diagnostics.front().message.find("rerun with --depth 10"), std::string::npos)
      << r.diagnostics.front().message;
  request.depth = 10;
  Result<NetworkRunResult> at10 = run_main_on_network(*l.result, request);
  ASSERT_TRUE(at10.ok()) << render(at10.diagnostics);
  EXPECT_EQ(at10->value, std::optional<std::string>("10"));
}

TEST(Overflow, FunctionResultHintsCoverTheWholeTable) {
  Loaded l = load("def main = fun m : Nat => fun n : Nat => iter { n | y => succ y } (m)");
  Result<NetworkRunResult> r = run_main_on_network(*l.result, request_for({"3"}, {}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.diagnostics.front().message.find("needs naturals up to 12"), std::string::npos)
      << r.diagnostics.front().message;
}

TEST(Overflow, HintsBeyondTheLargestDepthSaySo) {
  Loaded l = load("def main = fun n : Nat => succ n");
  Result<NetworkRunResult> r = run_main_on_network(*l.result, request_for({"200000"}, {}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.diagnostics.front().message.find("more than any depth (at most 100000) can represent"),
            std::string::npos)
      << r.diagnostics.front().message;
}

TEST(Overflow, FunctionVectorsAreChecked_OnlyWhenEveryColumnIsADistribution) {
  Loaded l = load("def main = fun f : Bool -o Bool => f true");
  // [0, 1, 0, 1] is the 2×2 matrix with rows (0 1) and (0 1): column 0 is (0, 0), not a value.
  EXPECT_TRUE(run_main_on_network(*l.result, request_for({"[0, 1, 0, 1]"}, {})).ok());
  // [0.5, 0, 0.5, 1] has columns (0.5, 0.5) and (0, 1): a distribution over tables, no mass lost.
  Result<NetworkRunResult> r = run_main_on_network(*l.result, request_for({"[0.5, 0, 0.5, 1]"}, {}));
  ASSERT_TRUE(r.ok()) << render(r.diagnostics);
}

}  // namespace
}  // namespace cajal::test

namespace cajal::test {
namespace {

// `--param p=[...]`: a param given to the network as a raw vector (a learned weight, say).
TEST(CParam, ParamsMayBeRealVectorsForTheNetwork) {
  Loaded l = load("param p : Bool\ndef main = fun x : Bool => if p then x else (if x then false else true)");
  ASSERT_TRUE(l.result.ok());
  RunRequest soft = request_for({"true"}, {{"p", "[0.25, 0.75]"}});
  Result<NetworkRunResult> r = run_main_on_network(*l.result, soft);
  ASSERT_TRUE(r.ok()) << render(r.diagnostics);
  EXPECT_EQ(r->run.output.col(0), vec({0.25, 0.75}));  // 0.25·true + 0.75·false
  EXPECT_FALSE(r->value.has_value());                 // not an encoding
  // The interpreter takes a one-hot vector as its value, not a soft one; a wrong length is located.
  EXPECT_EQ(run("param p : Bool\ndef main = p", {}, {{"p", "[1, 0]"}}), "true");
  EXPECT_EQ(run("param p : Bool\ndef main = p", {}, {{"p", "[0.25, 0.75]"}}),
            "ERROR: param `p`: [0.25, 0.75] is a soft boolean, not a value: only the network computes with it (use "
            "--engine network)");
  Result<NetworkRunResult> bad = run_main_on_network(*l.result, request_for({"true"}, {{"p", "[1]"}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.diagnostics.front().message,
            "param `p` is a vector: it must be a JSON list of 2 finite numbers (the encoding of Bool at depth 9)");
}

// ---- the execution plan (cajal::Plan) ------------------------------------------------------

namespace {
// A batch of `n` random columns for each input of c.net, and random params.
NetworkArgs random_batch(const Network& net, Eigen::Index n, unsigned seed, const std::map<std::string, Eigen::Index>& params) {
  std::srand(seed);
  NetworkArgs args;
  for (const NetworkInput& in : net.inputs) args.inputs.push_back(MatrixXd::Random(static_cast<Eigen::Index>(dimension(*in.type, net.depth)), n));
  for (const auto& [name, dim] : params) args.params[name] = VectorXd::Random(dim);
  return args;
}
constexpr const char* kPlanProgram =
    "param f : Bool -o Bool\n"
    "def main = fun a : Bool => fun n : Nat => (iter { fun x : Bool => x | g => fun x : Bool => f (g x) } (n)) a";
}  // namespace

TEST(Plan, ResultsDoNotDependOnTheNumberOfThreads) {
  // 700 columns: three chunks of at most 256, run on 1, 2 and 3 threads. Outputs, input adjoints
  // and param adjoints (summed over the batch, in chunk order) must be identical, not close.
  Compiled c = compiled(kPlanProgram, 4);
  NetworkArgs args = random_batch(c.net, 700, 1, {{"f", 4}});
  MatrixXd cotangent = MatrixXd::Random(2, 700);
  Plan one(c.net, 1);
  Result<NetworkGradients> want = one.gradient(args, cotangent);
  ASSERT_TRUE(want.ok()) << want.diagnostics.front().message;
  for (unsigned threads : {2u, 3u}) {
    Plan plan(c.net, threads);
    Result<NetworkRun> run = plan.run(args);
    Result<NetworkGradients> got = plan.gradient(args, cotangent);
    ASSERT_TRUE(run.ok() && got.ok());
    EXPECT_EQ(run->output, want->run.output) << threads << " threads";
    EXPECT_EQ(got->run.output, want->run.output) << threads << " threads";
    for (std::size_t k = 0; k < want->inputs.size(); ++k) EXPECT_EQ(got->inputs[k], want->inputs[k]) << "input " << k;
    EXPECT_EQ(got->params.at("f"), want->params.at("f")) << threads << " threads";
  }
}

TEST(Plan, AKeptPlanRunsAnyShapeAsAFreshOneDoes) {
  // One plan, reused across batch sizes (its buffers grow, and hold smaller values after) and
  // between run and gradient (recorded frames, then unrecorded ones): every result equals a fresh
  // plan's.
  Compiled c = compiled(kPlanProgram, 4);
  Plan kept(c.net, 2);
  for (Eigen::Index n : {1, 300, 5, 600, 1}) {
    NetworkArgs args = random_batch(c.net, n, static_cast<unsigned>(n), {{"f", 4}});
    MatrixXd cotangent = MatrixXd::Random(2, n);
    Result<NetworkGradients> g = kept.gradient(args, cotangent);
    Result<NetworkRun> r = kept.run(args);
    Result<NetworkGradients> fresh = gradient(c.net, args, cotangent);
    ASSERT_TRUE(g.ok() && r.ok() && fresh.ok());
    EXPECT_EQ(r->output, fresh->run.output) << n << " columns";
    EXPECT_EQ(g->params.at("f"), fresh->params.at("f")) << n << " columns";
    for (std::size_t k = 0; k < g->inputs.size(); ++k) EXPECT_EQ(g->inputs[k], fresh->inputs[k]) << n << " columns";
  }
}

TEST(Plan, SharedInputsKeepOneColumnAcrossChunks) {
  // A batched input beside a shared one: the shared input's adjoint is one column, the sum over
  // all 600 columns (three chunks).
  Compiled c = compiled("def main = fun a : Bool => fun b : Bool => if a then b else b", 9);
  NetworkArgs args;
  args.inputs.push_back(MatrixXd::Random(2, 600));
  args.inputs.push_back(vec({1, 0}));
  Result<NetworkGradients> g = Plan(c.net, 2).gradient(args, MatrixXd::Ones(2, 1));
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->inputs[1].cols(), 1);
  EXPECT_NEAR(g->inputs[1](0), args.inputs[0].sum(), 1e-9);  // Σ_j (a₀ⱼ + a₁ⱼ) · 1
  EXPECT_NEAR(g->inputs[1](1), args.inputs[0].sum(), 1e-9);
}

// Abstractions share their basis batch (e_0 .. e_{a-1} once per capture column) per thread: here
// an iteration's state is a function of two Bools, so its step materializes an abstraction whose
// body materializes another, capturing the outer argument (a basis batch a times wider), while the
// outer body still reads its own. Every column of a batch (one-hot inputs: exact arithmetic) is the
// same number as that column run alone, in this thread and in a new one.
TEST(Plan, AbstractionsGiveTheSameNumbersWhateverBasisTheyShare) {
  Compiled c = compiled(
      "def main = fun a : Bool => fun b : Bool => fun n : Nat =>"
      "  (iter { fun x : Bool => fun y : Bool => if x then y else (if y then false else true)"
      "        | g => fun x : Bool => fun y : Bool => g y x } (n)) a b",
      3);
  ASSERT_EQ(c.net.inputs.size(), 3u);
  const Eigen::Index columns = 8;
  NetworkArgs batch;
  batch.inputs = {MatrixXd::Zero(2, columns), MatrixXd::Zero(2, columns), MatrixXd::Zero(4, columns)};
  for (Eigen::Index j = 0; j < columns; ++j) {
    batch.inputs[0](j % 2, j) = 1;
    batch.inputs[1]((j / 2) % 2, j) = 1;
    batch.inputs[2](j % 4, j) = 1;
  }
  auto runs = [&](MatrixXd& out) {
    Result<NetworkRun> whole = run_network(c.net, batch);
    ASSERT_TRUE(whole.ok()) << whole.diagnostics.front().message;
    out = whole->output;
    for (Eigen::Index j = 0; j < columns; ++j) {
      NetworkArgs one;
      for (const MatrixXd& in : batch.inputs) one.inputs.push_back(in.col(j));
      Result<NetworkRun> alone = run_network(c.net, one);
      ASSERT_TRUE(alone.ok());
      EXPECT_EQ(alone->output.col(0), whole->output.col(j)) << "column " << j;
    }
  };
  MatrixXd here, there;
  runs(here);
  std::thread other([&] { runs(there); });
  other.join();
  EXPECT_EQ(here, there);
  EXPECT_EQ(here.rows(), 2);
}

TEST(Plan, AnEmptyNetworkIsRefusedNotRun) {
  Network empty;
  EXPECT_EQ(run_network(empty, NetworkArgs{}).diagnostics.front().message, "the network is empty (it has no graph or no output type)");
  EXPECT_FALSE(gradient(empty, NetworkArgs{}, MatrixXd::Zero(1, 1)).ok());
}

// A recurrent neuron whose step has only mixes, products and shifts runs their arithmetic in a
// loop, without a frame per step: the same numbers, bit for bit, as the step's frames give (a
// recorded run, for gradients, keeps them), on a batch and on one column, with lost mass alike.
TEST(Plan, FusedStepsGiveTheNumbersOfTheirFrames) {
  const char* fused[] = {
      "def main = fun x : Nat => fun n : Nat => iter { x | y => succ y } (n)",
      "def main = fun x : Nat => fun n : Nat => iter { x | y => y } (n)",  // the state as it is
      "param F : Nat -o Nat\ndef main = fun x : Nat => fun n : Nat => iter { x | y => F y } (n)",
      "def main = fun x : Nat => fun n : Nat => iter { x | y => {0 ↦ 2, 1 ↦ 0, 2 ↦ 5, 3 ↦ 1} y } (n)",
      // (a def is compiled once, in the top-level graph: the step captures it)
      "def g = fun z : Nat => succ (succ z)\n"
      "def main = fun x : Nat => fun n : Nat => iter { x | y => g y } (n)",
      // several neurons, each on the ones before
      "param F : Nat -o Nat\ndef main = fun x : Nat => fun n : Nat => iter { x | y => F (F y) } (n)",
      "param F : Nat -o Nat\ndef main = fun x : Nat => fun n : Nat => iter { x | y => succ (F (succ y)) } (n)",
      // through a Bool: values of other shapes than the state's
      "param P : Nat -o Bool\nparam Q : Bool -o Nat\n"
      "def main = fun x : Nat => fun n : Nat => iter { x | y => Q (P y) } (n)",
      "param Q : Bool -o Nat\ndef h = fun z : Nat => {0 ↦ true, 1 ↦ false} z\n"
      "def main = fun x : Nat => fun n : Nat => iter { x | y => succ (Q (h y)) } (n)",
      // mixes: the state read twice; a matrix computed in the step; a condition from the state
      "param c : Bool\ndef main = fun x : Nat => fun n : Nat => iter { x | y => if c then succ y else y } (n)",
      "param c : Bool\nparam F : Nat -o Nat\nparam G : Nat -o Nat\n"
      "def main = fun x : Nat => fun n : Nat => iter { x | y => (if c then F else G) y } (n)",
      "param P : Nat -o Bool\nparam F : Nat -o Nat\nparam z : Nat\n"
      "def main = fun n : Nat => fun b : Bool => iter { b | y => if y then P (F z) else P z } (n)",
  };
  const int depth = 5;
  for (const char* program : fused) {
    Compiled c = compiled(program, depth);
    const MatrixXd cotangent = MatrixXd::Ones(static_cast<Eigen::Index>(dimension(*c.net.output_type, depth)), 1);
    Plan plan(c.net, 1);
    EXPECT_EQ(plan.fused_steps(), 1u) << program;
    for (Eigen::Index batch : {1, 3}) {
      NetworkArgs args;
      for (const NetworkInput& in : c.net.inputs) {
        const Eigen::Index rows = static_cast<Eigen::Index>(dimension(*in.type, depth));
        args.inputs.push_back(MatrixXd::Random(rows, batch));
      }
      for (const NetworkInput& p : c.net.params) args.params[p.name] = VectorXd::Random(static_cast<Eigen::Index>(dimension(*p.type, depth)));
      Result<NetworkRun> run = plan.run(args);
      Result<NetworkGradients> framed = gradient(c.net, args, cotangent);
      ASSERT_TRUE(run.ok()) << program << ": " << render(run.diagnostics);
      ASSERT_TRUE(framed.ok()) << program << ": " << render(framed.diagnostics);
      EXPECT_EQ(run->output, framed->run.output) << program << ", batch " << batch;
      EXPECT_EQ(run->mass_lost, framed->run.mass_lost) << program << ", batch " << batch;
      // A second run on the plan's buffers, from other inputs, is not left with the first one's.
      for (MatrixXd& in : args.inputs) in = MatrixXd::Random(in.rows(), in.cols());
      run = plan.run(args);
      framed = gradient(c.net, args, cotangent);
      ASSERT_TRUE(run.ok() && framed.ok()) << program;
      EXPECT_EQ(run->output, framed->run.output) << program << ", batch " << batch << ", second run";
    }
  }
  // A step with a recurrent neuron or an abstraction in it runs through its frames (the nested
  // recurrent neuron's own step is fused).
  const std::pair<const char*, std::size_t> framed[] = {
      {"param m : Nat\ndef main = fun x : Nat => fun n : Nat => iter { x | y => iter { y | z => succ z } (m) } (n)", 1},
      {"param F : Nat -o Nat\ndef main = fun n : Nat => iter { F | g => fun z : Nat => g (succ z) } (n)", 0},
  };
  for (const auto& [program, fused_count] : framed) EXPECT_EQ(Plan(compiled(program, depth).net, 1).fused_steps(), fused_count) << program;
}

// A forward run keeps only the values still to be read: values that are not live at once share a
// buffer (a neuron's never one of its arguments'), so a run gives the numbers of a recorded run,
// which keeps every value, on every shape one plan is run on; and it holds only what is live: a
// chain of 200 succs at dimension 100 holds two values where the recorded run holds 200, and
// runs under a budget that refuses the recorded run and `top_level_values` (which keeps every
// top-level value).
TEST(Plan, ValuesNotLiveAtOnceShareABuffer) {
  const char* programs[] = {
      kPlanProgram,
      "param F : Nat -o Nat\nparam c : Bool\n"
      "def main = fun x : Nat => if c then F (succ (F x)) else succ (F (succ x))",
      "param F : Nat -o Nat\n"  // values read long after they are made, by an if and a product
      "def main = fun x : Nat => fun b : Bool => fun n : Nat => "
      "if b then iter { F (succ x) | y => F y } (n) else succ (iter { x | y => succ (F y) } (n))",
      "def main = fun x : Nat => fun n : Nat => (iter { fun z : Nat => z | g => fun z : Nat => succ (g z) } (n)) (succ x)",
  };
  const int depth = 4;
  for (const char* program : programs) {
    Compiled c = compiled(program, depth);
    std::map<std::string, Eigen::Index> params;
    for (const NetworkInput& p : c.net.params) params[p.name] = static_cast<Eigen::Index>(dimension(*p.type, depth));
    const MatrixXd cotangent = MatrixXd::Ones(static_cast<Eigen::Index>(dimension(*c.net.output_type, depth)), 1);
    Plan kept(c.net, 1);
    for (Eigen::Index n : {3, 1, 5}) {
      NetworkArgs args = random_batch(c.net, n, static_cast<unsigned>(n), params);
      Result<NetworkRun> run = kept.run(args);
      Result<NetworkGradients> recorded = gradient(c.net, args, cotangent);
      Result<std::vector<MatrixXd>> values = top_level_values(c.net, args);
      ASSERT_TRUE(run.ok() && recorded.ok() && values.ok()) << program;
      EXPECT_EQ(run->output, recorded->run.output) << program << ", " << n << " columns";
      // top_level_values keeps every top-level value: each as a recorded trace has it.
      Result<std::vector<NeuronTrace>> trace = trace_network(c.net, args);
      ASSERT_TRUE(trace.ok() && trace->size() == values->size()) << program;
      for (std::size_t i = 0; i < values->size(); ++i) EXPECT_EQ(VectorXd(values->at(i).col(0)), (*trace)[i].value) << program << ", neuron " << i;
      EXPECT_EQ(run->output, values->at(static_cast<std::size_t>(c.net.graphs[0].output))) << program << ", " << n << " columns";
    }
  }
  std::string chain = "x";
  for (int k = 0; k < 200; ++k) chain = "succ " + chain;
  Compiled c = compiled("def main = fun x : Nat => " + chain, 99);
  NetworkArgs args = random_batch(c.net, 256, 1, {});
  const std::uint64_t budget = memory_budget();
  set_memory_budget(std::uint64_t{2} << 20);  // 2 MiB: 200 values of 100 × 256 numbers are 40 MiB
  Result<NetworkRun> run = run_network(c.net, args);
  Result<NetworkGradients> recorded = gradient(c.net, args, MatrixXd::Ones(100, 1));
  Result<std::vector<MatrixXd>> values = top_level_values(c.net, args);
  set_memory_budget(budget);
  ASSERT_TRUE(run.ok()) << render(run.diagnostics);
  EXPECT_TRUE(!recorded.ok() && is_over_budget(recorded.diagnostics.front()));
  EXPECT_TRUE(!values.ok() && is_over_budget(values.diagnostics.front()));
  MatrixXd want = MatrixXd::Zero(100, 256);  // succ moves every row 200 down: all past the depth
  EXPECT_EQ(run->output, want);
}

// A network read from a file may have neurons after its output, which nothing reads: they never
// share the output's buffer, or they would write over it before the run's caller reads it.
TEST(Plan, NeuronsAfterTheOutputDoNotWriteOverIt) {
  Compiled c = compiled("def main = fun x : Nat => succ x", 5);
  NetworkArgs args = random_batch(c.net, 3, 7, {});
  Result<NetworkRun> want = run_network(c.net, args);
  Graph& top = c.net.graphs[0];
  ASSERT_EQ(top.output, static_cast<int>(top.nodes.size()) - 1);
  for (int k = 0; k < 2; ++k) {  // succ (succ output), after the output
    Node shift;
    shift.op = Op::Shift;
    shift.dim = 6;
    shift.args = {static_cast<int>(top.nodes.size()) - 1};
    top.nodes.push_back(shift);
  }
  Result<NetworkRun> got = run_network(c.net, args);
  ASSERT_TRUE(want.ok() && got.ok()) << render(got.diagnostics);
  EXPECT_EQ(got->output, want->output);
}

TEST(Plan, ForcedKernelsAreTheOnesUsed) {
  // CAJAL_KERNELS (the engine.kernels_* CTests run the engine's tests under each variant) must
  // really select the variant, or those runs would test the default twice.
  const char* forced = std::getenv("CAJAL_KERNELS");
  if (!forced) GTEST_SKIP() << "CAJAL_KERNELS not set";
  EXPECT_STREQ(engine_kernels(), forced);
}

}  // namespace
}  // namespace cajal::test
