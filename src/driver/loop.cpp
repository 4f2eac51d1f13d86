// pgring::loop, pgring::runtime and detail::loop_impl: see loop_impl.hpp for the turn.

#include <pgring/error.hpp>
#include <pgring/loop.hpp>

#include "driver/channel.hpp"
#include "driver/loop_impl.hpp"

#include <algorithm>
#include <condition_variable>
#include <coroutine>
#include <exception>
#include <mutex>
#include <string>
#include <unordered_set>

namespace pgring::detail {

namespace {

// The coroutine that carries a spawned task: it starts suspended, awaits the task, and its frame
// frees itself at the end (final_suspend never suspends). `live` tracks frames still running so
// the loop can destroy them if it dies first.
struct detached {
    struct promise_type {
        loop_impl* owner = nullptr;
        std::unordered_set<void*>* live = nullptr;

        detached get_return_object() noexcept {
            return detached{std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_always initial_suspend() const noexcept { return {}; }
        std::suspend_never final_suspend() const noexcept { return {}; }
        void return_void() noexcept {
            live->erase(std::coroutine_handle<promise_type>::from_promise(*this).address());
            owner->spawned_done();
        }
        [[noreturn]] void unhandled_exception() noexcept { std::terminate(); }
    };
    std::coroutine_handle<promise_type> handle;
};

detached run_detached(task<void> t) {
    co_await std::move(t);
}

}  // namespace

loop_impl::loop_impl(const loop_options& options) {
    ring::loop::options ro;
    ro.sq_entries = options.sq_entries;
    ro.pool_buffers = options.buffers == 0 ? 1 : options.buffers;
    ro.pool_buffer_size = options.buffer_size < 4096 ? 4096 : options.buffer_size;
    std::error_code ec;
    ring_ = ring::loop::create(ro, ec);
    if (!ring_) {
        throw error(ec, diagnostics{.client_message = "cannot create an io_uring: " + ec.message()});
    }
}

loop_impl::~loop_impl() {
    auto& frames = live_;
    while (!frames.empty()) {
        void* frame = *frames.begin();
        frames.erase(frames.begin());
        std::coroutine_handle<>::from_address(frame).destroy();
    }
    // Channels torn down by those frames (or by connections destroyed just before) free
    // themselves from their last completion: give the kernel a bounded moment to deliver them.
    for (int i = 0; i < 1000 && channels_ > 0; ++i) {
        resume_ready();
        flush_dirty();
        ring_->run_once(std::chrono::milliseconds(1));
    }
}

void loop_impl::forget(driver::channel* c) noexcept {
    std::erase(dirty_, c);
    std::replace(flushing_.begin(), flushing_.end(), c, static_cast<driver::channel*>(nullptr));
}

void loop_impl::spawn(std::coroutine_handle<> h) {
    ++spawned_;
    schedule(h);
}

std::size_t loop_impl::resume_ready() {
    std::size_t resumed = 0;
    // Resumed coroutines schedule others: take the batch, run it, repeat while there is more,
    // bounded so I/O still gets its turn under a storm of ready coroutines.
    for (int round = 0; round < 64 && !ready_.empty(); ++round) {
        running_.swap(ready_);
        for (std::coroutine_handle<> h : running_) {
            h.resume();
        }
        resumed += running_.size();
        running_.clear();
    }
    return resumed;
}

void loop_impl::flush_dirty() {
    while (!dirty_.empty()) {
        flushing_.swap(dirty_);
        for (driver::channel* c : flushing_) {
            if (c != nullptr) {
                c->flush();
            }
        }
        flushing_.clear();
    }
}

template <class KeepWaiting>
void loop_impl::turn_while(bool may_block, KeepWaiting keep_waiting) {
    // A coroutine resumed here may have finished what the caller waits for: block in the ring
    // after resuming any only when `keep_waiting` still says so. Blocking then is what makes a
    // request cost one io_uring_enter: it submits the send and waits for the answer.
    const std::size_t resumed = resume_ready();
    flush_dirty();
    const bool block = may_block && ready_.empty() && (resumed == 0 || keep_waiting());
    ring_->run_once(block ? ring::loop::wait_forever : std::chrono::nanoseconds::zero());
    flush_dirty();
}

void loop_impl::turn(bool may_block) {
    turn_while(may_block, [] { return false; });
}

void loop_impl::run_until(const bool& done) {
    while (!done) {
        turn_while(true, [&done] { return !done; });
    }
}

void loop_impl::run() {
    stopped_ = false;
    while (!stopped_ && (spawned_ > 0 || !ready_.empty())) {
        turn_while(true, [this] { return !stopped_ && spawned_ > 0; });
    }
    stopped_ = false;
}

}  // namespace pgring::detail

namespace pgring {

loop::loop(const loop_options& options) : impl_(std::make_unique<detail::loop_impl>(options)) {}

loop::~loop() = default;

void loop::spawn(task<void> t) {
    auto d = detail::run_detached(std::move(t));
    d.handle.promise().owner = impl_.get();
    auto& frames = impl_->live_frames();
    d.handle.promise().live = &frames;
    frames.insert(d.handle.address());
    impl_->spawn(d.handle);
}

void loop::run() {
    impl_->run();
}

void loop::stop() noexcept {
    impl_->stop();
}

void loop::post(std::function<void()> fn) {
    impl_->ring().post(std::move(fn));
}

bool loop::is_current() const noexcept {
    return impl_->ring().is_current();
}

void loop::run_until(const bool& done) {
    impl_->run_until(done);
}

// ---- runtime ------------------------------------------------------------------------------------

struct runtime::slot {
    std::thread thread;
    loop* lp = nullptr;  // set by the thread once its loop exists
    std::mutex m;
    std::condition_variable cv;
    std::size_t spawned = 0;   // guarded by m
    std::size_t finished = 0;  // guarded by m
    bool stopping = false;     // guarded by m
    std::exception_ptr failure;
};

runtime::runtime(unsigned threads, const loop_options& options) {
    if (threads == 0) {
        threads = std::max(1u, std::thread::hardware_concurrency());
    }
    for (unsigned i = 0; i < threads; ++i) {
        auto s = std::make_unique<slot>();
        slot* raw = s.get();
        raw->thread = std::thread([raw, options] {
            try {
                loop lp(options);
                {
                    std::lock_guard<std::mutex> g(raw->m);
                    raw->lp = &lp;
                }
                raw->cv.notify_all();
                for (;;) {
                    lp.impl().turn(true);
                    std::lock_guard<std::mutex> g(raw->m);
                    if (raw->stopping && raw->finished == raw->spawned) {
                        break;
                    }
                }
                std::lock_guard<std::mutex> g(raw->m);
                raw->lp = nullptr;
            } catch (...) {
                std::lock_guard<std::mutex> g(raw->m);
                raw->failure = std::current_exception();
                raw->stopping = true;
            }
            raw->cv.notify_all();
        });
        std::unique_lock<std::mutex> lock(raw->m);
        raw->cv.wait(lock, [raw] { return raw->lp != nullptr || raw->failure; });
        if (raw->failure) {
            std::exception_ptr f = raw->failure;
            lock.unlock();
            raw->thread.join();
            loops_.push_back(std::move(s));
            stop();
            std::rethrow_exception(f);
        }
        lock.unlock();
        loops_.push_back(std::move(s));
    }
}

runtime::~runtime() {
    stop();
}

void runtime::spawn(std::size_t index, std::function<task<void>()> make) {
    spawn(index, [make = std::move(make)](loop&) { return make(); });
}

void runtime::spawn(std::size_t index, std::function<task<void>(loop&)> make) {
    slot* s = loops_[index % loops_.size()].get();
    loop* lp = nullptr;
    {
        std::lock_guard<std::mutex> g(s->m);
        lp = s->lp;
        ++s->spawned;
    }
    // Counts the task as finished when it ends, for wait() and stop().
    auto counted = [](task<void> t, slot* sl) -> task<void> {
        co_await std::move(t);
        {
            std::lock_guard<std::mutex> g(sl->m);
            ++sl->finished;
        }
        sl->cv.notify_all();
    };
    lp->post([s, lp, counted, make = std::move(make)] { lp->spawn(counted(make(*lp), s)); });
}

void runtime::wait() {
    for (auto& s : loops_) {
        std::unique_lock<std::mutex> lock(s->m);
        s->cv.wait(lock, [&] { return s->finished == s->spawned || s->lp == nullptr; });
    }
}

void runtime::stop() {
    for (auto& s : loops_) {
        std::lock_guard<std::mutex> g(s->m);
        s->stopping = true;
        if (s->lp != nullptr) {
            s->lp->post([] {});
        }
    }
    for (auto& s : loops_) {
        if (s->thread.joinable()) {
            s->thread.join();
        }
    }
}

}  // namespace pgring
