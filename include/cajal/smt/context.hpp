// A Z3 context that does not make its owner wait for it to be freed, and the threads that free
// contexts and run checks in the background.
//
// Z3 4.8.12 can take minutes to free a context whose check was interrupted at its deadline
// (measured: `cajal prove spec/examples/mul.cj --depth 64 --timeout 5` was still inside
// Z3_del_context 120 s after the interrupt, having answered in 5 s), and a context that took long
// to fill takes long to free. Checks do not run in the caller's context: each runs in a context of
// its own on a thread of its own (smt::Solver, smt::run_smtlib), which frees that context, so the
// caller can leave at the check's deadline even when Z3 is slow to honour the interrupt. The
// caller's Context, which holds the terms, is handed to a background thread to be freed when its
// owner abandons it (prove does after a long run, or after a Z3 error) or when it is destroyed
// while an exception unwinds; otherwise it is freed where it is destroyed. The CLI exits without
// waiting for such threads (background_threads()).
#pragma once

#include <z3++.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace cajal::smt {

// Marks `ctx` to be freed in the background when its Context is destroyed (Context::abandon).
void note_interrupted(const z3::context& ctx);

class Context {
 public:
  Context();
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  z3::context& get() { return *ctx_; }
  // Free it in the background when it is destroyed (after a Z3 error caught by its owner).
  void abandon() { note_interrupted(*ctx_); }
  operator z3::context&() { return *ctx_; }

 private:
  std::unique_ptr<z3::context> ctx_;
};

// Why Z3 failed, for an unknown verdict: "Z3: MESSAGE", or for out of memory the budget it hit
// (`--max-memory`, which smt::Solver gives Z3 as its memory_max_size) and how to raise it.
std::string z3_failure(const std::string& message);

// Runs `work` on a detached thread of its own, with a stack of 256 MiB (Z3 recurses on deep terms);
// false when no thread could be made (`work` is then dropped).
bool run_in_background(std::function<void()> work);

// How many threads run_in_background started are still running: checks, and contexts being freed.
std::size_t background_threads();

// Waits until every thread run_in_background started has finished, idle check workers included
// (smt::release_idle_workers); call it when no smt::Solver is alive (its worker waits for it). For
// a process that checks its own memory between two pieces of work (the libFuzzer harnesses: LeakSanitizer, run while a
// context is half freed, reports the objects already unlinked from it as leaks).
void wait_for_background_threads();

// After each check (smt::Solver, smt::run_smtlib), the thread that ran it sleeps as long as
// for_tests::hold_checks asked.
void hold_after_check();

namespace for_tests {
// Makes the thread of every check that follows wait `seconds` after Z3 answers, as a Z3 slow to
// honour the interrupt would (0: none). For the tests of the deadline, only.
void hold_checks(double seconds);
}  // namespace for_tests

}  // namespace cajal::smt
