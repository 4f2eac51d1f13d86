#pragma once

/// @file
/// `pgring::loop`: one io_uring event loop, owned by one thread, that runs coroutines and the
/// connections made on it; `pgring::runtime`: one loop per core, each on its own thread.

#include <pgring/task.hpp>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace pgring {

namespace detail {
class loop_impl;
}  // namespace detail

/// Sizes of a loop's ring and receive buffers.
struct loop_options {
    /// Submission queue entries (rounded up to a power of two by the kernel).
    unsigned sq_entries = 256;
    /// Receive buffers shared by every connection of the loop (a provided-buffer ring).
    std::uint32_t buffers = 256;
    /// Size of each receive buffer in bytes.
    std::uint32_t buffer_size = 64 * 1024;
};

/// A thread's io_uring event loop: it runs the coroutines spawned on it and completes the I/O
/// of every connection made on it. There are no locks on its paths, so everything on a loop
/// (its connections, their results) is used from the loop's thread only.
///
/// Thread: the thread that constructed it, except post() and stop_from_any_thread().
class loop {
public:
    /// Makes a loop owned by the calling thread. Features the kernel lacks (buffer rings,
    /// multishot receive, DEFER_TASKRUN) are replaced by fallbacks.
    /// Errors: throws `pgring::error` when no io_uring can be created (ENOSYS, EPERM under a
    /// seccomp filter that forbids io_uring, ENOMEM from a low RLIMIT_MEMLOCK).
    explicit loop(const loop_options& options = {});
    /// Destroys the loop. Lifetime: every connection and result made on it must be gone;
    /// spawned coroutines still suspended are destroyed.
    ~loop();
    loop(const loop&) = delete;
    loop& operator=(const loop&) = delete;

    /// Starts `t` on this loop, detached: it runs at the next turn, on this thread.
    /// An exception escaping `t` terminates the program, as one escaping a std::thread does;
    /// catch inside. Thread: loop thread.
    void spawn(task<void> t);

    /// Runs the loop on this thread until `t` has finished, and returns its result (or rethrows
    /// its exception). Other spawned coroutines make progress meanwhile. Thread: loop thread.
    template <class T>
    T run(task<T> t);

    /// Runs the loop until every spawned coroutine has finished (or stop() is called).
    /// Thread: loop thread.
    void run();

    /// Makes run() return after the current turn. Thread: loop thread.
    void stop() noexcept;

    /// Queues `fn` to run on the loop's thread and wakes the loop. Thread: any.
    void post(std::function<void()> fn);

    /// True on the loop's thread. Thread: any.
    bool is_current() const noexcept;

    /// Low level: the implementation, for pgring's own layers.
    detail::loop_impl& impl() noexcept { return *impl_; }

private:
    void run_until(const bool& done);
    std::unique_ptr<detail::loop_impl> impl_;
};

/// One loop per thread, the threads started at construction: the thread-per-core model.
/// Work is placed on a chosen loop with spawn(); a coroutine and the connections it makes stay
/// on that loop.
///
/// Thread: any thread may call spawn(), size(), wait() and stop().
class runtime {
public:
    /// Starts `threads` threads (0: one per online CPU), each running a loop made with
    /// `options`. Errors: throws `pgring::error` when a loop cannot be created.
    explicit runtime(unsigned threads = 0, const loop_options& options = {});
    /// stop(), then joins the threads.
    ~runtime();
    runtime(const runtime&) = delete;
    runtime& operator=(const runtime&) = delete;

    /// Number of loops (threads).
    std::size_t size() const noexcept { return loops_.size(); }

    /// Runs `make()` on loop `index % size()` and spawns the task it returns there. The task is
    /// made on the loop's thread, so everything it creates belongs to that loop.
    void spawn(std::size_t index, std::function<task<void>()> make);
    /// As spawn() above, with `make(lp)` given the loop it runs on: what the task needs to make
    /// connections there (connection::connect takes the loop).
    void spawn(std::size_t index, std::function<task<void>(loop&)> make);

    /// Waits until every task spawned so far has finished.
    void wait();

    /// Asks every loop to stop once its spawned tasks have finished, and joins the threads.
    void stop();

private:
    struct slot;
    std::vector<std::unique_ptr<slot>> loops_;
};

// ---- implementation -----------------------------------------------------------------------------

template <class T>
T loop::run(task<T> t) {
    bool done = false;
    std::exception_ptr failure;
    std::conditional_t<std::is_void_v<T>, bool, std::optional<T>> value{};
    auto body = [](task<T> inner, bool& flag, std::exception_ptr& ex, decltype(value)& out) -> task<void> {
        try {
            if constexpr (std::is_void_v<T>) {
                co_await std::move(inner);
            } else {
                out.emplace(co_await std::move(inner));
            }
        } catch (...) {
            ex = std::current_exception();
        }
        flag = true;
    };
    task<void> wrapper = body(std::move(t), done, failure, value);
    std::coroutine_handle<> h = wrapper.handle();
    h.resume();
    if (!done) {
        run_until(done);
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
    if constexpr (!std::is_void_v<T>) {
        return std::move(*value);
    }
}

}  // namespace pgring
