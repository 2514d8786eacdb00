// Observational equivalence, exhaustively: the interpreter on every input tuple.
#include "check_internal.hpp"


namespace cajal::check_impl {

void exhaustive(const CheckSide& left, const CheckSide& right, const Setup& s, const EquivalenceOptions& options,
                std::size_t total, EquivalenceResult& out) {
  std::vector<std::vector<ValuePtr>> values(s.slots.size());
  for (std::size_t k = 0; k < s.slots.size(); ++k)
    for (std::size_t i = 0; i < count_values(*s.slots[k].type, options.depth, total); ++i)
      values[k].push_back(value_at(s.slots[k].type, i, options.depth));
  out.method = "exhaustive: the interpreter on all " + plural(total, "input", "inputs");
  std::size_t beyond = 0;
  Tuple tuple(s.slots.size());
  const auto deadline = Clock::now() + std::chrono::duration<double>(options.timeout_seconds);
  for (std::size_t t = 0; t < total; ++t) {
    if ((t & 63) == 0 && Clock::now() > deadline) {
      out.verdict = Verdict::Unknown;
      out.reason = "timeout after " + std::to_string(t) + " of " + std::to_string(total) + " inputs (" +
                   std::to_string(options.timeout_seconds) + " s)";
      return;
    }
    std::size_t rest = t;
    for (std::size_t k = s.slots.size(); k-- > 0;) {  // slot 0 is the most significant digit
      tuple[k] = values[k][rest % values[k].size()];
      rest /= values[k].size();
    }
    Comparison c = compare_on(left, right, s, tuple, options);
    ++out.inputs_compared;
    if (c.error) {
      out.verdict = Verdict::Unknown;
      out.reason = "the interpreter failed on " + inputs_text(s, tuple) + ": " + c.message;
      return;
    }
    if (c.beyond) ++beyond;
    if (c.differ && out.counterexamples++ == 0) out.counterexample = counterexample_of(s, tuple, c);
  }
  out.verdict = out.counterexamples ? Verdict::NotEquivalent : Verdict::Equivalent;
  if (beyond)
    out.warnings.push_back(plural(beyond, "input", "inputs") + " of " + std::to_string(total) +
                           (beyond == 1 ? " needs" : " need") + " naturals above D = " + std::to_string(options.depth) +
                           " in a run; the interpreter compared " + (beyond == 1 ? "it" : "them") +
                           " exactly (a network at depth " + std::to_string(options.depth) + " loses " + (beyond == 1 ? "it" : "them") + ")");
}

}  // namespace cajal::check_impl
