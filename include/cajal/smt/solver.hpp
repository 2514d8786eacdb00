// The one place that asks Z3 questions (the SMT layer, shared by prove and check).
//
// Every check runs under a wall-clock watchdog that interrupts Z3 at the budget's deadline (Z3
// 4.8.12's own timeouts are not reliable) and, when set, Z3's deterministic resource limit. A
// check past the deadline, interrupted, or answered `unknown` is `z3::unknown` with the reason in
// reason_unknown(); a Z3 exception is the same, never an escape. Nothing outside src/smt calls
// z3::solver::check() (scripts/check-layers.py enforces it).
#pragma once

#include <z3++.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cajal/smt/verdict.hpp"

namespace cajal::smt {

// The longest budget a check may have (about 11.6 days); a longer one is cut to it.
inline constexpr double kMaxSeconds = 1e6;

// What one solver may spend, all its checks together.
struct Budget {
  double seconds = 60;  // wall clock, from the solver's construction
  unsigned rlimit = 0;  // Z3's resource limit for each check (0: none)
  unsigned seed = 0;    // Z3's random seed
};

class Solver {
 public:
  // Assumes `ctx` outlives the solver. The deadline starts now.
  Solver(z3::context& ctx, const Budget& budget);
  ~Solver();
  Solver(const Solver&) = delete;
  Solver& operator=(const Solver&) = delete;

  z3::context& context() { return ctx_; }
  void add(const z3::expr& e) { solver_.add(e); }

  // One question: sat (model() is a witness), unsat, or unknown (reason_unknown() says why).
  z3::check_result check();
  const std::string& reason_unknown() const { return reason_; }
  z3::model model() { return solver_.get_model(); }

  // Excludes the values that `m` gives to `leaves` (every assignment of them is one answer); with
  // no leaves, excludes everything (there was one answer).
  void block(const std::vector<z3::expr>& leaves, const z3::model& m);

  // Counts the answers, distinct on `leaves`, up to `cap` and within `seconds` (and the budget),
  // calling `each` on every one in the order found (it returns false to stop). The answers stay
  // blocked: run it in a scope. complete: every answer was counted (the last check was unsat).
  struct Enumeration {
    std::size_t count = 0;
    bool complete = false;
  };
  Enumeration enumerate(const std::vector<z3::expr>& leaves, std::size_t cap, double seconds,
                        const std::function<bool(const z3::model&)>& each = {});

  // push() now, pop() when the scope ends.
  class Scope {
   public:
    explicit Scope(z3::solver& s) : s_(&s) { s_->push(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    ~Scope() { s_->pop(); }

   private:
    z3::solver* s_;
  };
  [[nodiscard]] Scope scope() { return Scope(solver_); }

  // The assertions as an SMT-LIB2 script (for --smt-dump and certificates).
  std::string smtlib() { return solver_.to_smt2(); }
  // The assertions, to state them to another solver. (A question asked after push/pop is asked of
  // Z3's incremental core, without the preprocessing that decides a one-shot question: ten times
  // slower on add.cj's obligation at D = 32. Side questions go to a solver of their own.)
  z3::expr_vector assertions() { return solver_.assertions(); }
  double seconds_left() const;

 private:
  z3::check_result check_until(std::chrono::steady_clock::time_point deadline);
  void watch();

  z3::context& ctx_;
  z3::solver solver_;
  Budget budget_;
  std::chrono::steady_clock::time_point deadline_;
  std::string reason_;
  // The watchdog: one thread for the solver's life (not one per check: enumerations make many),
  // which interrupts Z3 when the running check passes its deadline.
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false, checking_ = false, interrupted_ = false;
  std::uint64_t generation_ = 0;  // one per check
  std::chrono::steady_clock::time_point check_deadline_;
  std::thread watchdog_;
};

}  // namespace cajal::smt
