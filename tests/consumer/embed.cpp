// Embeds Cajal: loads and type-checks a program, runs it with the interpreter, compiles it to
// neurons and runs the network. Exits 1 with a message when anything differs from what it expects.
#include <iostream>
#include <memory>

#include "cajal/compile/compile.hpp"
#include "cajal/driver/driver.hpp"
#include "cajal/frontend/frontend.hpp"
#include "cajal/network/engine.hpp"
#include "cajal/syntax/print.hpp"

int fail(const std::string& what) {
  std::cerr << "consumer: " << what << "\n";
  return 1;
}

int main() {
  auto source = std::make_shared<const cajal::Source>(
      "even.cj",
      "def not : Bool -o Bool = fun b : Bool => if b then false else true\n"
      "def main : Nat -o Bool = fun n : Nat => iter { true | y => not y } (n)\n");
  cajal::Result<cajal::LoadedProgram> program = cajal::load_program(source);
  if (!program) return fail(cajal::render(program.diagnostics));
  const cajal::Global* main = program->checked.globals.find("main");
  if (!main || cajal::print_type(main->type) != "Nat -o Bool") return fail("main does not have type Nat -o Bool");

  // Errors are values: a type error comes back as a located diagnostic.
  auto wrong = std::make_shared<const cajal::Source>("wrong.cj", "def main = fun x : Bool => if x then x else x");
  cajal::Result<cajal::LoadedProgram> rejected = cajal::load_program(wrong);
  if (rejected || rejected.diagnostics.empty() || !rejected.diagnostics.front().span.known())
    return fail("a linear variable used twice was not reported with its location");

  // The interpreter (through the driver) and the compiled network agree on every n <= D.
  for (int n = 0; n <= 9; ++n) {
    auto arg = std::make_shared<const cajal::Source>("<arg>", std::to_string(n));
    cajal::RunRequest request;
    request.args = {arg};
    cajal::Result<cajal::RunResult> value = cajal::run_main(*program, request);
    if (!value) return fail(cajal::render(value.diagnostics));
    cajal::Result<cajal::NetworkRunResult> network = cajal::run_main_on_network(*program, request);
    if (!network) return fail(cajal::render(network.diagnostics));
    std::string expected = n % 2 == 0 ? "true" : "false";
    if (value->text != expected || network->value != expected)
      return fail("even " + std::to_string(n) + ": interpreter " + value->text + ", network " + network->value.value_or("?"));
  }

  // compile_program and run_network directly: with no inputs, main is its 2 x 10 table, whose
  // column n is the encoding of even n (true = (1, 0), false = (0, 1)).
  cajal::Result<cajal::Network> net = cajal::compile_program(*program, {.depth = 9, .inputs = 0});
  if (!net) return fail(cajal::render(net.diagnostics));
  cajal::Result<cajal::NetworkRun> run = cajal::run_network(*net, {});
  if (!run) return fail(cajal::render(run.diagnostics));
  for (int n = 0; n <= 9; ++n)
    if (run->output(n, 0) != (n % 2 == 0 ? 1.0 : 0.0) || run->output(10 + n, 0) != (n % 2 == 0 ? 0.0 : 1.0))
      return fail("main's tensor is wrong at column " + std::to_string(n));
  std::cout << "consumer: " << net->node_count() << " neurons, interpreter and network agree on n = 0..9\n";
  return 0;
}
