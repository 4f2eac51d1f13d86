#include "ring/loop.hpp"

#include "ring/buffer_pool.hpp"
#include "ring/timeout.hpp"
#include "ring_test_util.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <ostream>
#include <thread>
#include <vector>

namespace pgring::ring {
namespace {

using namespace std::chrono_literals;
using test::RingTest;

// ---- creation and features -------------------------------------------------------------------

TEST(LoopCreate, RejectsBadOptions) {
    for (unsigned sq : {0u, 1u, 40000u}) {
        loop_options o;
        o.sq_entries = sq;
        std::error_code ec;
        EXPECT_EQ(loop::create(o, ec), nullptr) << sq;
        EXPECT_EQ(ec, std::errc::invalid_argument) << sq;
    }
    for (unsigned cq : {4u, 70000u}) {
        loop_options o;
        o.sq_entries = 8;
        o.cq_entries = cq;
        std::error_code ec;
        EXPECT_EQ(loop::create(o, ec), nullptr) << cq;
        EXPECT_EQ(ec, std::errc::invalid_argument) << cq;
    }
}

TEST(LoopCreate, ClampsTheDefaultCqSize) {
    loop_options o;
    o.sq_entries = 16384;
    o.pool_buffers = 0;
    std::string why;
    auto lp = test::make_loop(why, o);
    if (!lp) {
        GTEST_SKIP() << why;
    }
    EXPECT_EQ(lp->features().sq_entries, 16384u);
    EXPECT_EQ(lp->features().cq_entries, 65536u);
}

TEST(LoopCreate, ReportsBadDefaultPoolOptions) {
    loop_options o;
    o.pool_buffer_size = 0;
    std::error_code ec;
    auto lp = loop::create(o, ec);
    if (ec && ec != std::errc::invalid_argument) {
        GTEST_SKIP() << "io_uring unavailable: " << ec.message();
    }
    EXPECT_EQ(lp, nullptr);
    EXPECT_EQ(ec, std::errc::invalid_argument);
}

TEST_F(RingTest, FeaturesAreFilled) {
    const features& f = lp_->features();
    EXPECT_GE(f.sq_entries, 256u);
    EXPECT_GE(f.cq_entries, f.sq_entries);
    EXPECT_TRUE(f.probed);
    // create() refuses kernels without these, so they must be set.
    EXPECT_TRUE(f.op_read && f.op_recv && f.op_sendmsg && f.op_connect && f.op_close);
    EXPECT_TRUE(f.op_timeout && f.op_link_timeout && f.op_async_cancel && f.op_poll_add && f.op_nop);
    // The booleans mirror the granted flags.
    EXPECT_EQ(f.single_issuer, (f.setup_flags & IORING_SETUP_SINGLE_ISSUER) != 0);
    EXPECT_EQ(f.defer_taskrun, (f.setup_flags & IORING_SETUP_DEFER_TASKRUN) != 0);
    EXPECT_EQ(f.coop_taskrun, (f.setup_flags & IORING_SETUP_COOP_TASKRUN) != 0);
    EXPECT_EQ(f.submit_all, (f.setup_flags & IORING_SETUP_SUBMIT_ALL) != 0);
    EXPECT_EQ(f.ext_arg, (f.ring_features & IORING_FEAT_EXT_ARG) != 0);
    if (f.defer_taskrun) {
        EXPECT_TRUE(f.single_issuer);
    }
    if (f.recv_multishot) {
        EXPECT_TRUE(f.buf_ring);
    }
    ASSERT_NE(lp_->default_pool(), nullptr);
    EXPECT_EQ(lp_->default_pool()->uses_ring(), f.buf_ring);
    EXPECT_EQ(lp_->default_pool()->buffer_count(), 64u);
    EXPECT_EQ(lp_->default_pool()->buffer_size(), 64u * 1024u);
    RecordProperty("setup_flags", static_cast<int>(f.setup_flags));
    RecordProperty("buf_ring", f.buf_ring ? 1 : 0);
    RecordProperty("recv_multishot", f.recv_multishot ? 1 : 0);
}

TEST(LoopFeatures, PlainRingWhenSetupFlagsAreNotRequested) {
    loop_options o;
    o.request_setup_flags = false;
    std::string why;
    auto lp = test::make_loop(why, o);
    if (!lp) {
        GTEST_SKIP() << why;
    }
    const unsigned asked = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
                           IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL;
    EXPECT_EQ(lp->features().setup_flags & asked, 0u);
    EXPECT_FALSE(lp->features().defer_taskrun);
}

TEST(LoopFeatures, BufferRingsCanBeTurnedOff) {
    loop_options o;
    o.use_buffer_rings = false;
    std::string why;
    auto lp = test::make_loop(why, o);
    if (!lp) {
        GTEST_SKIP() << why;
    }
    EXPECT_FALSE(lp->features().buf_ring);
    EXPECT_FALSE(lp->features().recv_multishot);
    ASSERT_NE(lp->default_pool(), nullptr);
    EXPECT_FALSE(lp->default_pool()->uses_ring());
}

TEST(LoopFeatures, NoDefaultPoolWhenAskedForNone) {
    loop_options o;
    o.pool_buffers = 0;
    std::string why;
    auto lp = test::make_loop(why, o);
    if (!lp) {
        GTEST_SKIP() << why;
    }
    EXPECT_EQ(lp->default_pool(), nullptr);
}

// ---- the same behaviour on every ring configuration ------------------------------------------

struct setup_mode {
    const char* name;
    bool flags;
    bool buffer_rings;
};

// Named, so gtest does not dump the struct's padding bytes (memcheck would flag them).
void PrintTo(const setup_mode& m, std::ostream* os) {
    *os << m.name;
}

class LoopModesTest : public RingTest, public ::testing::WithParamInterface<setup_mode> {
protected:
    loop_options options() const override {
        loop_options o;
        o.request_setup_flags = GetParam().flags;
        o.use_buffer_rings = GetParam().buffer_rings;
        o.sq_entries = 8;
        o.cq_entries = 16;
        return o;
    }
};

TEST_P(LoopModesTest, TimeoutFiresWithEtime) {
    timeout_op t;
    int fired = 0;
    static int* counter;
    counter = &fired;
    t.complete = [](op_base*, int, unsigned) { ++*counter; };
    async_timeout(*lp_, t, 5ms);
    EXPECT_TRUE(t.in_flight);
    EXPECT_EQ(lp_->pending(), 1u);
    ASSERT_TRUE(run_until([&] { return fired == 1; }));
    EXPECT_EQ(t.res, -ETIME);
    EXPECT_FALSE(t.in_flight);
    EXPECT_EQ(lp_->pending(), 0u);
}

TEST_P(LoopModesTest, CancelledTimeoutReportsEcanceled) {
    timeout_op t;
    op_base notify;
    async_timeout(*lp_, t, 1h);
    lp_->run_once(0ns);
    EXPECT_TRUE(t.in_flight);
    lp_->cancel(t, &notify);
    ASSERT_TRUE(run_until([&] { return !t.in_flight && !notify.in_flight; }));
    EXPECT_EQ(t.res, -ECANCELED);
    EXPECT_EQ(notify.res, 0);
    EXPECT_EQ(lp_->pending(), 0u);
}

TEST_P(LoopModesTest, CancelOfUnknownOpReportsEnoent) {
    op_base never_started;
    op_base notify;
    lp_->cancel(never_started, &notify);
    ASSERT_TRUE(run_until([&] { return !notify.in_flight; }));
    EXPECT_EQ(notify.res, -ENOENT);
}

// More ops than SQ entries (8) and than CQ entries (16): get_sqe() must submit on its own and
// cope with a full CQ, and every op must complete exactly once.
TEST_P(LoopModesTest, GetSqeNeverFailsUnderSqPressure) {
    struct counted : op_base {
        int calls = 0;
    };
    std::vector<counted> ops(300);
    for (auto& op : ops) {
        op.complete = [](op_base* b, int, unsigned) { ++static_cast<counted*>(b)->calls; };
        async_nop(*lp_, op);
    }
    EXPECT_EQ(lp_->pending(), ops.size());
    EXPECT_GE(lp_->forced_submits(), ops.size() / lp_->features().sq_entries - 1);
    RecordProperty("parked_completions", static_cast<int>(lp_->parked_completions()));
    std::vector<timeout_op> timers(40);
    for (auto& t : timers) {
        async_timeout(*lp_, t, 1ms);
    }
    ASSERT_TRUE(run_until([&] { return lp_->pending() == 0; }));
    for (auto& op : ops) {
        EXPECT_EQ(op.calls, 1);
        EXPECT_EQ(op.res, 0);
        EXPECT_FALSE(op.in_flight);
    }
    for (auto& t : timers) {
        EXPECT_EQ(t.res, -ETIME);
    }
}

// A completion function may start new ops; they run on later turns.
TEST_P(LoopModesTest, CompletionMayStartTheNextOp) {
    struct chain : op_base {
        loop* lp = nullptr;
        int left = 50;
    } c;
    c.lp = lp_.get();
    c.complete = [](op_base* b, int, unsigned) {
        auto* self = static_cast<chain*>(b);
        if (--self->left > 0) {
            async_nop(*self->lp, *self);
        }
    };
    async_nop(*lp_, c);
    lp_->run();
    EXPECT_EQ(c.left, 0);
    EXPECT_EQ(lp_->pending(), 0u);
}

TEST_P(LoopModesTest, PostFromAnotherThreadWakesLoopAndRunsOnLoopThread) {
    loop& lp = *lp_;
    const auto loop_thread = std::this_thread::get_id();
    int ran = 0;
    int on_loop_thread = 0;
    constexpr int posts = 100;
    loop::work_guard guard(lp);
    timeout_op hang;
    static loop* stopper;
    stopper = &lp;
    hang.complete = [](op_base*, int res, unsigned) {
        if (res == -ETIME) {
            stopper->stop();
        }
    };
    async_timeout(lp, hang, test::hang_guard);

    std::thread poster([&] {
        EXPECT_FALSE(lp.is_current());
        for (int i = 0; i < posts; ++i) {
            lp.post([&, i] {
                ++ran;
                if (lp.is_current() && std::this_thread::get_id() == loop_thread) {
                    ++on_loop_thread;
                }
                if (i == posts - 1) {
                    lp.stop();
                }
            });
            if (i % 10 == 0) {
                std::this_thread::sleep_for(1ms);  // let the loop go back to sleep between posts
            }
        }
    });
    lp.run();
    poster.join();
    EXPECT_EQ(ran, posts);
    EXPECT_EQ(on_loop_thread, posts);
    EXPECT_TRUE(hang.in_flight) << "the hang guard fired: post() did not wake the loop";
    lp.cancel(hang);
    ASSERT_TRUE(run_until([&] { return !hang.in_flight; }));
}

INSTANTIATE_TEST_SUITE_P(SetupModes, LoopModesTest,
                         ::testing::Values(setup_mode{"Full", true, true}, setup_mode{"Plain", false, true},
                                           setup_mode{"NoBufferRings", true, false}),
                         [](const ::testing::TestParamInfo<setup_mode>& info) { return info.param.name; });

// ---- run(), stop(), post() from the loop thread ------------------------------------------------

TEST_F(RingTest, RunReturnsWhenNothingIsPending) {
    lp_->run();
    timeout_op t;
    async_timeout(*lp_, t, 1ms);
    lp_->run();
    EXPECT_FALSE(t.in_flight);
    EXPECT_EQ(t.res, -ETIME);
}

TEST_F(RingTest, StopEndsRunWhileOpsArePending) {
    timeout_op forever;
    async_timeout(*lp_, forever, 1h);
    struct stopper : op_base {
        loop* lp = nullptr;
    } nop;
    nop.lp = lp_.get();
    nop.complete = [](op_base* b, int, unsigned) { static_cast<stopper*>(b)->lp->stop(); };
    async_nop(*lp_, nop);
    lp_->run();
    EXPECT_FALSE(nop.in_flight);
    EXPECT_TRUE(forever.in_flight);
    EXPECT_EQ(lp_->pending(), 1u);
    lp_->cancel(forever);
    lp_->run();  // the stop request was cleared: this runs until the cancel lands
    EXPECT_FALSE(forever.in_flight);
    EXPECT_EQ(forever.res, -ECANCELED);
}

TEST_F(RingTest, PostFromLoopThreadRunsOnALaterTurn) {
    int ran = 0;
    lp_->post([&] {
        ++ran;
        lp_->post([&] { ++ran; });  // posting from posted work is fine too
    });
    EXPECT_EQ(ran, 0);
    lp_->run();  // posted work keeps run() going even with no op pending
    EXPECT_EQ(ran, 2);
}

TEST_F(RingTest, IsCurrentOnlyOnTheOwningThread) {
    EXPECT_TRUE(lp_->is_current());
    bool other = true;
    std::thread t([&] { other = lp_->is_current(); });
    t.join();
    EXPECT_FALSE(other);
}

TEST_F(RingTest, DestroyingLoopWithOpsInFlightDoesNotRunThem) {
    static int calls = 0;
    timeout_op t;
    t.complete = [](op_base*, int, unsigned) { ++calls; };
    async_timeout(*lp_, t, 1h);
    lp_->run_once(0ns);
    lp_.reset();
    EXPECT_EQ(calls, 0);
}

#ifndef NDEBUG
TEST(LoopDeathTest, AssertsWhenDrivenFromAnotherThread) {
    {
        std::string why;
        if (!test::make_loop(why)) {
            GTEST_SKIP() << why;
        }
    }
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_DEATH(
        {
            std::string why;
            auto lp = test::make_loop(why);
            std::thread t([&] { lp->run_once(0ns); });
            t.join();
        },
        "does not own the loop");
}
#endif

}  // namespace
}  // namespace pgring::ring
