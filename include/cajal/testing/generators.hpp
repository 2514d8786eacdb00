// Generators of well-typed Cajal programs from any source of choices (the RapidCheck face is
// cajal/testing/rapidcheck.hpp; `cajal fuzz` uses recorded PRNG choices and needs no RapidCheck).
//
// Type-directed: gen_term(A, Δ, Θ) produces a term t with Θ; Δ ⊢ t : A by construction (no
// discards): every linear variable of Δ is used exactly once, an `iter` step sees only its state
// variable and Θ, and `if` branches share their linear variables. Because every choice is a
// RapidCheck pick, shrinking re-runs the same construction with smaller choices, so shrunk
// programs stay well-typed.
#pragma once

#include <map>
#include <random>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "cajal/syntax/ast.hpp"

namespace cajal::testing {

using Context = std::vector<std::pair<std::string, TypePtr>>;  // Δ (linear) or Θ (unrestricted)

// Where the generator's choices come from. The constructions below take any source: RapidCheck
// (the gen_* generators, with RapidCheck's shrinking), or a recorded sequence (RecordedChoices:
// fast, replayable, and shrinkable by editing the sequence, as `cajal fuzz` does).
class Choices {
 public:
  virtual ~Choices() = default;
  virtual int pick(int lo, int hi) = 0;  // uniform in [lo, hi)
  bool coin() { return pick(0, 2) == 1; }
  template <class T>
  const T& pick_of(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(pick(0, static_cast<int>(v.size())))];
  }
};

// A small, fast PRNG (SplitMix64): a campaign seeds one per program.
class SplitMix64 {
 public:
  using result_type = std::uint64_t;
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }
  result_type operator()() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

// Choices from a PRNG, recorded; or a given sequence replayed (values clamped into the range
// asked for, and the smallest value past its end), so any sequence builds a well-typed program.
class RecordedChoices final : public Choices {
 public:
  explicit RecordedChoices(SplitMix64& random) : random_(&random) { choices_.reserve(kRecordedAtFirst); }
  explicit RecordedChoices(std::vector<int> replay) : choices_(std::move(replay)) {}
  int pick(int lo, int hi) override;
  const std::vector<int>& choices() const { return choices_; }

 private:
  static constexpr std::size_t kRecordedAtFirst = 256;  // room for most programs' choices at once
  SplitMix64* random_ = nullptr;
  std::vector<int> choices_;
  std::size_t next_ = 0;
};

// Types of at most `depth` nested arrows.
TypePtr make_type(Choices& ch, int depth = 2);

// A term of type `type` that uses each variable of `delta` exactly once and may use `theta`
// freely. `size` bounds the number of constructors (roughly).
TermPtr make_term(Choices& ch, const TypePtr& type, const Context& delta, const Context& theta, int size);

struct GeneratedProgram {
  Program program;                        // params p0.., defs d0.., then main
  std::vector<std::pair<std::string, TermPtr>> param_values;  // a closed value term for every param
  TypePtr main_type;
};

// A whole program: a few params (each with a value), a few defs, and `main`.
GeneratedProgram make_program(Choices& ch, int size);

// A program over vectors: params w : Vec 2 -o Vec 2, u : Vec 2 -o Vec 2 -o Vec 2, v : Vec 2 and
// g : Bool -o Vec 2 (their values are vectors, chosen by the test), and
// main : Bool -o Nat -o Vec 2 -o Vec 2 -o Vec 2 using every input once (no param values).
GeneratedProgram make_vec_program(Choices& ch, int size);
// A program whose main takes a function of a function, h : (A ⊸ B) ⊸ C (A, B, C Bool or Nat)
// or h : (Bool ⊸ Bool) ⊸ Bool ⊸ D (D Bool or Nat), and maybe an x : Bool or Nat, with a Bool or
// Nat result; no params, no defs.
GeneratedProgram make_higher_order_program(Choices& ch, int size);
// A program whose main takes a function of a function of a shape without a normal form, which
// prove and check take as a matrix (spec/denotation.md §8.6): h : ((Bool ⊸ Bool) ⊸ Bool) ⊸ R,
// (Bool ⊸ Bool) ⊸ Nat ⊸ R, (Bool ⊸ Bool ⊸ Bool) ⊸ R or (Nat ⊸ Bool) ⊸ Nat ⊸ R (R Bool or Nat),
// and maybe an x : Bool or Nat, with a Bool or Nat result; no params, no defs.
GeneratedProgram make_matrix_input_program(Choices& ch, int size);

// The program as a `.cj` file, with its param values as a comment.
std::string to_source(const GeneratedProgram& p);

}  // namespace cajal::testing
