// A RapidCheck property from cajal::testing: on random well-typed programs with inputs, the
// compiled network agrees with the interpreter (the oracle). Exits non-zero on a counterexample.
#include <rapidcheck.h>

#include <memory>

#include "cajal/frontend/frontend.hpp"
#include "cajal/syntax/print.hpp"
#include "cajal/testing/oracle.hpp"
#include "cajal/testing/rapidcheck.hpp"

int main() {
  bool ok = rc::check("the network agrees with the interpreter on random programs", [](const cajal::testing::Case& c) {
    cajal::testing::Verdict v = cajal::testing::cross_check(c);
    RC_CLASSIFY(v.skipped, "skipped (interpreter budget)");
    RC_ASSERT(v.ok);
  });
  bool typed = rc::check("generated programs print to source that type-checks at main's type",
                         [](const cajal::testing::GeneratedProgram& p) {
                           auto source = std::make_shared<const cajal::Source>("<generated>", cajal::testing::to_source(p));
                           cajal::Result<cajal::LoadedProgram> loaded = cajal::load_program(source);
                           RC_ASSERT(loaded.ok());
                           RC_ASSERT(cajal::print_type(loaded->checked.globals.find("main")->type) ==
                                     cajal::print_type(p.main_type));
                         });
  return ok && typed ? 0 : 1;
}
