#include "cajal/smt/solver.hpp"

#include "cajal/smt/context.hpp"
#include "cajal/network/network.hpp"

#include <algorithm>

#include <sstream>

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

std::string seconds_text(double s) {
  std::ostringstream ss;
  ss << s;
  return ss.str();
}
}  // namespace

Solver::Solver(z3::context& ctx, const Budget& budget)
    : ctx_(ctx), solver_(ctx), budget_(budget),
      // (at most kMaxSeconds ahead: a larger budget would overflow the clock's representation)
      deadline_(Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(std::clamp(budget.seconds, 0.0, kMaxSeconds)))) {
  // Z3's own allocator refuses to grow past the memory budget (`--max-memory`): a check that would
  // is unknown ("out of memory"), not the process's end.
  z3::set_param("memory_max_size", static_cast<int>(std::min<std::uint64_t>(memory_budget() >> 20, 1u << 30)));
  z3::params p(ctx_);
  p.set("random_seed", budget_.seed);
  if (budget_.rlimit) p.set("rlimit", budget_.rlimit);
  solver_.set(p);
}

double Solver::seconds_left() const { return std::chrono::duration<double>(deadline_ - Clock::now()).count(); }

z3::check_result Solver::check() { return check_until(deadline_); }

Solver::~Solver() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
}

void Solver::watch() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    if (!checking_) {
      wake_.wait(lock, [&] { return stop_ || checking_; });
      continue;
    }
    // This check, with its own deadline: a later check (another generation) may start before this
    // thread wakes, and must not be measured against this one's deadline.
    const std::uint64_t mine = generation_;
    const Clock::time_point deadline = check_deadline_;
    auto over = [&] { return stop_ || !checking_ || generation_ != mine; };
    if (wake_.wait_until(lock, deadline, over)) continue;
    interrupted_ = true;  // the running check passed its deadline
    ctx_.interrupt();
    wake_.wait(lock, over);
  }
}

z3::check_result Solver::check_until(Clock::time_point deadline) {
  if (Clock::now() >= deadline) {
    reason_ = "timeout (" + seconds_text(budget_.seconds) + " s)";
    note_interrupted(ctx_);  // (its earlier work may be as slow to free: context.hpp)
    return z3::unknown;
  }
  {
    std::lock_guard lock(mutex_);
    checking_ = true;
    interrupted_ = false;
    check_deadline_ = deadline;
    ++generation_;
  }
  if (!watchdog_.joinable()) watchdog_ = std::thread([this] { watch(); });
  wake_.notify_all();
  z3::check_result r = z3::unknown;
  std::string failure;
  try {
    r = solver_.check();
  } catch (const z3::exception& e) {
    failure = e.msg();
  }
  bool interrupted;
  {
    std::lock_guard lock(mutex_);
    checking_ = false;
    interrupted = interrupted_;
  }
  wake_.notify_all();
  if (r != z3::unknown) return r;
  note_interrupted(ctx_);  // a check that did not finish: freeing its context may be slow (context.hpp)
  if (interrupted) reason_ = "timeout (" + seconds_text(budget_.seconds) + " s)";
  else if (!failure.empty()) reason_ = z3_failure(failure);
  else reason_ = solver_.reason_unknown();
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
    z3::model m = solver_.get_model();
    ++out.count;
    if (each && !each(m)) break;
    block(leaves, m);
  }
  return out;
}

}  // namespace cajal::smt
