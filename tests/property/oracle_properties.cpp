// The oracle suite: interpreter ≡ compiler on random well-typed programs, and the network's
// algebraic properties. RapidCheck prints the seed of every run; reproduce a failure with
// RC_PARAMS="seed=N". Set CAJAL_MUTANT to a mutant's name (see cajal/testing/mutant.hpp) to run
// the suite against a deliberately broken compiler: it must fail.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdlib>
#include <map>

#include "cajal/network/engine.hpp"
#include "cajal/testing/oracle.hpp"
#include "cajal/testing/rapidcheck.hpp"
#include "distribution.hpp"

namespace cajal {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using testing::Case;

Mutant mutant_from_environment() {
  const char* name = std::getenv("CAJAL_MUTANT");
  if (!name || !*name) return Mutant::None;
  std::optional<Mutant> m = mutant_from_name(name);
  if (!m) throw std::runtime_error(std::string("CAJAL_MUTANT: unknown mutant ") + name);
  return *m;
}

TEST(Oracle, CompilerAgreesWithInterpreter) {
  test::Distribution d("Oracle.CompilerAgreesWithInterpreter");
  const char* mutant = std::getenv("CAJAL_MUTANT");
  rc::detail::checkGTest([&](const Case& c) {
    testing::OracleOptions options;
    options.depths = {1, 3, 6, 9};
    options.mutant = mutant_from_environment();
    testing::Verdict v = testing::cross_check(c, options);
    if (!v.ok) RC_FAIL(v.failure);
    RC_CLASSIFY(v.skipped, "interpreter hit a resource limit");
    RC_CLASSIFY(v.depths_checked > 0, "compared at some depth");
    RC_CLASSIFY(v.overflows_seen > 0, "overflow reported at some depth");
    RC_CLASSIFY(!c.args.empty(), "open program");
    d.trial();
    d.count("interpreter hit a resource limit", v.skipped);
    d.count("compared at some depth", v.depths_checked > 0);
    d.count("overflow reported at some depth", v.overflows_seen > 0);
    d.count("open program", !c.args.empty());
    bool kinds[3] = {false, false, false};
    for (const TypePtr& t : c.arg_types) kinds[t->is_arrow() ? 2 : t->kind == Type::Kind::Nat ? 1 : 0] = true;
    d.count("an input of type Bool", kinds[0]);
    d.count("an input of type Nat", kinds[1]);
    d.count("an input of function type", kinds[2]);
    d.count("a param", !c.program.param_values.empty());
  });
  d.print();
  if (mutant && *mutant) return;  // (a mutant stops the run early: its shares mean nothing)
  d.expect_at_least("compared at some depth", 0.8);
  d.expect_at_least("overflow reported at some depth", 0.03);
  d.expect_at_least("open program", 0.5);
  d.expect_at_least("an input of type Bool", 0.15);
  d.expect_at_least("an input of type Nat", 0.15);
  d.expect_at_least("an input of function type", 0.15);
  d.expect_at_least("a param", 0.3);
  d.expect_at_most("interpreter hit a resource limit", 0.1);
}

// Random real inputs and params for a network (no encodings: any real values).
NetworkArgs random_args(const Network& net, Eigen::Index batch) {
  NetworkArgs args;
  for (const NetworkInput& in : net.inputs)
    args.inputs.push_back(MatrixXd::Random(static_cast<Eigen::Index>(dimension(*in.type, net.depth)), batch));
  for (const NetworkInput& p : net.params)
    args.params[p.name] = VectorXd::Random(static_cast<Eigen::Index>(dimension(*p.type, net.depth)));
  return args;
}

std::optional<Network> compile_case(const Case& c, int depth) {
  Result<CheckedProgram> checked = check_program(c.program.program);
  RC_ASSERT(checked.ok());
  LoadedProgram loaded{c.program.program, std::move(*checked)};
  CompileOptions options;
  options.depth = depth;
  options.inputs = c.args.size();
  Result<Network> net = compile_program(loaded, options);
  if (!net) return std::nullopt;  // a numeral above the depth
  return std::move(*net);
}

// Linear in each input separately: for every input i (not only the first ones), with the other
// inputs fixed, f(.., a x + b y, ..) = a f(.., x, ..) + b f(.., y, ..).
TEST(Network, IsLinearInEachLinearInput) {
  test::Distribution d("Network.IsLinearInEachLinearInput");
  rc::detail::checkGTest([&](const Case& c) {
    RC_PRE(!c.args.empty());
    std::optional<Network> net = compile_case(c, 4);
    RC_PRE(net.has_value());
    d.trial();
    std::srand(*rc::gen::resize(100, rc::gen::inRange(0, 1 << 30)));
    NetworkArgs args = random_args(*net, 1);
    d.count(std::to_string(args.inputs.size()) + " input(s), each perturbed");
    for (std::size_t i = 0; i < args.inputs.size(); ++i) {
      MatrixXd x = args.inputs[i], y = MatrixXd::Random(x.rows(), 1);
      double a = 0.75, b = -1.5;
      auto at = [&](const MatrixXd& v) {
        NetworkArgs with = args;
        with.inputs[i] = v;
        return MatrixXd(run_network(*net, with)->output);
      };
      MatrixXd lhs = at(a * x + b * y), rhs = a * at(x) + b * at(y);
      double scale = 1.0 + lhs.cwiseAbs().maxCoeff() + rhs.cwiseAbs().maxCoeff();
      RC_ASSERT((lhs - rhs).cwiseAbs().maxCoeff() <= 1e-9 * scale);
      d.count("input #" + std::to_string(i + 1) + " perturbed");
    }
  });
  d.print();
  d.expect_at_least("input #1 perturbed", 1.0);
  d.expect_at_least("input #2 perturbed", 0.2);
  d.expect_at_least("input #3 perturbed", 0.1);
}

RC_GTEST_PROP(Network, GradientsMatchFiniteDifferences, (const Case& c)) {
  std::optional<Network> net = compile_case(c, 3);
  RC_PRE(net.has_value());
  std::srand(*rc::gen::resize(100, rc::gen::inRange(0, 1 << 30)));  // (full range at any size)
  NetworkArgs args = random_args(*net, 2);
  Result<NetworkRun> base = run_network(*net, args);
  RC_ASSERT(base.ok());
  MatrixXd cot = MatrixXd::Random(base->output.rows(), base->output.cols());
  Result<NetworkGradients> g = gradient(*net, args, cot);
  RC_ASSERT(g.ok());
  auto loss = [&](const NetworkArgs& a) { return run_network(*net, a)->output.cwiseProduct(cot).sum(); };
  const double h = 1e-6;
  auto check = [&](double analytic, double fd) {
    RC_ASSERT(std::abs(analytic - fd) <= 1e-5 * (1.0 + std::abs(fd) + std::abs(analytic)));
  };
  for (std::size_t i = 0; i < args.inputs.size(); ++i)
    for (Eigen::Index k = 0; k < args.inputs[i].size(); ++k) {
      NetworkArgs plus = args, minus = args;
      plus.inputs[i].data()[k] += h;
      minus.inputs[i].data()[k] -= h;
      check(g->inputs[i].data()[k], (loss(plus) - loss(minus)) / (2 * h));
    }
  for (auto& [name, v] : args.params)
    for (Eigen::Index k = 0; k < v.size(); ++k) {
      NetworkArgs plus = args, minus = args;
      plus.params[name](k) += h;
      minus.params[name](k) -= h;
      check(g->params.at(name)(k), (loss(plus) - loss(minus)) / (2 * h));
    }
}

RC_GTEST_PROP(Network, SerializedNetworksRunIdentically, (const Case& c)) {
  std::optional<Network> net = compile_case(c, 5);
  RC_PRE(net.has_value());
  Result<Network> back = network_from_json(to_json(*net));
  RC_ASSERT(back.ok());
  std::srand(*rc::gen::resize(100, rc::gen::inRange(0, 1 << 30)));  // (full range at any size)
  NetworkArgs args = random_args(*net, 3);
  RC_ASSERT(run_network(*net, args)->output == run_network(*back, args)->output);
}

TEST(Generator, ShrinkingKeepsProgramsWellTyped) {
  // The first two levels of shrinks of many generated cases all type-check at their type.
  std::size_t checked = 0;
  for (int seed = 0; seed < 40; ++seed) {
    rc::Shrinkable<Case> root = testing::gen_case()(rc::Random(static_cast<std::uint64_t>(seed)), 40);
    std::vector<rc::Shrinkable<Case>> level{root};
    for (int depth = 0; depth < 2; ++depth) {
      std::vector<rc::Shrinkable<Case>> next;
      for (const auto& s : level) {
        auto shrinks = s.shrinks();
        for (int k = 0; k < 8; ++k) {
          auto child = shrinks.next();
          if (!child) break;
          Case value = child->value();
          Result<CheckedProgram> r = check_program(value.program.program);
          ASSERT_TRUE(r.ok()) << testing::to_source(value.program) << render(r.diagnostics);
          ASSERT_TRUE(same_type(r->globals.find("main")->type, value.program.main_type));
          ++checked;
          next.push_back(*child);
        }
      }
      level = std::move(next);
    }
  }
  EXPECT_GT(checked, 100u);
}

TEST(Generator, EveryConstructAppearsAtEveryType) {
  // The distribution of constructs by the kind of their type, over 2000 generated cases.
  std::map<std::string, int> counts;
  const int n = 2000;
  for (int seed = 0; seed < n; ++seed) {
    Case c = testing::gen_case()(rc::Random(static_cast<std::uint64_t>(seed) * 7919 + 1), 60).value();
    for (const std::string& tag : testing::construct_tags(c.program.program)) ++counts[tag];
    if (!c.args.empty()) ++counts["(open program)"];
    // Table literals (construct_tags names them `table : TYPE`): in the program, and in its inputs.
    bool table_in_program = false, table_in_input = false;
    for_each_subterm(c.program.program, [&](const Term& t) { table_in_program = table_in_program || t.is<Table>(); });
    for (const TermPtr& arg : c.args) {
      std::vector<const Term*> todo{arg.get()};
      while (!todo.empty()) {
        const Term* t = todo.back();
        todo.pop_back();
        table_in_input = table_in_input || t->is<Table>();
        append_children(*t, todo);
      }
    }
    if (table_in_program) ++counts["table literal (in the program)"];
    if (table_in_input) ++counts["table literal (in an input)"];
  }
  std::cout << "constructs by type, % of " << n << " generated cases:\n";
  for (const auto& [tag, count] : counts) std::cout << "  " << tag << ": " << 100.0 * count / n << "%\n";
  for (const char* construct : {"fun", "if", "iter", "let", "apply-variable", "apply-fun", "var"})
    for (const char* kind : {"Bool", "Nat", "function", "higher-order"}) {
      if (std::string(construct) == "fun" && (std::string(kind) == "Bool" || std::string(kind) == "Nat")) continue;
      EXPECT_GT(counts[std::string(construct) + " : " + kind], 0) << construct << " at " << kind;
    }
  for (const char* tag : {"succ : Nat", "numeral : Nat", "param inside iter step", "(open program)", "table : function"})
    EXPECT_GT(counts[tag], 0) << tag;
  // Minimum shares, not only presence: tables (T-Table) in programs and in inputs.
  EXPECT_GE(counts["table literal (in the program)"], n * 3 / 10) << "table literals in under 30% of programs";
  EXPECT_GE(counts["table literal (in an input)"], n / 10) << "table literals in under 10% of inputs";
}

}  // namespace
}  // namespace cajal

#include "cajal/network/encode.hpp"
#include "cajal/prove/prove.hpp"

namespace cajal {
namespace {

// `cajal prove`'s symbolic rules and the interpreter are two implementations of the same big-step
// semantics: on concrete inputs they give the same value, and agree on whether the run needed a
// natural above the depth.
void symbolic_rules_agree(const Case& c, test::Distribution& d);

TEST(Prove, SymbolicRulesAgreeWithTheInterpreter) {
  test::Distribution d("Prove.SymbolicRulesAgreeWithTheInterpreter");
  rc::detail::checkGTest([&](const Case& c) { symbolic_rules_agree(c, d); });
  d.print();
  d.expect_at_least("within the depth", 0.3);
  d.expect_at_most("not supported by the symbolic rules", 0.5);
}

void symbolic_rules_agree(const Case& c, test::Distribution& d) {
  const int depth = 4;
  Result<CheckedProgram> checked = check_program(c.program.program);
  RC_ASSERT(checked.ok());
  LoadedProgram loaded{c.program.program, std::move(*checked)};
  EvalOptions limits{200'000, 4'000};
  Program empty;
  Evaluator values(empty, {}, limits);
  std::map<std::string, ValuePtr> params;
  for (const auto& [name, term] : c.program.param_values) {
    Result<ValuePtr> v = values.eval(*term);
    RC_PRE(v.ok());
    params.emplace(name, *v);
  }
  std::vector<std::pair<ValuePtr, TypePtr>> args;
  for (std::size_t i = 0; i < c.args.size(); ++i) {
    Result<ValuePtr> v = values.eval(*c.args[i]);
    RC_PRE(v.ok());
    args.emplace_back(*v, c.arg_types[i]);
  }
  // The interpreter (inputs given as tables: their inner naturals do not count).
  Evaluator interpreter(loaded.program, params, limits);
  for (const auto& [v, t] : args) interpreter.mark_opaque(v);
  for (const auto& [n, v] : params) interpreter.mark_opaque(v);
  Result<ValuePtr> result = interpreter.def_value("main");
  for (std::size_t i = 0; result && i < args.size(); ++i) result = interpreter.apply(*result, args[i].first);
  RC_PRE(result.ok());  // resource limits
  TypePtr type = c.program.main_type;
  for (std::size_t i = 0; i < args.size(); ++i) type = type->to;
  Evaluator table(loaded.program, params, limits);
  for (const auto& [v, t] : args) table.mark_opaque(v);
  for (const auto& [n, v] : params) table.mark_opaque(v);
  Result<Eigen::VectorXd> encoded = encode_value(*result, *type, depth, table);
  bool within = encoded.ok() && std::max(interpreter.max_natural(), table.max_natural()) <= static_cast<std::uint64_t>(depth);

  // Inputs above the depth cannot become tables: those cases are outside the symbolic rules too.
  bool inputs_fit = true;
  for (const auto& [v, t] : args) inputs_fit = inputs_fit && encode_value(v, *t, depth, values).ok();
  for (const auto& [n, v] : params) inputs_fit = inputs_fit && encode_value(v, *c.program.program.find_param(n)->type, depth, values).ok();
  RC_PRE(inputs_fit);

  Result<SymbolicRun> symbolic = symbolic_run(loaded, args, params, depth, values);
  d.trial();
  if (!symbolic) {  // functions of functions: `prove` says unknown for these
    RC_ASSERT(symbolic.diagnostics.front().message.rfind("not supported", 0) == 0);
    RC_CLASSIFY(true, "not supported by the symbolic rules");
    d.count("not supported by the symbolic rules");
    return;
  }
  d.count("within the depth", within);
  d.count("outside the depth", !within);
  if (within) {
    RC_ASSERT(!symbolic->exceeded_depth);
    RC_ASSERT(symbolic->value == *decode(*encoded, *type, depth));
  } else {
    RC_ASSERT(symbolic->exceeded_depth);
  }
  RC_CLASSIFY(within, "within the depth");
}

}  // namespace
}  // namespace cajal
