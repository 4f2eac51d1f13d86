#pragma once

// PGRING_RING_ASSERT: internal invariants and API misuse in ring/ (STYLE 5). Active when NDEBUG
// is not defined, which covers the debug, debugoptimized and sanitizer builds; compiled out in
// release builds. Never used for anything a peer or a user can send: that is an error code.

#include <cstdio>
#include <cstdlib>

namespace pgring::ring::detail {

/// Prints the failed check and aborts.
[[noreturn]] inline void assert_fail(const char* expr, const char* what, const char* file,
                                     int line) noexcept {
    std::fprintf(stderr, "pgring: %s:%d: assertion `%s' failed: %s\n", file, line, expr, what);
    std::fflush(stderr);
    std::abort();
}

}  // namespace pgring::ring::detail

#if !defined(NDEBUG)
#define PGRING_RING_ASSERT(cond, what) \
    ((cond) ? static_cast<void>(0) : ::pgring::ring::detail::assert_fail(#cond, what, __FILE__, __LINE__))
#else
#define PGRING_RING_ASSERT(cond, what) static_cast<void>(0)
#endif

/// Loop-owned entry points start with this: they may only run on the loop's own thread.
#define PGRING_ASSERT_LOOP_THREAD(lp) \
    PGRING_RING_ASSERT((lp).is_current(), "loop-owned object used from a thread that does not own the loop")
