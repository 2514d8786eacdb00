// The SMT layer (include/cajal/smt/solver.hpp): every check bounded, scopes, blocking, enumeration.
#include <gtest/gtest.h>

#include <chrono>

#include "cajal/network/network.hpp"
#include "cajal/smt/context.hpp"
#include "cajal/smt/script.hpp"
#include "cajal/smt/solver.hpp"

namespace cajal::test {
namespace {

std::vector<z3::expr> booleans(z3::context& ctx, int n) {
  std::vector<z3::expr> out;
  for (int k = 0; k < n; ++k) out.push_back(ctx.bool_const(("b" + std::to_string(k)).c_str()));
  return out;
}

TEST(Smt, ScopesUndoWhatTheyAdd) {
  z3::context ctx;
  smt::Solver s(ctx, smt::Budget{30});
  {
    auto scope = s.scope();
    s.add(ctx.bool_val(false));
    EXPECT_EQ(s.check(), z3::unsat);
  }
  EXPECT_EQ(s.check(), z3::sat);
}

// Scopes opened after the check's worker started are its own scopes; the ones opened before are not.
TEST(Smt, ScopesOpenedAfterACheckUndoWhatTheyAdd) {
  z3::context ctx;
  smt::Solver s(ctx, smt::Budget{30});
  z3::expr x = ctx.int_const("x");
  s.add(x > 0);
  ASSERT_EQ(s.check(), z3::sat);
  {
    auto outer = s.scope();
    s.add(x < 5);
    {
      auto inner = s.scope();
      s.add(x > 7);
      EXPECT_EQ(s.check(), z3::unsat);
    }
    ASSERT_EQ(s.check(), z3::sat);
    const int v = s.model().eval(x, true).get_numeral_int();
    EXPECT_TRUE(v > 0 && v < 5) << v;
  }
  s.add(x > 7);
  ASSERT_EQ(s.check(), z3::sat);
  EXPECT_GT(s.model().eval(x, true).get_numeral_int(), 7);
  {
    auto scope = s.scope();  // the model of the check before a scope stays readable in it
    EXPECT_GT(s.model().eval(x, true).get_numeral_int(), 7);
  }
}

TEST(Smt, EnumerationCountsEveryAnswerOrStopsAtItsCap) {
  z3::context ctx;
  smt::Solver s(ctx, smt::Budget{30});
  std::vector<z3::expr> leaves = booleans(ctx, 2);
  {
    auto scope = s.scope();
    int seen = 0;
    smt::Solver::Enumeration all = s.enumerate(leaves, 100, 30, [&](const z3::model&) { return ++seen > 0; });
    EXPECT_EQ(all.count, 4u);
    EXPECT_EQ(seen, 4);
    EXPECT_TRUE(all.complete);
  }
  {
    auto scope = s.scope();
    smt::Solver::Enumeration capped = s.enumerate(leaves, 3, 30);
    EXPECT_EQ(capped.count, 3u);
    EXPECT_FALSE(capped.complete);  // a fourth answer exists
  }
  {
    auto scope = s.scope();
    s.add(leaves[0] && leaves[1]);
    smt::Solver::Enumeration exact = s.enumerate(leaves, 1, 30);  // the cap is reached, and nothing is left
    EXPECT_EQ(exact.count, 1u);
    EXPECT_TRUE(exact.complete);
  }
  {
    auto scope = s.scope();  // no leaves: one answer at most, then everything is blocked
    EXPECT_EQ(s.enumerate({}, 10, 30).count, 1u);
  }
}

TEST(Smt, BlockingExcludesTheModelsValues) {
  z3::context ctx;
  smt::Solver s(ctx, smt::Budget{30});
  std::vector<z3::expr> leaves = booleans(ctx, 1);
  ASSERT_EQ(s.check(), z3::sat);
  s.block(leaves, s.model());
  ASSERT_EQ(s.check(), z3::sat);
  s.block(leaves, s.model());
  EXPECT_EQ(s.check(), z3::unsat);
}

// The pigeonhole principle for n + 1 pigeons in n holes (unsat). At n = 10, far more than a tenth of
// a second of search.
void pigeonhole(z3::context& ctx, smt::Solver& s, int holes = 10) {
  const int pigeons = holes + 1;
  std::vector<std::vector<z3::expr>> p(pigeons);
  for (int i = 0; i < pigeons; ++i)
    for (int h = 0; h < holes; ++h) p[i].push_back(ctx.bool_const(("p" + std::to_string(i) + "_" + std::to_string(h)).c_str()));
  for (int i = 0; i < pigeons; ++i) {
    z3::expr_vector any(ctx);
    for (int h = 0; h < holes; ++h) any.push_back(p[i][h]);
    s.add(z3::mk_or(any));
  }
  for (int h = 0; h < holes; ++h)
    for (int i = 0; i < pigeons; ++i)
      for (int j = i + 1; j < pigeons; ++j) s.add(!(p[i][h] && p[j][h]));
}

TEST(Smt, ACheckPastTheBudgetIsUnknownWithTheReason) {
  z3::context ctx;
  smt::Solver s(ctx, smt::Budget{0.1});
  pigeonhole(ctx, s);
  EXPECT_EQ(s.check(), z3::unknown);
  EXPECT_EQ(s.reason_unknown(), "timeout (0.1 s)");
  EXPECT_EQ(s.check(), z3::unknown);  // the budget is spent: no further check runs
  EXPECT_EQ(s.reason_unknown(), "timeout (0.1 s)");
}

TEST(Smt, AResourceLimitIsUnknownWithTheReason) {
  z3::context ctx;
  smt::Solver s(ctx, smt::Budget{60, 20000});
  pigeonhole(ctx, s);
  EXPECT_EQ(s.check(), z3::unknown);
  EXPECT_EQ(s.reason_unknown(), "resource limit (rlimit 20000)") << s.reason_unknown();
}

// A solver made after one with a resource limit does not inherit it (the checks' contexts are kept
// for the next solver).
TEST(Smt, AContextKeptForTheNextSolverKeepsNothingElse) {
  z3::context ctx;
  {
    smt::Solver limited(ctx, smt::Budget{60, 20000});
    limited.add(ctx.bool_const("a"));
    ASSERT_EQ(limited.check(), z3::sat);
  }
  smt::Solver s(ctx, smt::Budget{60});
  pigeonhole(ctx, s, 8);
  EXPECT_EQ(s.check(), z3::unsat) << s.reason_unknown();
  smt::Solver limited(ctx, smt::Budget{60, 20000});
  pigeonhole(ctx, limited, 8);
  EXPECT_EQ(limited.check(), z3::unknown) << "the instance is too easy to tell the limit was lost";
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// A Z3 that does not honour the interrupt at the deadline is left to it: the check returns within
// kInterruptGrace of its deadline, not when Z3 stops (here 3 s after it answers). Its context is
// freed by its thread, and the next solver gets a context of its own.
TEST(Smt, ACheckReturnsAtItsDeadlineWhenZ3IsSlowToStop) {
  z3::context ctx;
  smt::for_tests::hold_checks(3);
  const auto start = std::chrono::steady_clock::now();
  {
    smt::Solver s(ctx, smt::Budget{0.2});
    pigeonhole(ctx, s);
    EXPECT_EQ(s.check(), z3::unknown);
    EXPECT_EQ(s.reason_unknown(), "timeout (0.2 s)");
  }
  const double took = seconds_since(start);
  smt::for_tests::hold_checks(0);
  EXPECT_LT(took, 0.2 + smt::kInterruptGrace + 1.5) << "the check waited for Z3";
  EXPECT_GE(smt::background_threads(), 1u) << "the check left behind is still running";
  {
    smt::Solver next(ctx, smt::Budget{30});
    next.add(ctx.bool_const("a"));
    EXPECT_EQ(next.check(), z3::sat);
  }
  smt::wait_for_background_threads();
  EXPECT_EQ(smt::background_threads(), 0u);
}

// The pigeonhole principle for n + 1 pigeons in n holes as SMT-LIB2 assertions (no check-sat).
std::string pigeonhole_script(int holes) {
  std::string script;
  for (int i = 0; i <= holes; ++i)
    for (int h = 0; h < holes; ++h) script += "(declare-const p" + std::to_string(i) + "_" + std::to_string(h) + " Bool)\n";
  for (int i = 0; i <= holes; ++i) {
    script += "(assert (or";
    for (int h = 0; h < holes; ++h) script += " p" + std::to_string(i) + "_" + std::to_string(h);
    script += "))\n";
  }
  for (int h = 0; h < holes; ++h)
    for (int i = 0; i <= holes; ++i)
      for (int j = i + 1; j <= holes; ++j)
        script += "(assert (not (and p" + std::to_string(i) + "_" + std::to_string(h) + " p" + std::to_string(j) + "_" +
                  std::to_string(h) + ")))\n";
  return script;
}

TEST(Smt, AScriptReturnsAtItsDeadlineWhenZ3IsSlowToStop) {
  std::string script = pigeonhole_script(10);
  script += "(check-sat)\n";
  smt::for_tests::hold_checks(3);
  const auto start = std::chrono::steady_clock::now();
  Result<std::vector<std::string>> r = smt::run_smtlib(script, 0.2);
  const double took = seconds_since(start);
  smt::for_tests::hold_checks(0);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.diagnostics.front().message.find("did not finish the script within 0.2 s"), std::string::npos);
  EXPECT_LT(took, 0.2 + smt::kInterruptGrace + 1.5) << "the script waited for Z3";
  smt::wait_for_background_threads();
  EXPECT_EQ(smt::background_threads(), 0u);
}

// A check asked just before its deadline: Z3 4.8.12 forgets an interrupt that comes before the
// check starts, so the check is interrupted again and again, and one left to Z3 is interrupted
// until it stops. Each of these would otherwise run the whole search (about 45 s) in the
// background, and waiting for the background threads would take that long.
TEST(Smt, AChecksInterruptIsNotLostNearItsStart) {
  const auto start = std::chrono::steady_clock::now();
  for (double ms : {0.5, 1.0, 2.0, 3.0, 5.0}) {
    z3::context ctx;
    smt::Solver s(ctx, smt::Budget{60});
    pigeonhole(ctx, s);
    EXPECT_FALSE(s.enumerate({}, 1, ms / 1000).complete);
  }
  smt::wait_for_background_threads();
  EXPECT_LT(seconds_since(start), 15) << "a check went on in the background";
}

// Every check-sat of a script forgets the interrupts before it: a script left at its deadline is
// interrupted until it stops.
TEST(Smt, AScriptLeftAtItsDeadlineStopsAllItsChecks) {
  std::string script = pigeonhole_script(10) + "(check-sat)\n(check-sat)\n(check-sat)\n";
  const auto start = std::chrono::steady_clock::now();
  Result<std::vector<std::string>> r = smt::run_smtlib(script, 0.2);
  ASSERT_FALSE(r.ok());
  smt::wait_for_background_threads();
  EXPECT_LT(seconds_since(start), 15) << "the script's later checks ran to the end";
}

// Out of memory while the question is copied for its check, in a context kept from an earlier
// check: unknown with the budget named (Z3 reports the failure on the caller's context and returns
// no vector, which was dereferenced). And with no context kept, none is made past the budget (Z3
// returns a null one, which z3++ dereferences).
TEST(Smt, ACheckWithoutMemoryForItsCopyOrItsContextIsUnknown) {
  const std::uint64_t budget = memory_budget();
  auto cap_just_above_now = [] {
    set_memory_budget(static_cast<std::uint64_t>(Z3_get_estimated_alloc_size()) + (std::uint64_t{8} << 20));
    z3::set_param("memory_max_size", static_cast<int>(memory_budget() >> 20));
  };
  for (bool kept : {true, false}) {
    z3::context ctx;
    if (kept) {  // a context for the check below, kept idle
      smt::Solver first(ctx, smt::Budget{30});
      first.add(ctx.bool_const("a"));
      ASSERT_EQ(first.check(), z3::sat);
    } else {
      smt::wait_for_background_threads();  // (no context kept)
    }
    smt::Solver s(ctx, smt::Budget{30});
    z3::expr x = ctx.int_const("x");
    for (int k = 0; k < 200000; ++k) s.add(x * ctx.int_val(k + 7) + ctx.int_const(("y" + std::to_string(k)).c_str()) != k);
    cap_just_above_now();
    EXPECT_EQ(s.check(), z3::unknown) << (kept ? "kept" : "new");
    EXPECT_NE(s.reason_unknown().find("more memory than the budget"), std::string::npos) << s.reason_unknown();
    set_memory_budget(budget);
    z3::set_param("memory_max_size", static_cast<int>(std::min<std::uint64_t>(budget >> 20, 1u << 30)));
  }
}

}  // namespace
}  // namespace cajal::test
