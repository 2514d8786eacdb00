#pragma once
// Shared immutable objects that every thread uses at a high rate (the types Bool and Nat, the
// values true, false and the small naturals) are made once per thread, and each on cache lines
// of its own. One object for all threads makes every copy of its shared_ptr write a reference
// count that the other cores read; an object per thread from the ordinary allocator can share
// a cache line with another thread's, with the same effect ("false sharing"). Measured with
// bench/fuzz_scaling.sh (README, "Fuzzing across cores").

#include <cstddef>
#include <memory>
#include <utility>

#include "cajal/syntax/in_place.hpp"

namespace cajal {

inline constexpr std::size_t kCacheLine = 64;

// std::make_shared<const T>(args...), with the object and its reference counts on lines of their own.
template <class T, class... Args>
std::shared_ptr<const T> make_shared_on_own_lines(Args&&... args) {
  return std::allocate_shared<const T>(InPlaceAllocator<T, kCacheLine>{}, std::forward<Args>(args)...);
}

}  // namespace cajal
