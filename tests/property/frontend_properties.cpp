// Properties of the front end on random well-typed programs (cajal/testing/generators.hpp).
// RapidCheck prints the seed of every run; reproduce a failure with RC_PARAMS="seed=N".
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "cajal/driver/driver.hpp"
#include "cajal/parse/parse.hpp"
#include "cajal/syntax/print.hpp"
#include "cajal/testing/generators.hpp"
#include "cajal/testing/oracle.hpp"
#include "cajal/testing/rapidcheck.hpp"
#include "distribution.hpp"

namespace cajal {
namespace {

using testing::GeneratedProgram;

std::map<std::string, ValuePtr> param_values(const GeneratedProgram& g) {
  std::map<std::string, ValuePtr> out;
  Program none;
  for (const auto& [name, term] : g.param_values) {
    Evaluator ev(none, {});
    out.emplace(name, *ev.eval(*term));
  }
  return out;
}

RC_GTEST_PROP(Generator, ProgramsTypeCheckAtTheirGeneratedType, (const GeneratedProgram& g)) {
  Result<CheckedProgram> checked = check_program(g.program);
  RC_ASSERT(checked.ok());
  RC_ASSERT(same_type(checked->globals.find("main")->type, g.main_type));
}

// The values a table literal lists, its nested tables' included.
std::size_t listed(const Table& table) {
  std::size_t n = 0;
  for (const TableEntry& e : table.entries) n += e.value->as<Table>() ? listed(*e.value->as<Table>()) : 1;
  return n;
}

RC_GTEST_PROP(Generator, TableLiteralsListAtMost100Values, (const GeneratedProgram& g)) {
  std::size_t largest = 0;
  for_each_subterm(g.program, [&](const Term& t) {
    if (const Table* table = t.as<Table>()) largest = std::max(largest, listed(*table));
  });
  RC_ASSERT(largest <= 100u);
}

TEST(Generator, TablesOfAThousandValuesAreNotWritten) {
  // At Nat -o Nat -o Nat -o Bool a table would list 1 000 values: a closed term of that type is a
  // `fun`, never a table, at every size and seed.
  TypePtr type = Type::arrow(Type::nat(), Type::arrow(Type::nat(), Type::arrow(Type::nat(), Type::boolean())));
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    testing::SplitMix64 random(seed);
    testing::RecordedChoices choices(random);
    TermPtr t = testing::make_term(choices, type, {}, {}, static_cast<int>(seed % 6));
    std::size_t largest = 0;
    for (std::vector<const Term*> todo{t.get()}; !todo.empty();) {
      const Term* u = todo.back();
      todo.pop_back();
      if (const Table* table = u->as<Table>()) largest = std::max(largest, listed(*table));
      append_children(*u, todo);
    }
    EXPECT_LE(largest, 100u) << "seed " << seed;
  }
}

TEST(Generator, CampaignProgramsStaySmall) {
  // Program 8 000 725 of `cajal fuzz --seed 2026` was a table on six naturals: 10⁶ values, 2.2
  // million terms, 0.6 s and 514 MiB to check in a campaign of programs of size at most 50.
  testing::FuzzOptions options;
  options.seed = 2026;
  for (std::uint64_t i : {std::uint64_t{8000725}, std::uint64_t{0}, std::uint64_t{50}}) {
    testing::Case c = testing::campaign_case(options, i);
    std::size_t terms = 0;
    for_each_subterm(c.program.program, [&](const Term&) { ++terms; });
    EXPECT_LT(terms, 20000u) << "program " << i;
  }
}

RC_GTEST_PROP(Printer, ParseOfFormatIsIdentity, (const GeneratedProgram& g)) {
  auto source = std::make_shared<const Source>("gen.cj", format_program(g.program));
  Result<Program> back = parse_program(source);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == g.program);
}

void preservation_and_determinism(const GeneratedProgram& g, test::Distribution& d);

TEST(Interpreter, PreservationAndDeterminism) {
  test::Distribution d("Interpreter.PreservationAndDeterminism");
  rc::detail::checkGTest([&](const GeneratedProgram& g) { preservation_and_determinism(g, d); });
  d.print();
  d.expect_at_least("function-typed main", 0.2);
  d.expect_at_least("Bool or Nat main", 0.2);
  d.expect_at_least("with params", 0.2);
  d.expect_at_most("hit a resource limit", 0.1);
  d.expect_at_most("table applied past its keys", 0.01);
  d.expect_at_most("value too large to print", 0.05);
}

void preservation_and_determinism(const GeneratedProgram& g, test::Distribution& d) {
  RC_ASSERT(check_program(g.program).ok());
  d.trial();
  d.count("function-typed main", g.main_type->is_arrow());
  d.count("Bool or Nat main", !g.main_type->is_arrow());
  d.count("with params", !g.param_values.empty());
  EvalOptions options;
  options.max_steps = 2'000'000;
  Evaluator first(g.program, param_values(g), options);
  Result<ValuePtr> value = first.def_value("main");
  if (!value) {
    // The only runtime errors a well-typed generated program may meet are resource limits and a
    // table on Nat applied past its largest key (spec/semantics.md §4, `eval.table-miss`: tables
    // are generated with the keys 0..9, and iteration can reach 10).
    const Diagnostic& e = value.diagnostics.front();
    if (e.code == "eval.table-miss") {
      RC_CLASSIFY(true, "table applied past its keys");
      d.count("table applied past its keys");
      return;
    }
    const std::string& m = e.message;
    RC_ASSERT(m.find("budget exceeded") != std::string::npos || m.find("overflow") != std::string::npos);
    RC_CLASSIFY(true, "hit a resource limit");
    d.count("hit a resource limit");
    return;
  }
  Result<TermPtr> term = first.readback(*value);
  if (!term) {
    // Readback's one documented limit (a function value of more than 20000 nodes or 100 levels
    // prints as no term); rare, and counted.
    RC_ASSERT(term.diagnostics.front().message.find("too large to print") != std::string::npos);
    RC_CLASSIFY(true, "value too large to print");
    d.count("value too large to print");
    return;
  }

  // The value, printed as a closed term, re-parses and has the program's type (preservation).
  auto source = std::make_shared<const Source>("value", print_term(**term));
  Result<TermPtr> reparsed = parse_term(source);
  RC_ASSERT(reparsed.ok());
  TypeTable types;
  Result<TypePtr> type = check_closed_term(**reparsed, Globals{}, types);
  RC_ASSERT(type.ok());
  RC_ASSERT(same_type(*type, g.main_type));

  // Evaluating again gives the same value (determinism).
  Evaluator second(g.program, param_values(g), options);
  Result<ValuePtr> again = second.def_value("main");
  RC_ASSERT(again.ok());
  RC_ASSERT(print_term(**second.readback(*again)) == print_term(**term));
  RC_CLASSIFY(g.main_type->is_arrow(), "function-typed main");
}

}  // namespace
}  // namespace cajal
