#pragma once
// std::make_shared<const T>(args...) for an aggregate T (a term, a value, an environment entry),
// built in place as T{args...}; per_thread.hpp's cache-line allocation is the same allocator.
// C++20 lets make_shared build an aggregate from parentheses (P0960), but clang before version 16
// does not, and the libFuzzer harnesses are built with clang 14; without this, each object would
// be built as a temporary and then moved into place (about 3 % more instructions in
// `cajal fuzz`, counted with callgrind).

#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace cajal {

// An allocator that constructs with braces. With an alignment, its blocks start on a multiple of
// it and fill whole multiples of it (per_thread.hpp's cache lines); without, it is the ordinary one.
template <class T, std::size_t Alignment = 0>
struct InPlaceAllocator {
  using value_type = T;
  template <class U>
  struct rebind {
    using other = InPlaceAllocator<U, Alignment>;
  };
  InPlaceAllocator() = default;
  template <class U>
  InPlaceAllocator(const InPlaceAllocator<U, Alignment>&) noexcept {}
  T* allocate(std::size_t n) {
    if constexpr (Alignment == 0) {
      return std::allocator<T>{}.allocate(n);
    } else {
      const std::size_t bytes = (n * sizeof(T) + Alignment - 1) / Alignment * Alignment;
      return static_cast<T*>(::operator new(bytes, std::align_val_t{Alignment}));
    }
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if constexpr (Alignment == 0) {
      std::allocator<T>{}.deallocate(p, n);
    } else {
      ::operator delete(p, std::align_val_t{Alignment});
    }
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (const_cast<void*>(static_cast<const volatile void*>(p))) U{std::forward<Args>(args)...};
  }
  template <class U>
  bool operator==(const InPlaceAllocator<U, Alignment>&) const noexcept { return true; }
};

template <class T, class... Args>
std::shared_ptr<const T> make_shared_braced(Args&&... args) {
  return std::allocate_shared<const T>(InPlaceAllocator<T>{}, std::forward<Args>(args)...);
}

}  // namespace cajal
