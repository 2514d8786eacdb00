// The scalars the symbolic semantics computes with (internal to the library, src/prove/).
//
// - ExprArith: Z3 real terms. Every unknown of a program without `Vec` is a boolean or a natural,
//   and the numbers both sides compute are Z3 terms over them.
// - PolyArith: polynomials in the *real* unknowns (the entries of Vec inputs and params) whose
//   coefficients are Z3 terms over the discrete unknowns. Both the network and the big-step rules
//   are polynomial in the real numbers a program is given (spec/denotation.md §8.5), and a
//   polynomial over ℝ is zero everywhere exactly when each of its coefficients is zero. So "the
//   two sides agree for every real input" becomes "every coefficient agrees": a question about
//   the discrete unknowns alone, which Z3 decides as it decides programs without Vec.
#pragma once

#include <z3++.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cajal::symbolic {

// Why a symbolic run stopped: not a proof, reported as `unknown` with the reason.
struct Unsupported {
  std::string why;
  bool timeout = false;  // not a limit of the method: the deadline passed while stating the question
  bool cap = false;      // a stated size cap was reached (the reason names it and how to stay under it)
};

class ExprArith {
 public:
  using Scalar = z3::expr;
  explicit ExprArith(z3::context& ctx) : ctx_(ctx) {}

  // When the run must stop (the caller's --timeout), checked every 256 products.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // Numerals combined into one (polynomial coefficients at fixed params); off, the terms are
  // kept as built (the obligations of programs without Vec, byte for byte as certified).
  bool fold_numerals = false;

  z3::context& context() const { return ctx_; }
  z3::expr integer(std::int64_t x) const { return ctx_.real_val(x); }
  static bool is_zero(const z3::expr& a) { return is(a, 0); }

  static bool is(const z3::expr& e, int value) {
    std::int64_t x;
    return e.is_numeral_i64(x) && x == value;
  }
  z3::expr add(const z3::expr& a, const z3::expr& b) {
    if (is(a, 0)) return b;
    if (is(b, 0)) return a;
    if (fold_numerals && a.is_numeral() && b.is_numeral()) return (a + b).simplify();
    return a + b;
  }
  // Products keep to linear arithmetic where they can: a 0/1 selector ite(c, 1, 0) times x is
  // ite(c, x, 0) (the encodings of symbolic inputs are such selectors).
  z3::expr mul(const z3::expr& a, const z3::expr& b) {
    if ((++steps_ & 255) == 0 && std::chrono::steady_clock::now() > deadline)
      throw Unsupported{"the symbolic run took longer than the timeout", true};
    if (is(a, 0) || is(b, 0)) return ctx_.real_val(0);
    if (is(a, 1)) return b;
    if (is(b, 1)) return a;
    if (fold_numerals && a.is_numeral() && b.is_numeral()) return (a * b).simplify();
    if (auto lifted = select(a, b)) return *lifted;
    if (auto lifted = select(b, a)) return *lifted;
    return a * b;
  }

 private:
  z3::context& ctx_;
  std::uint64_t steps_ = 0;

  std::optional<z3::expr> select(const z3::expr& a, const z3::expr& b) {
    if (!a.is_app() || a.decl().decl_kind() != Z3_OP_ITE) return std::nullopt;
    z3::expr then_ = a.arg(1), else_ = a.arg(2);
    if (!((is(then_, 1) || is(then_, 0)) && (is(else_, 1) || is(else_, 0)))) return std::nullopt;
    return z3::ite(a.arg(0), mul(then_, b), mul(else_, b));
  }
};

// A scalar that is a whole number while it can be, computed natively, and a Z3 term once it
// involves an unknown (or would overflow 64 bits). When `prove` splits its obligation into cases
// (spec/denotation.md §8.7), most of the network's numbers in one case are whole numbers: they
// are computed here without a Z3 term, exactly, as ExprArith would compute them and fold them.
struct Mixed {
  std::int64_t whole = 0;
  std::optional<z3::expr> term;  // set: the scalar is this term (whole is unused)
};

class MixedArith {
 public:
  using Scalar = Mixed;
  explicit MixedArith(z3::context& ctx) : terms_(ctx) {}

  ExprArith& terms() { return terms_; }
  std::chrono::steady_clock::time_point& deadline() { return terms_.deadline; }

  Mixed integer(std::int64_t x) const { return Mixed{x, std::nullopt}; }
  static bool is_zero(const Mixed& a) { return !a.term && a.whole == 0; }
  // A Z3 term, as a whole number when it is a numeral that fits.
  static Mixed of(const z3::expr& e) {
    std::int64_t x;
    if (e.is_numeral_i64(x)) return Mixed{x, std::nullopt};
    return Mixed{0, e};
  }
  z3::expr term(const Mixed& a) const { return a.term ? *a.term : terms_.integer(a.whole); }

  Mixed add(const Mixed& a, const Mixed& b) {
    std::int64_t sum;
    if (!a.term && !b.term && !__builtin_add_overflow(a.whole, b.whole, &sum)) return integer(sum);
    if (!a.term && a.whole == 0) return b;
    if (!b.term && b.whole == 0) return a;
    return of(terms_.add(term(a), term(b)));
  }
  Mixed mul(const Mixed& a, const Mixed& b) {
    if ((++steps_ & 4095) == 0 && std::chrono::steady_clock::now() > terms_.deadline)
      throw Unsupported{"the symbolic run took longer than the timeout", true};
    std::int64_t product;
    if (!a.term && !b.term && !__builtin_mul_overflow(a.whole, b.whole, &product)) return integer(product);
    return of(terms_.mul(term(a), term(b)));  // (ExprArith folds 0 and 1)
  }

 private:
  ExprArith terms_;
  std::uint64_t steps_ = 0;
};

// A monomial: the indices of the real unknowns it multiplies, sorted, an index repeated for a power.
using Monomial = std::vector<std::uint32_t>;

// Σ coefficient · monomial, sorted by monomial, without coefficients that are the numeral 0.
struct Poly {
  std::vector<std::pair<Monomial, z3::expr>> terms;
};

class PolyArith {
 public:
  using Scalar = Poly;
  // The stated size caps: terms in one polynomial, and terms made in one run (each ~100 bytes).
  static constexpr std::size_t kMaxTerms = std::size_t{1} << 16;
  static constexpr std::size_t kMaxTermsMade = std::size_t{1} << 21;

  explicit PolyArith(z3::context& ctx) : coefficients_(ctx) { coefficients_.fold_numerals = true; }

  ExprArith& coefficients() { return coefficients_; }
  std::chrono::steady_clock::time_point& deadline() { return coefficients_.deadline; }

  Poly constant(const z3::expr& c) {
    Poly p;
    if (!ExprArith::is(c, 0)) p.terms.emplace_back(Monomial{}, c);
    return p;
  }
  Poly integer(std::int64_t x) { return constant(coefficients_.integer(x)); }
  static bool is_zero(const Poly& p) { return p.terms.empty(); }
  Poly variable(std::uint32_t index) { return Poly{{{Monomial{index}, coefficients_.integer(1)}}}; }

  Poly add(const Poly& a, const Poly& b) {
    return combine(a, b, [&](const z3::expr& x, const z3::expr& y) { return coefficients_.add(x, y); },
                   [](const z3::expr& x) { return x; }, [](const z3::expr& y) { return y; });
  }
  // ite(c, a, b), coefficient by coefficient (a missing term is 0). A condition that is constant
  // (an `iter` count given as a numeral) selects: the polynomials of the other side are not kept.
  Poly ite(const z3::expr& c, const Poly& a, const Poly& b) {
    if (const z3::expr known = c.simplify(); known.is_true() || known.is_false()) return known.is_true() ? a : b;
    z3::expr zero = coefficients_.integer(0);
    return combine(a, b, [&](const z3::expr& x, const z3::expr& y) { return z3::ite(c, x, y); },
                   [&](const z3::expr& x) { return z3::ite(c, x, zero); },
                   [&](const z3::expr& y) { return z3::ite(c, zero, y); });
  }
  Poly mul(const Poly& a, const Poly& b) {
    if (a.terms.empty() || b.terms.empty()) return {};
    if (a.terms.size() == 1 && a.terms[0].first.empty()) return scale(a.terms[0].second, b);
    if (b.terms.size() == 1 && b.terms[0].first.empty()) return scale(b.terms[0].second, a);
    Poly sum;
    for (const auto& [m, c] : a.terms) {
      Poly part;
      for (const auto& [n, d] : b.terms) {
        Monomial product;
        product.reserve(m.size() + n.size());
        std::merge(m.begin(), m.end(), n.begin(), n.end(), std::back_inserter(product));
        z3::expr coefficient = coefficients_.mul(c, d);
        if (!ExprArith::is(coefficient, 0)) part.terms.emplace_back(std::move(product), coefficient);
      }
      std::sort(part.terms.begin(), part.terms.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
      sum = add(sum, part);
    }
    return sum;
  }
  // Whether the two polynomials differ: some coefficient does.
  z3::expr differ(const Poly& a, const Poly& b) {
    z3::expr_vector any(coefficients_.context());
    combine(a, b,
            [&](const z3::expr& x, const z3::expr& y) {
              any.push_back(x != y);
              return x;
            },
            [&](const z3::expr& x) {
              any.push_back(x != coefficients_.integer(0));
              return x;
            },
            [&](const z3::expr& y) {
              any.push_back(y != coefficients_.integer(0));
              return y;
            });
    return z3::mk_or(any);
  }

 private:
  ExprArith coefficients_;
  std::size_t made_ = 0;

  Poly scale(const z3::expr& c, const Poly& p) {
    Poly out;
    for (const auto& [m, d] : p.terms) {
      z3::expr product = coefficients_.mul(c, d);
      if (!ExprArith::is(product, 0)) out.terms.emplace_back(m, product);
    }
    return counted(std::move(out));
  }
  // The merge of two sorted term lists: `both` where a monomial is in both, `left`/`right` where
  // it is in one.
  template <class Both, class Left, class Right>
  Poly combine(const Poly& a, const Poly& b, Both both, Left left, Right right) {
    Poly out;
    out.terms.reserve(a.terms.size() + b.terms.size());
    std::size_t i = 0, j = 0;
    auto keep = [&](const Monomial& m, z3::expr c) {
      if (!ExprArith::is(c, 0)) out.terms.emplace_back(m, std::move(c));
    };
    while (i < a.terms.size() || j < b.terms.size()) {
      if (j == b.terms.size() || (i < a.terms.size() && a.terms[i].first < b.terms[j].first)) {
        keep(a.terms[i].first, left(a.terms[i].second));
        ++i;
      } else if (i == a.terms.size() || b.terms[j].first < a.terms[i].first) {
        keep(b.terms[j].first, right(b.terms[j].second));
        ++j;
      } else {
        keep(a.terms[i].first, both(a.terms[i].second, b.terms[j].second));
        ++i, ++j;
      }
    }
    return counted(std::move(out));
  }
  Poly counted(Poly p) {
    made_ += p.terms.size();
    if (p.terms.size() > kMaxTerms || made_ > kMaxTermsMade)
      throw Unsupported{"the polynomials in the real inputs and params grew past the size cap (" + std::to_string(kMaxTerms) +
                            " terms in one, " + std::to_string(kMaxTermsMade) +
                            " in all): fix the params' values with --param to prove the program at those values",
                        false, true};
    return p;
  }
};

}  // namespace cajal::symbolic
