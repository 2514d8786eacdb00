// The rule lemmas of the compiler's correctness proof (spec/denotation.md §8), as SMT-LIB2.
//
// Each lemma is the inductive step for one compilation rule: given sub-results that are correct
// encodings (or arbitrary vectors, where the rule does not care), the rule's neuron, as the engine
// computes it, produces the correct encoding. Every (check-sat) in a lemma's file asks for a
// counterexample at one dimension or depth; `unsat` means there is none. The files are generated
// (`cajal lemmas --out proofs/lemmas`), committed under proofs/lemmas/, and re-checked with Z3 in
// CTest; any SMT-LIB2 solver that supports (set-logic ALL) can re-check them.
#pragma once

#include <string>
#include <vector>

#include "cajal/smt/script.hpp"
#include "cajal/smt/verdict.hpp"
#include "cajal/syntax/diagnostic.hpp"

namespace cajal {

struct LemmaBounds {
  int max_depth = 16;  // depths 0..max_depth (naturals, iteration)
  int max_dim = 4;     // vector and matrix dimensions 1..max_dim
};

// The comment that marks a query whose sizes are unknowns, proved for every size at once.
inline constexpr const char* kForEverySize = "for every size:";

struct Lemma {
  std::string name;     // L-If, L-Iter, ...
  std::string rule;     // the compilation rule it is the step of: C-If, C-Iter, ...
  std::string claim;    // in words
  std::string smtlib;   // the file: banner, then one push/check-sat/pop per instance
  std::size_t queries;  // how many (check-sat)s
  std::size_t for_every_size = 0;  // of which for every size (depth, dimensions unknowns)
};

std::vector<Lemma> rule_lemmas(const LemmaBounds& bounds = {});

// The file name of a lemma: "L-If" -> "L-If.smt2".
std::string lemma_file_name(const Lemma& lemma);

// Runs an SMT-LIB2 script with Z3 (the SMT layer, cajal/smt/script.hpp).
using smt::run_smtlib;

// A lemma file re-checked by Z3: refuted when a query is sat (an instance is wrong), proved when
// every query is unsat, unknown otherwise.
struct LemmaCheck {
  smt::Verdict verdict = smt::Verdict::Unknown;
  std::size_t unsat = 0;    // queries answered unsat
  std::size_t queries = 0;  // (check-sat) commands in the file
  std::size_t for_every_size = 0, for_every_size_unsat = 0;  // of them, marked kForEverySize (and unsat)
  double seconds = 0;
};
Result<LemmaCheck> check_lemma(const std::string& smtlib);

}  // namespace cajal
