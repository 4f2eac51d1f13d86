#pragma once

/// @file
/// `pgring::task<T>`: the coroutine type of pgring's API.

#include <coroutine>
#include <cstddef>
#include <exception>
#include <type_traits>
#include <utility>
#include <variant>

namespace pgring {

template <class T = void>
class task;

namespace detail {

/// Low level: the coroutine frames of every task come from here, a per-thread cache of freed
/// frames by size (a pop from a list instead of a malloc per call); see src/driver/frame_pool.cpp.
void* allocate_frame(std::size_t size);
/// Low level: gives back a frame of `size` bytes from allocate_frame().
void free_frame(void* p, std::size_t size) noexcept;

// What the promise of every task has: the continuation to resume at the end (symmetric
// transfer, so a chain of co_awaits never grows the stack) and the exception, if any.
class task_promise_base {
public:
    struct final_awaiter {
        bool await_ready() const noexcept { return false; }
        template <class P>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
            auto next = h.promise().continuation_;
            return next ? next : std::noop_coroutine();
        }
        void await_resume() const noexcept {}
    };

    static void* operator new(std::size_t size) { return allocate_frame(size); }
    static void operator delete(void* p, std::size_t size) noexcept { free_frame(p, size); }

    std::suspend_always initial_suspend() const noexcept { return {}; }
    final_awaiter final_suspend() const noexcept { return {}; }
    void set_continuation(std::coroutine_handle<> c) noexcept { continuation_ = c; }

protected:
    std::coroutine_handle<> continuation_;
};

template <class T>
class task_promise final : public task_promise_base {
public:
    task<T> get_return_object() noexcept;
    void unhandled_exception() noexcept { result_.template emplace<2>(std::current_exception()); }
    template <class U>
        requires std::is_convertible_v<U&&, T>
    void return_value(U&& v) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
        result_.template emplace<1>(std::forward<U>(v));
    }
    T& result() & {
        if (result_.index() == 2) {
            std::rethrow_exception(std::get<2>(result_));
        }
        return std::get<1>(result_);
    }
    T&& result() && {
        if (result_.index() == 2) {
            std::rethrow_exception(std::get<2>(result_));
        }
        return std::move(std::get<1>(result_));
    }

private:
    std::variant<std::monostate, T, std::exception_ptr> result_;
};

template <>
class task_promise<void> final : public task_promise_base {
public:
    task<void> get_return_object() noexcept;
    void unhandled_exception() noexcept { exception_ = std::current_exception(); }
    void return_void() noexcept {}
    void result() const {
        if (exception_) {
            std::rethrow_exception(exception_);
        }
    }

private:
    std::exception_ptr exception_;
};

}  // namespace detail

/// A lazily started coroutine producing a `T` (or an exception).
///
/// The coroutine does not run until the task is awaited; `co_await t` starts it and resumes
/// the awaiter when it finishes, by symmetric transfer (no stack growth across long chains).
/// Tasks are move-only; destroying a task that has not finished destroys its frame.
///
/// Thread: a task is not thread-safe; it runs on the thread (the loop) that resumes it.
/// Lifetime: arguments taken by reference must outlive the task's completion.
template <class T>
class [[nodiscard]] task {
public:
    /// The coroutine promise (used by the compiler).
    using promise_type = detail::task_promise<T>;
    /// The type `co_await` yields.
    using value_type = T;

    /// An empty task (valid() is false).
    task() noexcept = default;
    /// Low level: takes ownership of a coroutine frame.
    explicit task(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
    /// Takes over `o`'s coroutine; `o` becomes empty.
    task(task&& o) noexcept : handle_(std::exchange(o.handle_, {})) {}
    /// Destroys this task's coroutine (if any) and takes over `o`'s.
    task& operator=(task&& o) noexcept {
        if (this != &o) {
            destroy();
            handle_ = std::exchange(o.handle_, {});
        }
        return *this;
    }
    task(const task&) = delete;
    task& operator=(const task&) = delete;
    ~task() { destroy(); }

    /// True when the task holds a coroutine.
    bool valid() const noexcept { return static_cast<bool>(handle_); }
    /// True when the coroutine has run to its end.
    bool done() const noexcept { return handle_ && handle_.done(); }

    /// Awaiting starts the task and yields its result (or rethrows its exception).
    auto operator co_await() && noexcept {
        struct awaiter {
            std::coroutine_handle<promise_type> h;
            bool await_ready() const noexcept { return !h || h.done(); }
            std::coroutine_handle<> await_suspend(std::coroutine_handle<> caller) noexcept {
                h.promise().set_continuation(caller);
                return h;
            }
            // By value, not T&&: `for (auto r : co_await f())` must not bind to the frame of a
            // task temporary that dies before the loop body runs.
            T await_resume() {
                if constexpr (std::is_void_v<T>) {
                    h.promise().result();
                } else {
                    return std::move(h.promise()).result();
                }
            }
        };
        return awaiter{handle_};
    }
    /// Awaiting an lvalue task works like awaiting it moved: it can be awaited once.
    auto operator co_await() & noexcept { return std::move(*this).operator co_await(); }

    /// Low level: the coroutine handle (for runtimes that start tasks).
    std::coroutine_handle<promise_type> handle() const noexcept { return handle_; }
    /// Low level: gives up ownership of the coroutine frame.
    std::coroutine_handle<promise_type> release() noexcept { return std::exchange(handle_, {}); }

private:
    void destroy() noexcept {
        if (handle_) {
            handle_.destroy();
            handle_ = {};
        }
    }
    std::coroutine_handle<promise_type> handle_;
};

namespace detail {
template <class T>
task<T> task_promise<T>::get_return_object() noexcept {
    return task<T>(std::coroutine_handle<task_promise<T>>::from_promise(*this));
}
inline task<void> task_promise<void>::get_return_object() noexcept {
    return task<void>(std::coroutine_handle<task_promise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace pgring
