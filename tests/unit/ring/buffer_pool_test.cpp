#include "ring/buffer_pool.hpp"

#include "ring/loop.hpp"
#include "ring/socket_ops.hpp"
#include "ring_test_util.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace pgring::ring {
namespace {

using namespace std::chrono_literals;
using test::RingTest;

// Receives exactly one completion with a single-shot recv and keeps the lease.
struct one_recv : recv_op {
    buffer_lease lease;
    int result = 1;
    bool done = false;
    one_recv() {
        on_data = [](recv_op& op, int res, buffer_lease l) {
            auto& self = static_cast<one_recv&>(op);
            self.result = res;
            self.lease = std::move(l);
            self.done = true;
        };
    }
};

class BufferPoolTest : public RingTest, public ::testing::WithParamInterface<bool> {
protected:
    // The parameter says whether the pool may use a provided-buffer ring.
    std::unique_ptr<buffer_pool> make_pool(std::uint32_t n, std::uint32_t size) {
        std::error_code ec;
        buffer_pool::options o;
        o.buffers = n;
        o.buffer_size = size;
        o.use_ring = GetParam();
        auto p = buffer_pool::create(*lp_, o, ec);
        EXPECT_FALSE(ec) << ec.message();
        return p;
    }

    buffer_lease receive(buffer_pool& pool, int fd, const std::string& bytes, int write_fd) {
        EXPECT_TRUE(test::write_all(write_fd, bytes.data(), bytes.size()));
        one_recv r;
        async_recv(*lp_, r, fd, pool, recv_shots::single);
        EXPECT_TRUE(run_until([&] { return r.done; }));
        EXPECT_EQ(r.result, static_cast<int>(bytes.size()));
        return std::move(r.lease);
    }
};

TEST_F(RingTest, BufferPoolRejectsBadOptions) {
    const buffer_pool::options bad[] = {
        {0, 4096, true},
        {buffer_pool::max_buffers + 1, 4096, true},
        {4, 0, true},
        {4, buffer_pool::max_buffer_size + 1, true},
    };
    for (const auto& o : bad) {
        std::error_code ec;
        EXPECT_EQ(buffer_pool::create(*lp_, o, ec), nullptr);
        EXPECT_EQ(ec, std::errc::invalid_argument);
    }
}

TEST_F(RingTest, BufferPoolsGetDistinctGroupIds) {
    std::error_code ec;
    auto p1 = buffer_pool::create(*lp_, {4, 128, true}, ec);
    ASSERT_TRUE(p1) << ec.message();
    auto p2 = buffer_pool::create(*lp_, {3, 100, true}, ec);  // not a power of two
    ASSERT_TRUE(p2) << ec.message();
    EXPECT_NE(p1->group_id(), p2->group_id());
    EXPECT_NE(p1->group_id(), lp_->default_pool()->group_id());
    EXPECT_EQ(p2->buffer_count(), 3u);
    EXPECT_EQ(p2->buffer_size(), 100u);
    EXPECT_EQ(p1->uses_ring(), lp_->features().buf_ring);
    EXPECT_EQ(p1->in_use(), 0u);
    EXPECT_EQ(p1->enobufs_events(), 0u);
}

TEST(BufferLease, EmptyLeaseIsHarmless) {
    buffer_lease l;
    EXPECT_FALSE(l);
    EXPECT_TRUE(l.empty());
    EXPECT_EQ(l.size(), 0u);
    l.release();
    buffer_lease m(std::move(l));
    EXPECT_FALSE(m);
}

TEST_P(BufferPoolTest, LeaseCoversReceivedBytesAndReturnsItsBuffer) {
    auto pool = make_pool(2, 64);
    ASSERT_TRUE(pool);
    auto [a, b] = test::stream_pair();
    buffer_lease l = receive(*pool, b.get(), "hello world", a.get());
    ASSERT_TRUE(l);
    EXPECT_LT(l.buffer_id(), 2u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(l.bytes().data()), l.size()), "hello world");
    EXPECT_EQ(pool->in_use(), 1u);

    buffer_lease moved(std::move(l));
    EXPECT_FALSE(l);
    EXPECT_EQ(pool->in_use(), 1u);
    moved.remove_prefix(6);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(moved.bytes().data()), moved.size()), "world");
    moved.mutable_bytes()[0] = std::byte{'W'};
    EXPECT_EQ(static_cast<char>(moved.bytes()[0]), 'W');

    buffer_lease assigned;
    assigned = std::move(moved);
    EXPECT_EQ(pool->in_use(), 1u);
    assigned.release();
    EXPECT_FALSE(assigned);
    EXPECT_EQ(pool->in_use(), 0u);
    assigned.release();
    EXPECT_EQ(pool->in_use(), 0u);
}

TEST_P(BufferPoolTest, MoveAssignmentReleasesTheOverwrittenLease) {
    auto pool = make_pool(2, 64);
    ASSERT_TRUE(pool);
    auto [a, b] = test::stream_pair();
    buffer_lease first = receive(*pool, b.get(), "one", a.get());
    buffer_lease second = receive(*pool, b.get(), "two", a.get());
    ASSERT_TRUE(first && second);
    EXPECT_NE(first.buffer_id(), second.buffer_id());
    EXPECT_EQ(pool->in_use(), 2u);
    first = std::move(second);
    EXPECT_EQ(pool->in_use(), 1u);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(first.bytes().data()), first.size()), "two");
}

// One buffer, many receives: each released buffer must be back in circulation for the next recv.
TEST_P(BufferPoolTest, ReleasedBuffersAreReused) {
    auto pool = make_pool(1, 32);
    ASSERT_TRUE(pool);
    auto [a, b] = test::stream_pair();
    for (int i = 0; i < 20; ++i) {
        const std::string msg = "message " + std::to_string(i);
        buffer_lease l = receive(*pool, b.get(), msg, a.get());
        ASSERT_TRUE(l) << i;
        EXPECT_EQ(l.buffer_id(), 0u);
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(l.bytes().data()), l.size()), msg);
    }
    EXPECT_EQ(pool->in_use(), 0u);
    EXPECT_EQ(pool->enobufs_events(), 0u);
}

TEST_P(BufferPoolTest, EmptyPoolReportsEnobufsAndCountsIt) {
    auto pool = make_pool(1, 32);
    ASSERT_TRUE(pool);
    auto [a, b] = test::stream_pair();
    buffer_lease held = receive(*pool, b.get(), "first", a.get());
    ASSERT_TRUE(held);
    ASSERT_TRUE(test::write_all(a.get(), "second", 6));
    one_recv r;
    async_recv(*lp_, r, b.get(), *pool, recv_shots::single);
    ASSERT_TRUE(run_until([&] { return r.done; }));
    EXPECT_EQ(r.result, -ENOBUFS);
    EXPECT_FALSE(r.lease);
    EXPECT_EQ(pool->enobufs_events(), 1u);
    held.release();
    const int fd = b.get();  // clang 14 cannot capture structured bindings
    buffer_lease l = [&] {
        one_recv again;
        async_recv(*lp_, again, fd, *pool, recv_shots::single);
        EXPECT_TRUE(run_until([&] { return again.done; }));
        EXPECT_EQ(again.result, 6);
        return std::move(again.lease);
    }();
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(l.bytes().data()), l.size()), "second");
}

TEST_P(BufferPoolTest, RecvLargerThanABufferArrivesInPieces) {
    auto pool = make_pool(4, 16);
    ASSERT_TRUE(pool);
    auto [a, b] = test::stream_pair();
    std::string payload(40, '\0');
    for (std::size_t i = 0; i < payload.size(); ++i) {
        payload[i] = static_cast<char>(test::pattern_byte(i));
    }
    ASSERT_TRUE(test::write_all(a.get(), payload.data(), payload.size()));
    std::string got;
    while (got.size() < payload.size()) {
        one_recv r;
        async_recv(*lp_, r, b.get(), *pool, recv_shots::single);
        ASSERT_TRUE(run_until([&] { return r.done; }));
        ASSERT_GT(r.result, 0);
        EXPECT_LE(r.lease.size(), 16u);
        got.append(reinterpret_cast<const char*>(r.lease.bytes().data()), r.lease.size());
    }
    EXPECT_EQ(got, payload);
}

INSTANTIATE_TEST_SUITE_P(RingOrFallback, BufferPoolTest, ::testing::Values(true, false),
                         [](const ::testing::TestParamInfo<bool>& info) {
                             return info.param ? std::string("Ring") : std::string("Fallback");
                         });

}  // namespace
}  // namespace pgring::ring
