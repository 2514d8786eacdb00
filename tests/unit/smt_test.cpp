// The SMT layer (include/cajal/smt/solver.hpp): every check bounded, scopes, blocking, enumeration.
#include <gtest/gtest.h>

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

// The pigeonhole principle for 11 pigeons in 10 holes: far more than a tenth of a second of search.
void pigeonhole(z3::context& ctx, smt::Solver& s) {
  const int pigeons = 11, holes = 10;
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

}  // namespace
}  // namespace cajal::test
