#pragma once
// Shared immutable objects that every thread uses at a high rate (the types Bool and Nat, the
// values true, false and the small naturals) are made once per thread, and each on cache lines
// of its own. One object for all threads makes every copy of its shared_ptr write a reference
// count that the other cores read; an object per thread from the ordinary allocator can share
// a cache line with another thread's, with the same effect ("false sharing"). Measured with
// bench/fuzz_scaling.sh (README, "Fuzzing across cores").

#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace cajal {

inline constexpr std::size_t kCacheLine = 64;

// An allocator whose blocks start on a cache line and fill whole lines.
template <class T>
struct CacheLineAllocator {
  using value_type = T;
  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) noexcept {}
  static std::size_t bytes(std::size_t n) { return (n * sizeof(T) + kCacheLine - 1) / kCacheLine * kCacheLine; }
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(bytes(n), std::align_val_t{kCacheLine})); }
  void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, std::align_val_t{kCacheLine}); }
  template <class U>
  bool operator==(const CacheLineAllocator<U>&) const noexcept { return true; }
};

// std::make_shared<const T>(args...), with the object and its reference counts on lines of their own.
template <class T, class... Args>
std::shared_ptr<const T> make_shared_on_own_lines(Args&&... args) {
  return std::allocate_shared<const T>(CacheLineAllocator<T>{}, std::forward<Args>(args)...);
}

}  // namespace cajal
