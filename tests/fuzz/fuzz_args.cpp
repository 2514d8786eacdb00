// Harness: `--arg` and `--param` terms → parsed and type-checked against a parameter's type,
// then run with the interpreter and (for the network) encoded, or read as a raw vector `[...]`.
// The first byte picks the program (and so the type the term must have); the rest is the term.
#include <array>

#include "cajal/driver/driver.hpp"
#include "cajal/frontend/frontend.hpp"
#include "harness.hpp"

using namespace cajal;

namespace {

// One program per kind of parameter type, each with a param of that type too.
constexpr std::array<const char*, 6> kPrograms = {
    "param p : Bool\ndef main = fun x : Bool => if x then p else false\n",
    "param p : Nat\ndef main = fun x : Nat => iter { p | y => succ y } (x)\n",
    "param p : Bool -o Bool\ndef main = fun f : Bool -o Bool => f (p true)\n",
    "param p : Nat -o Bool\ndef main = fun f : Nat -o Nat => p (f 1)\n",
    "param p : (Bool -o Bool) -o Bool\ndef main = fun g : (Bool -o Bool) -o Bool => if g (fun b : Bool => b) then p (fun b : Bool => b) else false\n",
    "param p : Vec 3\ndef main = fun v : Vec 3 => fun b : Bool => if b then v else v\n",
};

const LoadedProgram& program(std::size_t k) {
  static const std::vector<Result<LoadedProgram>> loaded = [] {
    std::vector<Result<LoadedProgram>> out;
    for (const char* text : kPrograms) {
      out.push_back(load_program(std::make_shared<const Source>("args.cj", text)));
      if (!out.back()) std::abort();
    }
    return out;
  }();
  return *loaded[k];
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::set_harness_budget();
  for (std::size_t k = 0; k < kPrograms.size(); ++k) (void)program(k);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const LoadedProgram& loaded = program(data[0] % kPrograms.size());
  const std::string term = fuzz::as_text(data + 1, size - 1);
  fuzz::on_large_stack([&] {
    SourcePtr as_arg = std::make_shared<const Source>("<arg 1>", term);
    SourcePtr as_param = std::make_shared<const Source>("<param p>", term);
    RunRequest request;
    request.eval = EvalOptions{20'000, 1'000};
    request.depth = 4;
    request.args = {as_arg};
    (void)run_main(loaded, request);
    (void)run_main_on_network(loaded, request);
    request.args.clear();
    request.params = {{"p", as_param}};
    (void)run_main(loaded, request);
    (void)run_main_on_network(loaded, request);
  });
  return 0;
}
