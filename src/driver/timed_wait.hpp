#pragma once

// driver::timed_wait: one coroutine's wait on its loop that ends when someone on the same loop
// calls wake(), or when its deadline passes, whichever comes first. The connection pool's
// waiters, back-off sleeps and maintenance ticks are made of it.
//
//   wait(after) --> suspended --wake()-----> resumed at the next turn, woken() true
//                             --deadline---> resumed at the next turn, woken() false
//
// The deadline is an IORING_OP_TIMEOUT whose record lives on the heap: the kernel holds its
// address until its completion, which may come after the waiting frame is gone (woken first and
// the cancel not yet reaped, or the frame destroyed while suspended). The record frees itself at
// its completion and, like notification_queue's records, counts as a channel of the loop, so a
// loop being destroyed still reaps it.
//
// Resumption always goes through loop_impl::schedule (the next turn), never inline: wake() may
// run inside a destructor or a completion function.
//
// Thread: the loop thread.

#include "driver/loop_impl.hpp"
#include "ring/loop.hpp"
#include "ring/timeout.hpp"

#include <chrono>
#include <coroutine>
#include <utility>

namespace pgring::driver {

class timed_wait {
public:
    explicit timed_wait(detail::loop_impl& lp) noexcept : loop_(&lp) {}
    timed_wait(const timed_wait&) = delete;
    timed_wait& operator=(const timed_wait&) = delete;
    ~timed_wait() { disarm(); }

    /// Awaitable: suspends until wake() or until `after` has passed (negative: no deadline; zero:
    /// does not suspend). After a wake() that came first it does not suspend either.
    auto wait(std::chrono::nanoseconds after) noexcept { return awaiter{*this, after}; }

    /// Ends the wait (the coroutine resumes at the next turn), or makes the next wait() return at
    /// once. Returns false when already woken.
    bool wake() noexcept {
        if (woken_) {
            return false;
        }
        woken_ = true;
        if (handle_) {
            disarm();
            loop_->schedule(std::exchange(handle_, {}));
        }
        return true;
    }

    /// True when the last wait ended by wake() (false: by its deadline).
    bool woken() const noexcept { return woken_; }
    /// Makes the object ready for another wait.
    void reset() noexcept { woken_ = false; }

private:
    struct record : ring::timeout_op {
        timed_wait* owner = nullptr;  // null once the wait ended another way (being cancelled)
        detail::loop_impl* loop = nullptr;
    };

    struct awaiter {
        timed_wait& w;
        std::chrono::nanoseconds after;

        bool await_ready() const noexcept { return w.woken_ || after.count() == 0; }
        void await_suspend(std::coroutine_handle<> h) {
            w.handle_ = h;
            if (after.count() > 0) {
                auto* r = new record();
                r->complete = &timed_wait::on_timer;
                r->owner = &w;
                r->loop = w.loop_;
                w.record_ = r;
                w.loop_->channel_created();
                ring::async_timeout(w.loop_->ring(), *r, after);
            }
        }
        void await_resume() const noexcept {}
    };

    static void on_timer(ring::op_base* op, int, unsigned) {
        auto* r = static_cast<record*>(static_cast<ring::timeout_op*>(op));
        if (r->owner != nullptr) {
            timed_wait& w = *r->owner;
            w.record_ = nullptr;
            if (w.handle_) {
                r->loop->schedule(std::exchange(w.handle_, {}));
            }
        }
        r->loop->channel_freed();
        delete r;
    }

    void disarm() noexcept {
        if (record_ != nullptr) {
            record* r = std::exchange(record_, nullptr);
            r->owner = nullptr;
            loop_->ring().cancel(*r);  // on_timer frees it
        }
    }

    detail::loop_impl* loop_;
    std::coroutine_handle<> handle_;
    record* record_ = nullptr;
    bool woken_ = false;
};

}  // namespace pgring::driver
