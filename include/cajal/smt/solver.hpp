// The one place that asks Z3 questions (the SMT layer, shared by prove and check).
//
// A Solver holds the assertions in the caller's context and asks each question of a copy of them
// in a context of its own, on a thread of its own (the check's worker). The caller waits for the
// answer until the budget's deadline, then interrupts Z3 (Z3 4.8.12's own timeouts are not
// reliable), and waits kInterruptGrace more at most: a check Z3 has not left by then is left to it.
// The worker, which owns that context, frees it when Z3 stops; the caller, which never shares a
// context with a running check, returns at once with `unknown`. So a check returns within
// kInterruptGrace of its deadline, however long Z3 takes to notice the interrupt (it took up to
// 1.1 s past --timeout on mul.cj at D = 64 asked whole, when the check ran on the caller's thread).
// Z3's deterministic resource limit applies too, when set. A check past the deadline, interrupted,
// or answered `unknown` is `z3::unknown` with the reason in reason_unknown(); a Z3 exception is the
// same, never an escape. Nothing outside src/smt calls z3::solver::check() (scripts/check-layers.py
// enforces it).
#pragma once

#include <z3++.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cajal/smt/verdict.hpp"

namespace cajal::smt {

// The longest budget a check may have (about 11.6 days); a longer one is cut to it.
inline constexpr double kMaxSeconds = 1e6;

// How long a check waits for Z3 to honour the interrupt at its deadline before it leaves Z3 to it.
inline constexpr double kInterruptGrace = 0.2;

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
  // The witness of the last check, which answered sat (in context()); a Z3 exception otherwise.
  z3::model model();

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
    explicit Scope(Solver& s) : s_(&s) { s_->push(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    ~Scope() { s_->pop(); }

   private:
    Solver* s_;
  };
  [[nodiscard]] Scope scope() { return Scope(*this); }

  // The assertions as an SMT-LIB2 script (for --smt-dump and certificates).
  std::string smtlib() { return solver_.to_smt2(); }
  // The assertions, to state them to another solver. (A question asked after push/pop is asked of
  // Z3's incremental core, without the preprocessing that decides a one-shot question: ten times
  // slower on add.cj's obligation at D = 32. Side questions go to a solver of their own.)
  z3::expr_vector assertions() { return solver_.assertions(); }
  double seconds_left() const;

 private:
  struct Worker;  // a check's context and thread (solver.cpp)

  void push();
  void pop();
  z3::check_result check_until(std::chrono::steady_clock::time_point deadline);
  // Gives the worker the assertions it does not have yet (starting one if there is none).
  void mirror();
  // Lets the worker go: it frees its solver on its own thread, then waits for another Solver
  // (`reusable`: its context is as good as new) or frees its context and ends.
  void retire(bool reusable = true);
  friend void release_idle_workers();

  z3::context& ctx_;
  z3::solver solver_;  // the assertions as stated, in ctx_ (never checked here)
  Budget budget_;
  std::chrono::steady_clock::time_point deadline_;
  std::string reason_;
  std::optional<z3::model> model_;  // the last check's witness, in ctx_
  std::shared_ptr<Worker> worker_;  // none before the first check, or after one left to Z3
  z3::expr_vector mirrored_;        // solver_'s assertions the worker has, in order
  std::vector<unsigned> mirrored_at_push_;  // mirrored_.size() at each push since the worker started
};

// Lets the idle workers go (each frees its context and ends); smt::wait_for_background_threads
// calls it.
void release_idle_workers();

}  // namespace cajal::smt
