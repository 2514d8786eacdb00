#include "cajal/smt/context.hpp"

#include "cajal/network/network.hpp"

#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <set>

namespace cajal::smt {

namespace {
std::mutex g_mutex;
std::set<const z3::context*> g_interrupted;  // contexts (alive) on which a check was interrupted
std::atomic<std::size_t> g_freeing{0};
std::mutex g_freed_mutex;
std::condition_variable g_freed;

void one_freed() {
  std::lock_guard lock(g_freed_mutex);
  --g_freeing;
  g_freed.notify_all();
}

// At the exit of a process that did not leave with _Exit (the CLI does), the frees still running
// finish before Z3's own statics go: this object is made after Z3 is loaded, so destroyed first.
struct WaitForFrees {
  ~WaitForFrees() { wait_for_background_frees(); }
};

struct Job {
  void (*free)(void*);
  void* object;
};

void* run_job(void* p) {
  Job* job = static_cast<Job*>(p);
  job->free(job->object);
  delete job;
  one_freed();
  return nullptr;
}

// Frees `object` with `free` on a detached thread of its own (with a large stack: freeing deep
// terms may recurse); false when no thread could be made.
bool free_in_background(void (*free)(void*), void* object) {
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) return false;
  static WaitForFrees wait_at_exit;
  Job* job = new Job{free, object};
  ++g_freeing;
  pthread_t thread;
  const bool made = pthread_attr_setstacksize(&attr, std::size_t{256} << 20) == 0 &&
                    pthread_create(&thread, &attr, run_job, job) == 0;
  pthread_attr_destroy(&attr);
  if (!made) {
    delete job;
    one_freed();
    return false;
  }
  pthread_detach(thread);
  return true;
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

void free_interrupted(Z3_context ctx) {
  auto free = [](void* p) { Z3_del_context(static_cast<Z3_context>(p)); };
  if (!free_in_background(free, ctx)) Z3_del_context(ctx);
}

void note_interrupted(const z3::context& ctx) {
  std::lock_guard lock(g_mutex);
  g_interrupted.insert(&ctx);
}

std::size_t contexts_being_freed() { return g_freeing.load(); }

void wait_for_background_frees() {
  std::unique_lock lock(g_freed_mutex);
  g_freed.wait(lock, [] { return g_freeing.load() == 0; });
}

std::string z3_failure(const std::string& message) {
  if (message.find("out of memory") == std::string::npos) return "Z3: " + message;
  return "Z3 needed more memory than the budget of " + std::to_string(memory_budget() >> 20) +
         " MiB (raise it with --max-memory)";
}

}  // namespace cajal::smt
