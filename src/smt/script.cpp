// Running SMT-LIB2 scripts with Z3 (the C API's script evaluator).
#include <z3.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "cajal/smt/script.hpp"

#include "cajal/smt/context.hpp"
#include "cajal/smt/solver.hpp"

#include <algorithm>

namespace cajal::smt {

Result<std::vector<std::string>> run_smtlib(const std::string& script, double seconds) {
  seconds = std::clamp(seconds, 0.0, kMaxSeconds);
  using R = Result<std::vector<std::string>>;
  Z3_config config = Z3_mk_config();
  Z3_context context = Z3_mk_context(config);
  Z3_del_config(config);
  Z3_set_error_handler(context, nullptr);  // errors come back as text, not as an abort
  // The watchdog: Z3 is interrupted when the script runs past `seconds`.
  std::mutex m;
  std::condition_variable cv;
  bool done = false, interrupted = false;
  std::thread watchdog([&] {
    std::unique_lock lock(m);
    if (!cv.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return done; })) {
      interrupted = true;
      Z3_interrupt(context);
    }
  });
  std::string output = Z3_eval_smtlib2_string(context, script.c_str());
  {
    std::lock_guard lock(m);
    done = true;
  }
  cv.notify_all();
  watchdog.join();
  if (interrupted) {
    free_interrupted(context);  // (freeing it here could take minutes)
    std::ostringstream ss;
    ss << "Z3 did not finish the script within " << seconds << " s";
    return R::failure(error_at(Span{}, ss.str()));
  }
  Z3_error_code error = Z3_get_error_code(context);
  std::string message = error != Z3_OK ? Z3_get_error_msg(context, error) : "";
  Z3_del_context(context);
  if (error != Z3_OK) return R::failure(error_at(Span{}, "Z3 rejected the script: " + message));
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
