// SMT-LIB2 scripts run by Z3 (the rule lemmas of proofs/lemmas).
#pragma once

#include <string>
#include <vector>

#include "cajal/syntax/diagnostic.hpp"

namespace cajal::smt {

// Runs an SMT-LIB2 script with Z3 and returns the answers of its (check-sat) commands in order
// ("sat", "unsat" or "unknown"). Fails when Z3 reports an error, or when the script runs past
// `seconds` of wall clock (Z3 is interrupted then, and the script is left to it kInterruptGrace
// later if it has not stopped, as smt::Solver's checks are).
Result<std::vector<std::string>> run_smtlib(const std::string& script, double seconds = 600);

}  // namespace cajal::smt
