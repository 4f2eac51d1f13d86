#pragma once

// driver::notification_queue: the NotificationResponses of one connection, between the channel
// that receives them (inside a completion) and the coroutines that await them.
//
//   channel::dispatch --deliver()--> callback (every one)
//                                    waiter at the front?  yes: hand it over, schedule it
//                                                          no:  queue_ (bounded; when full the
//                                                               oldest is dropped and counted)
//   channel::fail_all --close()----> every waiter: connection_closed, with the channel's last
//                                    error; next() drains the queue first, then fails so
//
// Invariant: waiters exist only while queue_ is empty (a waiter takes from the queue before it
// suspends, and deliver() serves waiters before it queues), so the order is the arrival order.
//
// A waiter lives in the frame of the coroutine running next(); it unlinks itself when that frame
// is destroyed. Its wait, with or without a deadline, is a driver::timed_wait.
//
// Lifetime: shared (std::shared_ptr) by the connection, the channel's callbacks and every
// notification_stream; next() holds a reference while it waits.
// Thread: the loop thread.

#include <pgring/diagnostics.hpp>
#include <pgring/notification.hpp>
#include <pgring/result.hpp>
#include <pgring/task.hpp>

#include "driver/loop_impl.hpp"
#include "ring/op_base.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

namespace pgring::driver {

class notification_queue {
public:
    /// `capacity`: notifications kept while nobody waits. `callback` (may be empty) sees each one.
    notification_queue(detail::loop_impl& lp, std::size_t capacity,
                       std::function<void(const notification&)> callback);
    notification_queue(const notification_queue&) = delete;
    notification_queue& operator=(const notification_queue&) = delete;
    ~notification_queue();

    /// A NotificationResponse arrived: to the callback, then to the first waiter or the queue.
    void deliver(std::int32_t process_id, std::string_view channel, std::string_view payload);
    /// The connection is gone (`why`: its last error, or empty): wakes every waiter with
    /// errc::connection_closed and those diagnostics. Idempotent.
    void close(const diagnostics& why);

    /// Takes the oldest queued notification, or waits for one (at most `timeout` when given).
    static task<result<notification>> next(std::shared_ptr<notification_queue> q,
                                           std::optional<std::chrono::milliseconds> timeout);

    std::size_t size() const noexcept { return queue_.size(); }
    std::uint64_t dropped() const noexcept { return dropped_; }
    bool closed() const noexcept { return closed_; }

private:
    struct waiter;

    void link(waiter& w) noexcept;
    void unlink(waiter& w) noexcept;
    // Ends `w`'s wait (linked): its coroutine resumes at the next turn.
    void wake(waiter& w) noexcept;

    detail::loop_impl& loop_;
    std::size_t capacity_;
    std::function<void(const notification&)> callback_;
    std::deque<notification> queue_;
    waiter* first_ = nullptr;  // waiters, FIFO (intrusive, doubly linked)
    waiter* last_ = nullptr;
    diagnostics closed_why_;  // what next() reports once closed
    std::uint64_t dropped_ = 0;
    bool closed_ = false;
};

}  // namespace pgring::driver
