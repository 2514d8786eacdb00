// Running SMT-LIB2 scripts with Z3 (the C API's script evaluator).
#include <z3.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include "cajal/smt/script.hpp"

#include "cajal/smt/context.hpp"
#include "cajal/smt/solver.hpp"

namespace cajal::smt {

namespace {
// One script's run, shared by the caller and the thread that runs it (as smt::Solver's checks:
// the caller leaves at the deadline plus kInterruptGrace). The thread frees the context.
struct ScriptRun {
  Z3_context context = nullptr;
  std::string script, output, error;  // error: Z3's message, if it reported one
  std::mutex m;
  std::condition_variable cv;
  bool done = false;

  void run() {
    std::string out, message;
    try {
      out = Z3_eval_smtlib2_string(context, script.c_str());
      const Z3_error_code code = Z3_get_error_code(context);
      if (code != Z3_OK) message = Z3_get_error_msg(context, code);
    } catch (const std::exception& e) {  // (e.g. std::bad_alloc)
      message = e.what();
    } catch (...) {
      message = "an unknown exception";
    }
    hold_after_check();  // (for_tests::hold_checks)
    {
      std::lock_guard lock(m);
      output = std::move(out);
      error = std::move(message);
      done = true;
    }
    cv.notify_all();
    // (Nobody interrupts it once it is done: the caller, and the interrupter below, do only under
    // `m` while it is not. Freeing may take minutes after an interrupt: smt/context.hpp.)
    Z3_del_context(context);
  }

  // Interrupts Z3 every `period` until the script is done: Z3 4.8.12 forgets an interrupt at the
  // start of each command (each check-sat, assert, push or pop), so one interrupt stops only the
  // command it meets.
  void interrupt_until_done(std::chrono::milliseconds period) {
    std::unique_lock lock(m);
    while (!done) {
      Z3_interrupt(context);
      cv.wait_for(lock, period, [&] { return done; });
    }
  }
};
}  // namespace

Result<std::vector<std::string>> run_smtlib(const std::string& script, double seconds) {
  seconds = std::clamp(seconds, 0.0, kMaxSeconds);
  using R = Result<std::vector<std::string>>;
  auto job = std::make_shared<ScriptRun>();
  Z3_config config = Z3_mk_config();
  job->context = Z3_mk_context(config);
  Z3_del_config(config);
  Z3_set_error_handler(job->context, nullptr);  // errors come back as text, not as an abort
  job->script = script;
  if (!run_in_background([job] { job->run(); })) {
    Z3_del_context(job->context);
    return R::failure(error_at(Span{}, "no thread could be started for Z3"));
  }
  {
    std::unique_lock lock(job->m);
    auto done = [&] { return job->done; };
    if (!job->cv.wait_for(lock, std::chrono::duration<double>(seconds), done)) {
      // Interrupted until it stops; the caller waits kInterruptGrace for that at most, and a
      // script still running then is left to a thread that goes on interrupting it.
      lock.unlock();
      if (!run_in_background([job] { job->interrupt_until_done(std::chrono::milliseconds(5)); })) {
        lock.lock();
        if (!job->done) Z3_interrupt(job->context);  // (once, at least)
        lock.unlock();
      }
      lock.lock();
      job->cv.wait_for(lock, std::chrono::duration<double>(kInterruptGrace), done);
      std::ostringstream ss;
      ss << "Z3 did not finish the script within " << seconds << " s";
      return R::failure(error_at(Span{}, ss.str()));
    }
  }
  const std::string output = std::move(job->output), message = std::move(job->error);
  if (!message.empty()) return R::failure(error_at(Span{}, "Z3 rejected the script: " + message));
  std::vector<std::string> answers;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line == "sat" || line == "unsat" || line == "unknown") answers.push_back(line);
    else if (line.rfind("(error", 0) == 0) return R::failure(error_at(Span{}, "Z3: " + line));
  }
  return R::success(std::move(answers));
}

}  // namespace cajal::smt
