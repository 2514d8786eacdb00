// Neural equivalence: the two compiled networks as functions of all real inputs and params.
#include "check_internal.hpp"

#include "cajal/smt/context.hpp"

#include <z3++.h>

#include <map>
#include <optional>
#include <random>
#include <sstream>

#include "../prove/symbolic.hpp"
#include "cajal/network/encode.hpp"
#include "cajal/network/engine.hpp"

namespace cajal::check_impl {

namespace {
// The number of basis inputs (one basis vector per argument position), or cap + 1.
std::size_t basis_count(const Setup& s, int depth, std::size_t cap) {
  std::size_t n = 1;
  for (std::size_t k = 0; k < s.positions; ++k) n = saturating_mul(n, dimension(*s.slots[k].type, depth), cap);
  return n;
}
// Basis input `t`: for each position, the index of its basis vector (position 0 most significant).
std::vector<std::size_t> basis_digits(const Setup& s, std::size_t t, int depth) {
  std::vector<std::size_t> digits(s.positions);
  for (std::size_t k = s.positions; k-- > 0;) {
    std::size_t d = dimension(*s.slots[k].type, depth);
    digits[k] = t % d;
    t /= d;
  }
  return digits;
}
std::string basis_text(std::size_t dim, std::size_t hot) { return vector_text(basis_vector(dim, hot)); }
// An output vector in source syntax when it encodes a value, else as a list.
std::string output_text(const Eigen::VectorXd& y, const Type& type, int depth) {
  std::optional<std::string> v = decode(y, type, depth);
  return v ? *v : vector_text(y);
}

constexpr std::size_t kNeuralNumbers = 50'000'000;  // inputs and outputs of the batch, together

}  // namespace

void neural_numeric(const Setup& s, const Network& a, const Network& b, const EquivalenceOptions& options,
                    EquivalenceResult& out) {
  const int depth = options.depth;
  std::size_t per_column = dimension(*s.result, depth);
  for (std::size_t k = 0; k < s.positions; ++k) per_column += dimension(*s.slots[k].type, depth);
  const std::size_t total = basis_count(s, depth, kNeuralNumbers);
  if (total > kNeuralNumbers / per_column)
    return (void)(out.verdict = Verdict::Unknown,
                  out.reason = "the networks' tensors are too large to compare (more than " +
                               std::to_string(kNeuralNumbers) + " numbers)");
  out.method = "tensors: both networks on all " + plural(total, "basis input", "basis inputs") + ", exactly";
  NetworkArgs args;
  for (std::size_t k = 0; k < s.positions; ++k)
    args.inputs.push_back(Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(dimension(*s.slots[k].type, depth)),
                                                static_cast<Eigen::Index>(total)));
  for (std::size_t t = 0; t < total; ++t) {
    std::vector<std::size_t> digits = basis_digits(s, t, depth);
    for (std::size_t k = 0; k < s.positions; ++k)
      args.inputs[k](static_cast<Eigen::Index>(digits[k]), static_cast<Eigen::Index>(t)) = 1;
  }
  Result<NetworkRun> ra = Plan(a, options.threads).run(args), rb = Plan(b, options.threads).run(args);
  if (!ra || !rb) {
    out.verdict = Verdict::Unknown;
    out.reason = "internal: " + render((ra ? rb : ra).diagnostics);
    return;
  }
  // Every number is an integer (0/1 constants, sums and products), exact in a double below 2^53.
  auto exact = [](const Eigen::MatrixXd& m) {
    return m.allFinite() && (m.array() == m.array().round()).all() && m.cwiseAbs().maxCoeff() < 9.0e15;
  };
  if (!exact(ra->output) || !exact(rb->output)) {
    out.verdict = Verdict::Unknown;
    out.reason = "internal: a tensor entry is not an exact integer";
    return;
  }
  // Mass is meaningful for encodings: basis vectors are encodings of Bool and Nat inputs only.
  bool encodings = true;
  for (std::size_t k = 0; k < s.positions; ++k) encodings = encodings && !s.slots[k].type->is_arrow();
  std::size_t lost = 0;
  for (std::size_t t = 0; t < total; ++t) {
    const Eigen::Index col = static_cast<Eigen::Index>(t);
    // A batch-invariant output comes back as one column.
    auto at = [&](const Eigen::VectorXd& v) { return v.size() == 0 ? 0.0 : v(v.size() == 1 ? 0 : col); };
    if (encodings && (at(ra->mass_lost) != 0 || at(rb->mass_lost) != 0)) ++lost;
    Eigen::VectorXd ya = ra->output.col(ra->output.cols() == 1 ? 0 : col);
    Eigen::VectorXd yb = rb->output.col(rb->output.cols() == 1 ? 0 : col);
    if (ya == yb) continue;
    if (out.counterexamples++ == 0) {
      EquivalenceResult::Counterexample ce;
      std::vector<std::size_t> digits = basis_digits(s, t, depth);
      for (std::size_t k = 0; k < s.positions; ++k)
        ce.inputs.push_back({s.slots[k].name, basis_text(dimension(*s.slots[k].type, depth), digits[k]), false});
      ce.left = output_text(ya, *s.result, depth);
      ce.right = output_text(yb, *s.result, depth);
      out.counterexample = ce;
    }
  }
  out.inputs_compared = total;
  out.verdict = out.counterexamples ? Verdict::NotEquivalent : Verdict::Equivalent;
  if (lost)
    out.warnings.push_back("on " + plural(lost, "basis input", "basis inputs") + " a network loses mass past D = " +
                           std::to_string(depth) + " (a natural exceeds D): neural equivalence compares the networks as they are at this depth");
}

namespace {
constexpr std::size_t kPolynomialBasis = 4096;

// A point where the nonzero polynomial d (in the params' entries) is nonzero, as a counterexample:
// the basis input `digits`, the params at the point, and both outputs there. A nonzero polynomial
// is nonzero at almost every point (Schwartz–Zippel): small integers are tried first (readable),
// then wider ranges; the values are exact. nullopt when 64 tries found none.
std::optional<EquivalenceResult::Counterexample> witness(const z3::expr& d, const z3::expr_vector& unknowns,
                                                         const symbolic::SVec& ya, const symbolic::SVec& yb,
                                                         const Setup& s, const std::vector<std::size_t>& digits,
                                                         int depth, std::mt19937_64& rng) {
  z3::context& ctx = d.ctx();
  for (int attempt = 0; attempt < 64; ++attempt) {
    std::uniform_int_distribution<int> pick(-(2 + attempt * attempt), 2 + attempt * attempt);
    z3::expr_vector point(ctx);
    for (unsigned u = 0; u < unknowns.size(); ++u) point.push_back(ctx.real_val(pick(rng)));
    z3::expr at = z3::expr(d).substitute(unknowns, point).simplify();
    if (at.is_numeral() && at.get_decimal_string(0) == "0") continue;
    EquivalenceResult::Counterexample ce;
    for (std::size_t k = 0; k < s.positions; ++k)
      ce.inputs.push_back({s.slots[k].name, basis_text(dimension(*s.slots[k].type, depth), digits[k]), false});
    unsigned u = 0;
    for (std::size_t k = s.positions; k < s.slots.size(); ++k) {
      std::string v = "[";
      for (std::size_t j = 0; j < dimension(*s.slots[k].type, depth); ++j, ++u)
        v += (j ? ", " : "") + symbolic::numeral_text(point[static_cast<int>(u)]);
      ce.inputs.push_back({s.slots[k].name, v + "]", true});
    }
    // An output at the point: in source syntax when it encodes a value, else as a list.
    auto value_at_point = [&](const symbolic::SVec& y) {
      std::string v = "[";
      Eigen::VectorXd numbers(static_cast<Eigen::Index>(y.size()));
      bool integral = true;
      for (std::size_t r = 0; r < y.size(); ++r) {
        z3::expr at_point = z3::expr(y[r]).substitute(unknowns, point).simplify();
        int64_t i = 0;
        integral = integral && at_point.is_numeral_i64(i);
        numbers(static_cast<Eigen::Index>(r)) = static_cast<double>(i);
        v += (r ? ", " : "") + symbolic::numeral_text(at_point);
      }
      std::optional<std::string> decoded = integral ? decode(numbers, *s.result, depth) : std::nullopt;
      return decoded ? *decoded : v + "]";
    };
    ce.left = value_at_point(ya);
    ce.right = value_at_point(yb);
    return ce;
  }
  return std::nullopt;
}

}  // namespace

void neural_polynomial(const Setup& s, const Network& a, const Network& b, const EquivalenceOptions& options,
                       EquivalenceResult& out) {
  const int depth = options.depth;
  const auto deadline = Clock::now() + std::chrono::duration<double>(options.timeout_seconds);
  const std::size_t total = basis_count(s, depth, kPolynomialBasis);
  if (total > kPolynomialBasis)
    return (void)(out.verdict = Verdict::Unknown,
                  out.reason = "more than " + std::to_string(kPolynomialBasis) +
                               " basis inputs to compare as polynomials in the params");
  out.method = "polynomial identity in the params' entries (Z3 sum-of-monomials normal form), on all " +
               plural(total, "basis input", "basis inputs");
  smt::Context context;
  z3::context& ctx = context;
  std::map<std::string, symbolic::SVec> params;
  z3::expr_vector unknowns(ctx);
  for (std::size_t k = s.positions; k < s.slots.size(); ++k) {
    symbolic::SVec v;
    for (std::size_t j = 0; j < dimension(*s.slots[k].type, depth); ++j) {
      v.push_back(ctx.real_const((s.slots[k].name + "[" + std::to_string(j) + "]").c_str()));
      unknowns.push_back(v.back());
    }
    params.emplace(s.slots[k].name, v);
  }
  auto only = [&](const Network& n) {
    std::map<std::string, symbolic::SVec> mine;
    for (const NetworkInput& p : n.params) mine.emplace(p.name, params.at(p.name));
    return mine;
  };
  symbolic::SymbolicEngine ea(ctx, a, only(a)), eb(ctx, b, only(b));
  z3::params som(ctx);
  som.set("som", true);
  std::mt19937_64 rng(0x5eed);
  for (std::size_t t = 0; t < total; ++t) {
    if (Clock::now() > deadline)
      return (void)(out.verdict = Verdict::Unknown, out.reason = "timeout after " + std::to_string(t) + " of " +
                                                                  std::to_string(total) + " basis inputs");
    std::vector<std::size_t> digits = basis_digits(s, t, depth);
    std::vector<symbolic::SVec> ins;
    for (std::size_t k = 0; k < s.positions; ++k) {
      symbolic::SVec e;
      for (std::size_t j = 0; j < dimension(*s.slots[k].type, depth); ++j) e.push_back(ctx.real_val(j == digits[k] ? 1 : 0));
      ins.push_back(e);
    }
    symbolic::SVec ya = ea.run(0, ins), yb = eb.run(0, ins);
    ++out.inputs_compared;
    bool differs = false;
    for (std::size_t c = 0; c < ya.size() && !differs; ++c) {
      z3::expr d = (ya[c] - yb[c]).simplify(som);
      if (d.is_numeral() && d.get_decimal_string(0) == "0") continue;
      differs = true;
      if (out.counterexamples > 0) continue;
      out.counterexample = witness(d, unknowns, ya, yb, s, digits, depth, rng);
      if (!out.counterexample)
        return (void)(out.verdict = Verdict::Unknown,
                      out.reason = "the networks differ as polynomials but no point of difference was found");
    }
    if (differs) ++out.counterexamples;
  }
  out.verdict = out.counterexamples ? Verdict::NotEquivalent : Verdict::Equivalent;
}

}  // namespace cajal::check_impl
