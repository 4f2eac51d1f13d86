// Coroutine frames of pgring::task: a per-thread cache of freed frames, by size class.
//
// Every call through the API runs a few coroutines (facade, try_ form, implementation), and each
// frame is a heap block of several hundred bytes to a few KiB: through malloc that was about a
// third of the client's instructions per round trip. Here a frame of up to 16 KiB is rounded up
// to its size class (64-byte steps to 4 KiB, then 1 KiB steps), and a freed one goes on its
// thread's list for that class, from which the next frame of the class is taken: a pop, no lock
// (a loop's coroutines run on its thread). The driver's small per-buffer records use it too.
// Each list keeps at most 256 blocks; the rest go back to the heap, so a burst of 10,000
// concurrent calls does not pin its frames forever. A block freed on another thread than the
// one that allocated it simply joins that thread's list.
//
// Under ASan and in -Dvalgrind=true builds every frame comes from the heap, so that use after
// free of a frame is still caught. Blocks cached by a thread that exits are not returned (they
// are reused by nobody; at most 256 per class).

#include <pgring/task.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <new>

#if defined(__SANITIZE_ADDRESS__) || defined(PGRING_VALGRIND)
#define PGRING_FRAME_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PGRING_FRAME_POOL 0
#endif
#endif
#ifndef PGRING_FRAME_POOL
#define PGRING_FRAME_POOL 1
#endif

namespace pgring::detail {

#if PGRING_FRAME_POOL

namespace {

// Classes: 64-byte steps up to 4 KiB, then 1 KiB steps up to 16 KiB.
constexpr std::size_t granule = 64;
constexpr std::size_t small_limit = 4096;
constexpr std::size_t large_granule = 1024;
constexpr std::size_t max_pooled_size = 16384;
constexpr std::size_t class_count = small_limit / granule + (max_pooled_size - small_limit) / large_granule;
constexpr std::uint32_t max_cached = 256;

// The class of a size in (0, max_pooled_size], and the block size of a class.
constexpr std::size_t class_of(std::size_t size) noexcept {
    return size <= small_limit ? (size - 1) / granule
                               : small_limit / granule + (size - small_limit - 1) / large_granule;
}
constexpr std::size_t block_size(std::size_t c) noexcept {
    return c < small_limit / granule ? (c + 1) * granule : small_limit + (c - small_limit / granule + 1) * large_granule;
}
static_assert(class_of(64) == 0 && class_of(65) == 1 && block_size(class_of(4096)) == 4096);
static_assert(block_size(class_of(4097)) == 5120 && class_of(max_pooled_size) == class_count - 1);

struct free_block {
    free_block* next;
};

// Trivially destructible on purpose: frames may be freed during thread exit, after a
// destructor of this would have run.
struct frame_cache {
    std::array<free_block*, class_count> heads;
    std::array<std::uint32_t, class_count> counts;
};

thread_local constinit frame_cache cache __attribute__((tls_model("initial-exec"))) = {};

}  // namespace

void* allocate_frame(std::size_t size) {
    if (size == 0 || size > max_pooled_size) {
        return ::operator new(size);
    }
    const std::size_t c = class_of(size);
    if (free_block* b = cache.heads[c]) {
        cache.heads[c] = b->next;
        --cache.counts[c];
        return b;
    }
    return ::operator new(block_size(c));
}

void free_frame(void* p, std::size_t size) noexcept {
    if (p == nullptr) {
        return;
    }
    if (size == 0 || size > max_pooled_size) {
        ::operator delete(p);
        return;
    }
    const std::size_t c = class_of(size);
    if (cache.counts[c] >= max_cached) {
        ::operator delete(p);
        return;
    }
    auto* b = static_cast<free_block*>(p);
    b->next = cache.heads[c];
    cache.heads[c] = b;
    ++cache.counts[c];
}

#else

void* allocate_frame(std::size_t size) {
    return ::operator new(size);
}

void free_frame(void* p, std::size_t) noexcept {
    ::operator delete(p);
}

#endif

}  // namespace pgring::detail
