#pragma once

// Memory the kernel writes through io_uring (received bytes, the eventfd counter) is invisible to
// valgrind: memcheck would flag it as uninitialised. After every completion that filled memory,
// ring/ calls mark_defined() on exactly the bytes the kernel reported. Buffers handed back to the
// kernel are marked inaccessible, so reading a released lease is reported too.
// All of this is a no-op unless the build sets PGRING_VALGRIND (meson -Dvalgrind=true).

#include <chrono>
#include <cstddef>

#ifdef PGRING_VALGRIND
#include <sched.h>
#include <valgrind/memcheck.h>
#endif

namespace pgring::ring::detail {

/// Tells memcheck that the kernel wrote `n` bytes at `p`.
inline void mark_defined(const void* p, std::size_t n) noexcept {
#ifdef PGRING_VALGRIND
    (void)VALGRIND_MAKE_MEM_DEFINED(p, n);
#else
    (void)p;
    (void)n;
#endif
}

/// Tells memcheck that `n` bytes at `p` now belong to the kernel and must not be read.
inline void mark_noaccess(const void* p, std::size_t n) noexcept {
#ifdef PGRING_VALGRIND
    (void)VALGRIND_MAKE_MEM_NOACCESS(p, n);
#else
    (void)p;
    (void)n;
#endif
}

/// Valgrind (3.19, Debian 12) keeps its global lock while a thread sits in io_uring_enter, so no
/// other thread runs while the loop waits (liburing issue #657): a post() from another thread
/// could not wake it. Under valgrind, waits are cut into short slices and the loop yields the
/// lock after each (yield_after_wait); elsewhere `d` is returned. A negative `d` means "no limit".
inline std::chrono::nanoseconds cap_wait(std::chrono::nanoseconds d) noexcept {
#ifdef PGRING_VALGRIND
    constexpr std::chrono::nanoseconds slice = std::chrono::milliseconds(10);
    if (RUNNING_ON_VALGRIND && (d.count() < 0 || d > slice)) {
        return slice;
    }
#endif
    return d;
}

/// See cap_wait(): lets other threads run under valgrind; nothing otherwise.
inline void yield_after_wait() noexcept {
#ifdef PGRING_VALGRIND
    if (RUNNING_ON_VALGRIND) {
        sched_yield();
    }
#endif
}

}  // namespace pgring::ring::detail
