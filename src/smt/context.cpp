#include "cajal/smt/context.hpp"

#include "cajal/network/network.hpp"
#include "cajal/smt/solver.hpp"

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace cajal::smt {

namespace {
std::mutex g_mutex;
std::set<const z3::context*> g_interrupted;  // contexts (alive) to be freed in the background
std::atomic<std::size_t> g_background{0};
std::mutex g_finished_mutex;
std::condition_variable g_finished;

void one_finished() {
  std::lock_guard lock(g_finished_mutex);
  --g_background;
  g_finished.notify_all();
}

// At the exit of a process that did not leave with _Exit (the CLI does), the background threads
// still running (checks, frees) finish before Z3's own statics go: this object is made after Z3 is
// loaded, so destroyed first.
struct WaitAtExit {
  ~WaitAtExit() { wait_for_background_threads(); }
};

struct Job {
  std::function<void()> work;
};

void* run_job(void* p) {
  std::unique_ptr<Job> job(static_cast<Job*>(p));
  job->work();
  job.reset();
  one_finished();
  return nullptr;
}
}  // namespace

bool run_in_background(std::function<void()> work) {
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) return false;
  static WaitAtExit wait_at_exit;
  auto job = std::make_unique<Job>(Job{std::move(work)});
  ++g_background;
  pthread_t thread;
  const bool made = pthread_attr_setstacksize(&attr, std::size_t{256} << 20) == 0 &&
                    pthread_create(&thread, &attr, run_job, job.get()) == 0;
  pthread_attr_destroy(&attr);
  if (!made) {
    one_finished();
    return false;
  }
  static_cast<void>(job.release());  // (run_job owns it now)
  pthread_detach(thread);
  return true;
}

namespace {
// Frees `object` with `free` on a detached thread of its own; false when no thread could be made.
bool free_in_background(void (*free)(void*), void* object) {
  return run_in_background([free, object] { free(object); });
}
}  // namespace

Context::Context() : ctx_(std::make_unique<z3::context>()) {}

Context::~Context() {
  bool interrupted = false;
  {
    std::lock_guard lock(g_mutex);
    interrupted = g_interrupted.erase(ctx_.get()) > 0;
  }
  interrupted = interrupted || std::uncaught_exceptions() > 0;  // (a Z3 error, e.g. out of memory)
  if (!interrupted) return;  // ctx_ frees it here
  auto free = [](void* p) { delete static_cast<z3::context*>(p); };
  if (free_in_background(free, ctx_.get())) static_cast<void>(ctx_.release());
  // (else ctx_ frees it here, slowly)
}

void note_interrupted(const z3::context& ctx) {
  std::lock_guard lock(g_mutex);
  g_interrupted.insert(&ctx);
}

std::size_t background_threads() { return g_background.load(); }

void wait_for_background_threads() {
  std::unique_lock lock(g_finished_mutex);
  // (Again and again: a worker may become idle after it was asked, while its solver was freed.)
  while (g_background.load() > 0) {
    lock.unlock();
    release_idle_workers();
    lock.lock();
    g_finished.wait_for(lock, std::chrono::milliseconds(10), [] { return g_background.load() == 0; });
  }
}

namespace {
std::atomic<double> g_hold_checks{0};
}  // namespace

void hold_after_check() {
  if (const double hold = g_hold_checks.load(); hold > 0) std::this_thread::sleep_for(std::chrono::duration<double>(hold));
}

void for_tests::hold_checks(double seconds) { g_hold_checks = seconds; }

std::string z3_failure(const std::string& message) {
  if (message.find("out of memory") == std::string::npos) return "Z3: " + message;
  return "Z3 needed more memory than the budget of " + std::to_string(memory_budget() >> 20) +
         " MiB (raise it with --max-memory)";
}

}  // namespace cajal::smt
