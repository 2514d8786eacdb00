#include "cajal/smt/solver.hpp"

#include "cajal/smt/context.hpp"
#include "cajal/network/network.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>

namespace cajal::smt {

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Proved: return "proved";
    case Verdict::Refuted: return "refuted";
    case Verdict::Unknown: return "unknown";
  }
  return "unknown";
}

namespace {
using Clock = std::chrono::steady_clock;

// What Z3's allocator may hold (its memory_max_size): the memory budget, in whole MiB.
std::uint64_t z3_memory_cap() { return std::min<std::uint64_t>(memory_budget() >> 20, 1u << 30) << 20; }

std::string seconds_text(double s) {
  std::ostringstream ss;
  ss << s;
  return ss.str();
}
}  // namespace

// A check's own context, solver and thread. The caller (Solver) and the worker's thread share it;
// they take turns under `mutex`: the caller touches the context only while no check is running
// (mirroring assertions, reading the answer), the worker only while one is, except interrupt(),
// which Z3 allows from any thread. When the Solver lets it go (retire), the worker frees its
// solver on its own thread and, if its context is as good as new (no check interrupted, failed or
// answered unknown), waits among the idle workers for the next Solver: a fresh context costs
// about 5 ms before its first answer (making it, and Z3's first use of each theory in it). Else,
// or when a check the caller left behind returns, it frees its context and ends.
struct Solver::Worker {
  std::unique_ptr<z3::context> ctx = std::make_unique<z3::context>();
  std::unique_ptr<z3::solver> solver = std::make_unique<z3::solver>(*ctx);
  std::mutex mutex;
  std::condition_variable wake;
  bool asked = false;     // a check is wanted
  bool answered = false;  // the check asked last has returned
  bool released = false;  // the Solver no longer needs it
  bool reusable = true;   // (when released) its context may serve another Solver
  bool left = false;      // the caller left its last check behind
  z3::check_result result = z3::unknown;
  std::string failure;  // a Z3 exception's message

  void run(const std::shared_ptr<Worker>& self) {
    std::unique_lock lock(mutex);
    for (;;) {
      wake.wait(lock, [&] { return asked || released; });
      if (released) {
        const bool again = reusable;
        lock.unlock();
        solver.reset();  // (its assertions and search: slow to free when large)
        if (!again || !idle(self)) break;
        lock.lock();
        continue;
      }
      asked = false;
      lock.unlock();
      z3::check_result r = z3::unknown;
      std::string error;
      try {
        r = solver->check();
      } catch (const z3::exception& e) {
        error = e.msg();
      } catch (const std::exception& e) {  // (e.g. std::bad_alloc from Z3's own containers)
        error = e.what();
      } catch (...) {
        error = "an unknown exception";
      }
      hold_after_check();  // (for_tests::hold_checks)
      lock.lock();
      result = r;
      failure = std::move(error);
      answered = true;
      wake.notify_all();
      if (left) {
        lock.unlock();
        break;
      }
    }
    solver.reset();
    ctx.reset();  // (slow for a large one: this is why it is freed here)
  }

  // Interrupts the check every 5 ms until it has answered (for a check its caller left: Z3 4.8.12
  // forgets an interrupt that comes before the check starts). The worker frees its context only
  // after answering, and this touches it only under `mutex` before that.
  void interrupt_until_answered() {
    std::unique_lock lock(mutex);
    while (!answered) {
      ctx->interrupt();
      wake.wait_for(lock, std::chrono::milliseconds(5), [&] { return answered; });
    }
  }

  // Waits among the idle workers with a fresh solver; false when there are enough already (or
  // the solver or the place could not be made: nothing escapes this thread).
  bool idle(const std::shared_ptr<Worker>& self) noexcept {
    try {
      solver = std::make_unique<z3::solver>(*ctx);
      {
        std::lock_guard lock(mutex);
        asked = answered = released = false;
      }
      std::lock_guard lock(g_idle_mutex);
      if (g_idle.size() >= kIdleWorkers) return false;
      g_idle.push_back(self);
      return true;
    } catch (...) {
      return false;
    }
  }

  // An idle worker, if there is one.
  static std::shared_ptr<Worker> take_idle() {
    std::lock_guard lock(g_idle_mutex);
    if (g_idle.empty()) return nullptr;
    std::shared_ptr<Worker> w = std::move(g_idle.back());
    g_idle.pop_back();
    return w;
  }

  // Lets every idle worker go: each frees its context and ends.
  static void release_idle() {
    std::vector<std::shared_ptr<Worker>> idle;
    {
      std::lock_guard lock(g_idle_mutex);
      idle.swap(g_idle);
    }
    for (const std::shared_ptr<Worker>& w : idle) {
      {
        std::lock_guard lock(w->mutex);
        w->released = true;
        w->reusable = false;
      }
      w->wake.notify_all();
    }
  }

  // Enough for the Solvers a caller has at once (prove: a case's own, its question, a side one).
  static constexpr std::size_t kIdleWorkers = 4;
  static inline std::mutex g_idle_mutex;
  static inline std::vector<std::shared_ptr<Worker>> g_idle;
};

void release_idle_workers() { Solver::Worker::release_idle(); }

Solver::Solver(z3::context& ctx, const Budget& budget)
    : ctx_(ctx), solver_(ctx), budget_(budget),
      // (at most kMaxSeconds ahead: a larger budget would overflow the clock's representation)
      deadline_(Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(std::clamp(budget.seconds, 0.0, kMaxSeconds)))),
      mirrored_(ctx) {
  // Z3's own allocator refuses to grow past the memory budget (`--max-memory`): a check that would
  // is unknown ("out of memory"), not the process's end.
  z3::set_param("memory_max_size", static_cast<int>(z3_memory_cap() >> 20));
}

Solver::~Solver() { retire(); }

double Solver::seconds_left() const { return std::chrono::duration<double>(deadline_ - Clock::now()).count(); }

z3::check_result Solver::check() { return check_until(deadline_); }

z3::model Solver::model() {
  if (!model_) throw z3::exception("there is no model: the last check did not answer sat");
  return *model_;
}

void Solver::push() {
  solver_.push();
  if (!worker_) return;
  try {
    mirror();  // (what was added before the scope stays when it is popped)
    worker_->solver->push();
    mirrored_at_push_.push_back(mirrored_.size());
  } catch (const z3::exception&) {
    retire(false);  // (a Z3 error, e.g. out of memory: the next check starts a worker afresh)
  }
}

void Solver::pop() {
  solver_.pop();
  if (!worker_) return;
  if (mirrored_at_push_.empty()) {  // the worker started inside this scope: it has its assertions at its base
    retire();
    return;
  }
  try {
    worker_->solver->pop();
    mirrored_.resize(mirrored_at_push_.back());
    mirrored_at_push_.pop_back();
  } catch (const z3::exception&) {
    retire(false);  // (Scope's destructor calls this: nothing may escape)
  }
}

void Solver::mirror() {
  const z3::expr_vector stated = solver_.assertions();
  bool prefix = worker_ && mirrored_.size() <= stated.size();
  for (unsigned k = 0; prefix && k < mirrored_.size(); ++k)
    prefix = static_cast<Z3_ast>(stated[static_cast<int>(k)]) == static_cast<Z3_ast>(mirrored_[static_cast<int>(k)]);
  if (!prefix) {  // (a new worker; or, which should not happen, one whose assertions differ)
    retire();
    std::shared_ptr<Worker> worker = Worker::take_idle();
    if (!worker) {
      // Z3 makes a null context past its memory cap, which z3++ then uses: refused first. (A new
      // context with its solver and a first check holds about 19 MiB.)
      constexpr std::uint64_t kNewContextBytes = std::uint64_t{32} << 20;
      if (static_cast<std::uint64_t>(Z3_get_estimated_alloc_size()) + kNewContextBytes > z3_memory_cap())
        throw z3::exception("out of memory (no room for the check's own context)");
      worker = std::make_shared<Worker>();
      if (!run_in_background([worker] { worker->run(worker); }))
        throw z3::exception("no thread could be started for Z3's check");
    }
    worker_ = std::move(worker);
    z3::params p(*worker_->ctx);
    p.set("random_seed", budget_.seed);
    if (budget_.rlimit) p.set("rlimit", budget_.rlimit);
    worker_->solver->set(p);
  }
  z3::expr_vector added(ctx_);
  for (unsigned k = mirrored_.size(); k < stated.size(); ++k) added.push_back(stated[static_cast<int>(k)]);
  if (added.empty()) return;
  // One translation for all of them: the terms they share are copied once. (Z3 reports a failure,
  // e.g. out of memory, on the source context, and returns no vector.)
  Z3_ast_vector translated = Z3_ast_vector_translate(ctx_, added, *worker_->ctx);
  ctx_.check_error();
  if (!translated) throw z3::exception("the question could not be copied for its check");
  z3::expr_vector copies(*worker_->ctx, translated);
  for (unsigned k = 0; k < copies.size(); ++k) worker_->solver->add(copies[static_cast<int>(k)]);
  for (unsigned k = 0; k < added.size(); ++k) mirrored_.push_back(added[static_cast<int>(k)]);
}

void Solver::retire(bool reusable) {
  if (!worker_) return;
  {
    std::lock_guard lock(worker_->mutex);
    worker_->released = true;
    worker_->reusable = reusable;
  }
  worker_->wake.notify_all();
  worker_.reset();
  mirrored_.resize(0);
  mirrored_at_push_.clear();
}

z3::check_result Solver::check_until(Clock::time_point deadline) {
  model_.reset();
  const std::string timeout = "timeout (" + seconds_text(budget_.seconds) + " s)";
  if (Clock::now() >= deadline) {
    reason_ = timeout;
    return z3::unknown;
  }
  try {
    mirror();
  } catch (const z3::exception& e) {  // (out of memory while copying, or no thread)
    retire(false);
    reason_ = z3_failure(e.msg());
    return z3::unknown;
  }
  // (Copying may take the time that was left; the worker, which has not started, stays as it is.)
  if (Clock::now() >= deadline) {
    reason_ = timeout;
    return z3::unknown;
  }
  Worker& w = *worker_;
  std::unique_lock lock(w.mutex);
  w.asked = true;
  w.answered = false;
  w.wake.notify_all();
  auto answered = [&] { return w.answered; };
  bool interrupted = false;
  if (!w.wake.wait_until(lock, deadline, answered)) {
    interrupted = true;
    // Interrupted again and again through the grace: an interrupt that comes before Z3 has
    // started the check is forgotten when it starts.
    const auto left_at = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(kInterruptGrace));
    bool done = false;
    while (!done && Clock::now() < left_at) {
      w.ctx->interrupt();
      done = w.wake.wait_until(lock, std::min(left_at, Clock::now() + std::chrono::milliseconds(5)), answered);
    }
    if (!done) {
      // Z3 has not honoured the interrupt: leave the check to it (the worker frees the context),
      // with a thread that goes on interrupting it until it stops.
      w.left = true;
      lock.unlock();
      std::shared_ptr<Worker> held = worker_;
      static_cast<void>(run_in_background([held] { held->interrupt_until_answered(); }));
      retire(false);
      reason_ = timeout;
      return z3::unknown;
    }
  }
  lock.unlock();  // (the worker waits for the next question: its context is the caller's to read)
  const z3::check_result r = w.result;
  try {
    if (r == z3::sat) {  // (as a copy in ctx_: the worker and its context may go before the model)
      z3::model found = w.solver->get_model();
      // (Z3 reports a failure, e.g. out of memory, on the source context, and returns no model.)
      Z3_model translated = Z3_model_translate(*w.ctx, found, ctx_);
      w.ctx->check_error();
      if (!translated) throw z3::exception("the model could not be copied back");
      model_.emplace(ctx_, translated);
    } else if (r == z3::unknown) {
      if (interrupted) reason_ = timeout;
      else if (!w.failure.empty()) reason_ = z3_failure(w.failure);
      else reason_ = w.solver->reason_unknown();
    }
  } catch (const z3::exception& e) {
    retire(false);
    reason_ = z3_failure(e.msg());
    return z3::unknown;
  }
  // Not asked again, nor reused: a check that did not finish, or an interrupted context (whose
  // search may have been cut short without saying so).
  if (interrupted || r == z3::unknown) retire(false);
  if (r != z3::unknown) return r;
  // Z3 4.8.12 reports a spent rlimit as "canceled" (or "max. resource limit exceeded"); we did not
  // interrupt it, so with an rlimit set that is what it was.
  if (budget_.rlimit && (reason_ == "canceled" || reason_.find("resource limit") != std::string::npos))
    reason_ = "resource limit (rlimit " + std::to_string(budget_.rlimit) + ")";
  return z3::unknown;
}

void Solver::block(const std::vector<z3::expr>& leaves, const z3::model& m) {
  if (leaves.empty()) {
    solver_.add(ctx_.bool_val(false));
    return;
  }
  z3::expr_vector other(ctx_);
  for (const z3::expr& leaf : leaves) other.push_back(leaf != m.eval(leaf, true));
  solver_.add(z3::mk_or(other));
}

Solver::Enumeration Solver::enumerate(const std::vector<z3::expr>& leaves, std::size_t cap, double seconds,
                                      const std::function<bool(const z3::model&)>& each) {
  const auto own = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  const auto deadline = std::min(own, deadline_);
  Enumeration out;
  for (;;) {
    z3::check_result r = check_until(deadline);
    if (r == z3::unsat) {
      out.complete = true;
      break;
    }
    if (r == z3::unknown || out.count == cap) break;
    z3::model m = *model_;
    ++out.count;
    if (each && !each(m)) break;
    block(leaves, m);
  }
  return out;
}

}  // namespace cajal::smt
