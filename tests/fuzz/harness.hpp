// What every libFuzzer harness shares (tests/fuzz/README.md).
//
// A harness feeds one input to one reader and then to what the reader's result flows into, with
// the library's own budgets, and checks properties that must hold for every input (a printed
// program reads back, a network reads back from its JSON). A crash, a sanitizer report, a
// leak, a timeout or a failed property is a finding; a diagnostic is the expected answer to most
// inputs.
#pragma once

#include <pthread.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "cajal/network/engine.hpp"
#include "cajal/network/network.hpp"
#include "cajal/smt/context.hpp"

namespace cajal::fuzz {

// Runs `body` on a thread with a 256 MiB stack, as the `cajal` tool runs its commands (on 512 MiB): the
// library bounds its recursion (kMaxTermDepth, EvalOptions::max_depth) and leaves the room for it
// to the caller. AddressSanitizer's frames are larger than plain ones.
inline void on_large_stack(const std::function<void()>& body) {
  pthread_attr_t attr;
  pthread_t thread;
  auto call = [](void* p) -> void* {
    (*static_cast<const std::function<void()>*>(p))();
    return nullptr;
  };
  if (pthread_attr_init(&attr) != 0 || pthread_attr_setstacksize(&attr, std::size_t{256} << 20) != 0 ||
      pthread_create(&thread, &attr, call, const_cast<std::function<void()>*>(&body)) != 0) {
    std::fprintf(stderr, "fuzz harness: cannot start a thread\n");
    std::abort();
  }
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  // Z3 checks run, and contexts are freed, on threads of their own (smt/context.hpp); the input is
  // over when they have finished. (LeakSanitizer, run while one was half freed, reported 40 bytes
  // of Z3's as leaked, in CI and again in a 60 s run of the certificate harness.)
  smt::wait_for_background_threads();
}

// A property that must hold for every input failed: libFuzzer keeps the input as a crash.
[[noreturn]] inline void property_failed(const std::string& what) {
  std::fprintf(stderr, "fuzz harness: property failed: %s\n", what.c_str());
  std::abort();
}

// The budget every harness runs under: well inside libFuzzer's default -rss_limit_mb=2048, with
// AddressSanitizer's overhead (about 2-3x) on top of what the library estimates.
inline void set_harness_budget() { set_memory_budget(std::uint64_t{256} << 20); }

// Arguments for a run of `net`: each input e_0 (and, with two columns, e_last in the second),
// each param 0.5 everywhere.
inline NetworkArgs basis_args(const Network& net, int columns) {
  NetworkArgs args;
  for (const NetworkInput& in : net.inputs) {
    Eigen::MatrixXd e = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(dimension(*in.type, net.depth)), columns);
    e(0, 0) = 1;
    if (columns > 1) e(e.rows() - 1, 1) = 1;
    args.inputs.push_back(std::move(e));
  }
  for (const NetworkInput& p : net.params)
    args.params[p.name] = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(dimension(*p.type, net.depth)), 0.5);
  return args;
}

inline std::string as_text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace cajal::fuzz
