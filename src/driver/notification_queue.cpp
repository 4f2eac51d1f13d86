// driver::notification_queue: see notification_queue.hpp.

#include "driver/notification_queue.hpp"

#include <pgring/error.hpp>

#include "ring/loop.hpp"
#include "ring/timeout.hpp"

#include <coroutine>
#include <string>
#include <utility>

namespace pgring::driver {

// One next() that waits, in its coroutine frame.
struct notification_queue::waiter {
    notification_queue* queue = nullptr;
    std::coroutine_handle<> handle;
    waiter* prev = nullptr;
    waiter* next = nullptr;
    bool linked = false;
    timer_record* timer = nullptr;  // armed deadline of a timed wait
    std::optional<notification> value;
    std::error_code ec;  // why the wait ended without a value

    waiter() = default;
    waiter(const waiter&) = delete;
    waiter& operator=(const waiter&) = delete;
    // The frame is destroyed while waiting (its task was dropped, or the loop is going away).
    ~waiter() {
        if (linked) {
            queue->unlink(*this);
        }
        disarm();
    }
    void disarm() noexcept;
};

// A timed wait's deadline. Heap-allocated: the waiter may be gone before the kernel lets go.
struct notification_queue::timer_record : ring::timeout_op {
    waiter* owner = nullptr;  // null once the wait ended another way (the timer was cancelled)
    detail::loop_impl* loop = nullptr;
};

void notification_queue::waiter::disarm() noexcept {
    if (timer != nullptr) {
        timer_record* t = std::exchange(timer, nullptr);
        t->owner = nullptr;
        queue->loop_.ring().cancel(*t);  // on_timer frees it
    }
}

struct notification_queue::wait_awaiter {
    notification_queue& q;
    waiter& w;
    std::optional<std::chrono::milliseconds> timeout;

    bool await_ready() const noexcept {
        return !q.queue_.empty() || q.closed_ || (timeout && timeout->count() <= 0);
    }
    void await_suspend(std::coroutine_handle<> h) {
        w.handle = h;
        q.link(w);
        if (timeout) {
            auto* t = new timer_record();
            t->complete = &notification_queue::on_timer;
            t->owner = &w;
            t->loop = &q.loop_;
            w.timer = t;
            q.loop_.channel_created();
            ring::async_timeout(q.loop_.ring(), *t, *timeout);
        }
    }
    void await_resume() const noexcept {}
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
    w.disarm();
    loop_.schedule(w.handle);
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

void notification_queue::on_timer(ring::op_base* op, int, unsigned) {
    auto* t = static_cast<timer_record*>(static_cast<ring::timeout_op*>(op));
    if (t->owner != nullptr) {
        waiter& w = *t->owner;
        w.timer = nullptr;
        w.ec = make_error_code(errc::timeout);
        w.queue->unlink(w);
        t->loop->schedule(w.handle);
    }
    t->loop->channel_freed();
    delete t;
}

task<result<notification>> notification_queue::next(std::shared_ptr<notification_queue> q,
                                                    std::optional<std::chrono::milliseconds> timeout) {
    waiter w;
    w.queue = q.get();
    co_await wait_awaiter{*q, w, timeout};
    if (w.value) {
        co_return std::move(*w.value);
    }
    if (!w.ec && !q->queue_.empty()) {
        notification n = std::move(q->queue_.front());
        q->queue_.pop_front();
        co_return n;
    }
    if (w.ec == errc::timeout || (!w.ec && !q->closed_)) {
        co_return failure{make_error_code(errc::timeout),
                          diagnostics{.client_message = "no notification arrived before the timeout"}};
    }
    co_return failure{make_error_code(errc::connection_closed), q->closed_why_};
}

}  // namespace pgring::driver
