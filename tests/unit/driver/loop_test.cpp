// pgring::loop and pgring::runtime without a server: running tasks, spawning, exceptions, and
// work placed on other threads.

#include <gtest/gtest.h>

#include <pgring/loop.hpp>
#include <pgring/task.hpp>

#include "driver/loop_impl.hpp"

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace pgring {
namespace {

task<int> answer() {
    co_return 42;
}

task<int> add_up(int depth) {
    if (depth == 0) {
        co_return 0;
    }
    co_return 1 + co_await add_up(depth - 1);
}

task<void> throws() {
    throw std::runtime_error("boom");
    co_return;
}

TEST(Loop, RunReturnsTheTaskResult) {
    loop lp;
    EXPECT_EQ(lp.run(answer()), 42);
}

TEST(Loop, RunRethrowsTheTaskException) {
    loop lp;
    EXPECT_THROW(lp.run(throws()), std::runtime_error);
}

// Symmetric transfer is a tail call in optimised builds; AddressSanitizer turns tail calls off,
// so there each level of the chain takes stack and the depth must stay modest.
#if defined(__SANITIZE_ADDRESS__)
constexpr int deep_chain = 2000;
#else
constexpr int deep_chain = 100000;
#endif

TEST(Loop, DeepAwaitChainsDoNotGrowTheStack) {
    loop lp;
    EXPECT_EQ(lp.run(add_up(deep_chain)), deep_chain);
}

task<void> count_to(int& counter, int n) {
    for (int i = 0; i < n; ++i) {
        ++counter;
        co_await answer();
    }
}

TEST(Loop, SpawnedTasksRunUntilDone) {
    loop lp;
    int counter = 0;
    for (int i = 0; i < 100; ++i) {
        lp.spawn(count_to(counter, 10));
    }
    EXPECT_EQ(counter, 0);  // spawned tasks start at the next turn
    lp.run();
    EXPECT_EQ(counter, 1000);
}

TEST(Loop, PostFromAnotherThreadRunsOnTheLoop) {
    loop lp;
    bool ran_on_loop = false;
    bool done = false;
    std::thread t([&] {
        lp.post([&] {
            ran_on_loop = lp.is_current();
            done = true;
        });
    });
    while (!done) {
        lp.impl().turn(true);  // blocks until the post() wakes the loop
    }
    t.join();
    EXPECT_TRUE(ran_on_loop);
}

TEST(Loop, DestroyingALoopDestroysSuspendedSpawnedTasks) {
    struct never {
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<>) const noexcept {}
        void await_resume() const noexcept {}
    };
    auto stuck = [](std::shared_ptr<int> token) -> task<void> {
        co_await never{};
        (void)token;
    };
    auto token = std::make_shared<int>(1);
    {
        loop lp;
        lp.spawn(stuck(token));
        lp.impl().turn(false);  // the task starts and suspends forever
        EXPECT_EQ(token.use_count(), 2);
    }
    EXPECT_EQ(token.use_count(), 1);
}

TEST(Runtime, RunsTasksOnEveryLoop) {
    std::atomic<int> done{0};
    std::atomic<int> on_loop_thread{0};
    {
        runtime rt(2);
        ASSERT_EQ(rt.size(), 2u);
        for (int i = 0; i < 200; ++i) {
            rt.spawn(static_cast<std::size_t>(i), [&]() -> task<void> {
                return [](std::atomic<int>& d, std::atomic<int>& t) -> task<void> {
                    co_await answer();
                    t.fetch_add(1);
                    d.fetch_add(1);
                }(done, on_loop_thread);
            });
        }
        rt.wait();
        EXPECT_EQ(done.load(), 200);
    }
    EXPECT_EQ(on_loop_thread.load(), 200);
}

}  // namespace
}  // namespace pgring
