// driver::notification_queue: see notification_queue.hpp.

#include "driver/notification_queue.hpp"

#include <pgring/error.hpp>

#include "driver/timed_wait.hpp"

#include <coroutine>
#include <string>
#include <utility>

namespace pgring::driver {

// One next() that waits, in its coroutine frame.
struct notification_queue::waiter {
    notification_queue* queue;
    timed_wait wait;
    waiter* prev = nullptr;
    waiter* next = nullptr;
    bool linked = false;
    std::optional<notification> value;
    std::error_code ec;  // why the wait ended without a value (closed)

    explicit waiter(notification_queue& q) noexcept : queue(&q), wait(q.loop_) {}
    waiter(const waiter&) = delete;
    waiter& operator=(const waiter&) = delete;
    // The frame is destroyed while waiting (its task was dropped, or the loop is going away);
    // `wait` disarms its deadline.
    ~waiter() { queue->unlink(*this); }
};

notification_queue::notification_queue(detail::loop_impl& lp, std::size_t capacity,
                                       std::function<void(const notification&)> callback)
    : loop_(lp), capacity_(capacity), callback_(std::move(callback)) {}

notification_queue::~notification_queue() = default;

void notification_queue::link(waiter& w) noexcept {
    w.prev = last_;
    w.next = nullptr;
    if (last_ != nullptr) {
        last_->next = &w;
    } else {
        first_ = &w;
    }
    last_ = &w;
    w.linked = true;
}

void notification_queue::unlink(waiter& w) noexcept {
    if (!w.linked) {
        return;
    }
    (w.prev != nullptr ? w.prev->next : first_) = w.next;
    (w.next != nullptr ? w.next->prev : last_) = w.prev;
    w.prev = w.next = nullptr;
    w.linked = false;
}

void notification_queue::wake(waiter& w) noexcept {
    unlink(w);
    w.wait.wake();
}

void notification_queue::deliver(std::int32_t process_id, std::string_view channel, std::string_view payload) {
    notification n{process_id, std::string(channel), std::string(payload)};
    if (callback_) {
        callback_(n);
    }
    if (first_ != nullptr) {
        waiter& w = *first_;
        w.value = std::move(n);
        wake(w);
        return;
    }
    if (capacity_ == 0) {
        ++dropped_;
        return;
    }
    if (queue_.size() >= capacity_) {
        queue_.pop_front();
        ++dropped_;
    }
    queue_.push_back(std::move(n));
}

void notification_queue::close(const diagnostics& why) {
    if (closed_) {
        return;
    }
    closed_ = true;
    closed_why_ = why;
    if (closed_why_.client_message.empty() && closed_why_.message.empty()) {
        closed_why_.client_message = "the connection is closed";
    }
    while (first_ != nullptr) {
        waiter& w = *first_;
        w.ec = make_error_code(errc::connection_closed);
        wake(w);
    }
}

task<result<notification>> notification_queue::next(std::shared_ptr<notification_queue> q,
                                                    std::optional<std::chrono::milliseconds> timeout) {
    std::optional<notification> value;
    std::error_code ec;
    if (q->queue_.empty() && !q->closed_) {
        if (timeout && timeout->count() <= 0) {
            ec = make_error_code(errc::timeout);
        } else {
            waiter w(*q);
            q->link(w);
            co_await w.wait.wait(timeout ? std::chrono::nanoseconds(*timeout) : std::chrono::nanoseconds(-1));
            q->unlink(w);  // still linked when the deadline ended the wait
            value = std::move(w.value);
            ec = w.ec;
            if (!value && !ec && !w.wait.woken()) {
                ec = make_error_code(errc::timeout);
            }
        }
    }
    if (value) {
        co_return std::move(*value);
    }
    if (!ec && !q->queue_.empty()) {
        notification n = std::move(q->queue_.front());
        q->queue_.pop_front();
        co_return n;
    }
    if (ec == errc::timeout) {
        co_return failure{make_error_code(errc::timeout),
                          diagnostics{.client_message = "no notification arrived before the timeout"}};
    }
    co_return failure{make_error_code(errc::connection_closed), q->closed_why_};
}

}  // namespace pgring::driver
