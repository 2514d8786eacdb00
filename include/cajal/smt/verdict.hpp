// The answer of a decision that asks a solver: proved, refuted (with a counterexample elsewhere),
// or unknown with the measured reason (a timeout, a resource limit, a stated size cap).
#pragma once

namespace cajal::smt {

enum class Verdict { Proved, Refuted, Unknown };

// "proved", "refuted", "unknown".
const char* verdict_name(Verdict v);

}  // namespace cajal::smt
