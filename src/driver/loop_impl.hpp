#pragma once

// detail::loop_impl: what a pgring::loop is made of. The callback-level ring::loop underneath,
// plus the two queues that turn completions into coroutine resumptions:
//
//   ring CQE --> channel callback --> request done --> schedule(waiter) --> ready_ queue
//   one turn:  resume every handle in ready_ (they may start requests and write messages)
//              flush every channel that wrote (one sendmsg each; see channel::flush)
//              ring.run_once(): submit everything, wait only if nothing is ready
//
// Completion callbacks never resume a coroutine inline: a coroutine may destroy the connection
// whose callback is on the stack, so it runs from the turn instead.
//
// Thread: the loop thread only, except what pgring::loop::post() does.

#include <pgring/loop.hpp>

#include "ring/buffer_pool.hpp"
#include "ring/loop.hpp"

#include <coroutine>
#include <cstddef>
#include <memory>
#include <unordered_set>
#include <vector>

namespace pgring::driver {
class channel;
}  // namespace pgring::driver

namespace pgring::detail {

class loop_impl {
public:
    explicit loop_impl(const loop_options& options);
    ~loop_impl();
    loop_impl(const loop_impl&) = delete;
    loop_impl& operator=(const loop_impl&) = delete;

    ring::loop& ring() noexcept { return *ring_; }
    ring::buffer_pool& pool() noexcept { return *ring_->default_pool(); }

    /// Resumes `h` at the next turn.
    void schedule(std::coroutine_handle<> h) { ready_.push_back(h); }
    /// Calls channel::flush() on `c` before the next submit (once per turn).
    void want_flush(driver::channel* c) { dirty_.push_back(c); }
    /// Forgets `c` (it is being destroyed).
    void forget(driver::channel* c) noexcept;

    /// Channels alive on this loop (the destructor lets them finish their teardown).
    void channel_created() noexcept { ++channels_; }
    void channel_freed() noexcept { --channels_; }

    /// Starts a detached coroutine.
    void spawn(std::coroutine_handle<> h);
    /// A detached coroutine ended.
    void spawned_done() noexcept { --spawned_; }

    /// One turn; blocks in the ring only when `may_block` and nothing is ready.
    void turn(bool may_block);
    /// One turn that, after resuming coroutines, still blocks when `keep_waiting()` is true.
    template <class KeepWaiting>
    void turn_while(bool may_block, KeepWaiting keep_waiting);
    void run_until(const bool& done);
    void run();
    void stop() noexcept { stopped_ = true; }
    /// Frames of spawned coroutines still running (destroyed with the loop).
    std::unordered_set<void*>& live_frames() noexcept { return live_; }

private:
    std::size_t resume_ready();
    void flush_dirty();

    std::unique_ptr<ring::loop> ring_;
    std::vector<std::coroutine_handle<>> ready_;
    std::vector<std::coroutine_handle<>> running_;
    std::vector<driver::channel*> dirty_;
    std::vector<driver::channel*> flushing_;
    std::unordered_set<void*> live_;  // frames of spawned coroutines still alive
    std::size_t spawned_ = 0;
    std::size_t channels_ = 0;
    bool stopped_ = false;
};

}  // namespace pgring::detail
