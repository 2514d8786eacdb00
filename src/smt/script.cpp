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
// the caller leaves at the deadline plus kInterruptGrace, and the thread frees the context).
struct ScriptRun {
  Z3_context context = nullptr;
  std::string script, output, error;  // error: Z3's message, if it reported one
  std::mutex m;
  std::condition_variable cv;
  bool done = false, left = false;

  void run() {
    std::string out = Z3_eval_smtlib2_string(context, script.c_str());
    const Z3_error_code code = Z3_get_error_code(context);
    std::string message = code != Z3_OK ? Z3_get_error_msg(context, code) : "";
    hold_after_check();  // (for_tests::hold_checks)
    std::unique_lock lock(m);
    output = std::move(out);
    error = std::move(message);
    done = true;
    cv.notify_all();
    // Freed here when the caller has left (its check was interrupted: freeing may take minutes,
    // smt/context.hpp), or by the caller's last reference otherwise.
    if (left) {
      lock.unlock();
      Z3_del_context(context);
      context = nullptr;
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
  std::unique_lock lock(job->m);
  auto done = [&] { return job->done; };
  if (!job->cv.wait_for(lock, std::chrono::duration<double>(seconds), done)) {
    Z3_interrupt(job->context);  // (the thread has not freed it: it frees it only when left)
    job->cv.wait_for(lock, std::chrono::duration<double>(kInterruptGrace), done);
    if (job->done) {
      free_interrupted(job->context);  // (freeing it here could take minutes)
    } else {
      job->left = true;  // Z3 has not honoured the interrupt: the thread frees it when it stops
    }
    std::ostringstream ss;
    ss << "Z3 did not finish the script within " << seconds << " s";
    return R::failure(error_at(Span{}, ss.str()));
  }
  lock.unlock();
  Z3_del_context(job->context);
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
