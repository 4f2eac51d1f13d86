#include "ring/socket_ops.hpp"

#include "ring/buffer_pool.hpp"
#include "ring/loop.hpp"
#include "ring/timeout.hpp"
#include "ring_test_util.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace pgring::ring {
namespace {

using namespace std::chrono_literals;
using test::RingTest;
using test::unique_fd;

std::string pattern(std::size_t n, std::size_t start = 0) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) {
        s[i] = static_cast<char>(test::pattern_byte(start + i));
    }
    return s;
}

// A recv_op that appends everything it receives to `data`, re-arms when its recv ends, and
// recovers from -ENOBUFS. With `hold_leases` it keeps every lease until the pool runs dry (so a
// small pool always hits -ENOBUFS) and only then copies and releases them, in order.
struct collector : recv_op {
    loop* lp = nullptr;
    buffer_pool* pool = nullptr;
    int sock = -1;
    recv_shots shots = recv_shots::multi;
    bool hold_leases = false;

    std::string data;
    std::vector<buffer_lease> held;
    int completions = 0;
    int arms = 0;
    int enobufs = 0;
    bool eof = false;
    int error = 0;
    bool was_multishot = false;

    collector(loop& l, buffer_pool& p, int fd, recv_shots s = recv_shots::multi)
        : lp(&l), pool(&p), sock(fd), shots(s) {
        on_data = &collector::handle;
    }

    void start() {
        ++arms;
        async_recv(*lp, *this, sock, *pool, shots);
        was_multishot = was_multishot || how == mode::multishot;
    }
    bool finished() const { return (eof || error != 0) && !in_flight; }

    void drain_held() {
        for (auto& l : held) {
            data.append(reinterpret_cast<const char*>(l.bytes().data()), l.size());
        }
        held.clear();
    }

    static void handle(recv_op& op, int res, buffer_lease lease) {
        auto& self = static_cast<collector&>(op);
        ++self.completions;
        if (res > 0) {
            EXPECT_EQ(lease.size(), static_cast<std::size_t>(res));
            if (self.hold_leases) {
                self.held.push_back(std::move(lease));
            } else {
                self.data.append(reinterpret_cast<const char*>(lease.bytes().data()), lease.size());
            }
            if (!op.in_flight) {
                self.start();
            }
            return;
        }
        EXPECT_FALSE(lease);
        EXPECT_FALSE(op.in_flight);
        if (res == -ENOBUFS) {
            ++self.enobufs;
            self.drain_held();
            self.start();
        } else if (res == 0) {
            self.drain_held();
            self.eof = true;
        } else {
            self.error = res;
        }
    }
};

struct setup_mode {
    const char* name;
    bool flags;
    bool buffer_rings;
    bool tcp;  // stream pairs are loopback TCP instead of AF_UNIX socketpairs
};

// Named, so gtest does not dump the struct's padding bytes (memcheck would flag them).
void PrintTo(const setup_mode& m, std::ostream* os) {
    *os << m.name;
}

class SocketOpsTest : public RingTest, public ::testing::WithParamInterface<setup_mode> {
protected:
    loop_options options() const override {
        loop_options o;
        o.request_setup_flags = GetParam().flags;
        o.use_buffer_rings = GetParam().buffer_rings;
        return o;
    }
    buffer_pool& pool() { return *lp_->default_pool(); }
    // A connected stream pair of the parameter's transport.
    static std::pair<unique_fd, unique_fd> stream_pair() {
        return GetParam().tcp ? test::tcp_pair() : test::stream_pair();
    }
    std::unique_ptr<buffer_pool> make_pool(std::uint32_t n, std::uint32_t size) {
        std::error_code ec;
        buffer_pool::options o;
        o.buffers = n;
        o.buffer_size = size;
        auto p = buffer_pool::create(*lp_, o, ec);
        EXPECT_FALSE(ec) << ec.message();
        return p;
    }
};

// ---- connect -----------------------------------------------------------------------------------

struct connector : connect_op {
    int result = 1;
    bool done = false;
    connector() {
        on_done = [](connect_op& op, int res) {
            auto& self = static_cast<connector&>(op);
            self.result = res;
            self.done = true;
        };
    }
    ~connector() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

TEST_P(SocketOpsTest, ConnectsToLoopbackTcpListenerWithNodelay) {
    test::tcp_listener listener;
    connector c;
    ASSERT_FALSE(async_connect(*lp_, c, listener.addr(), listener.addr_size()));
    ASSERT_GE(c.fd, 0);
    ASSERT_TRUE(run_until([&] { return c.done; }));
    ASSERT_EQ(c.result, 0) << std::strerror(-c.result);
    int nodelay = 0;
    socklen_t len = sizeof nodelay;
    ASSERT_EQ(::getsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len), 0);
    EXPECT_NE(nodelay, 0);
    EXPECT_NE(::fcntl(c.fd, F_GETFL) & O_NONBLOCK, 0);
    EXPECT_NE(::fcntl(c.fd, F_GETFD) & FD_CLOEXEC, 0);

    unique_fd server = listener.accept();
    ASSERT_TRUE(server);
    ASSERT_TRUE(test::write_all(server.get(), "ping", 4));
    collector col(*lp_, pool(), c.fd);
    col.start();
    ASSERT_TRUE(run_until([&] { return col.data.size() >= 4; }));
    EXPECT_EQ(col.data, "ping");
    lp_->cancel(col);
    ASSERT_TRUE(run_until([&] { return !col.in_flight; }));
}

TEST_P(SocketOpsTest, ConnectsToUnixSocketListener) {
    test::unix_listener listener;
    connector c;
    ASSERT_FALSE(async_connect(*lp_, c, listener.addr(), listener.addr_size()));
    ASSERT_TRUE(run_until([&] { return c.done; }));
    ASSERT_EQ(c.result, 0) << std::strerror(-c.result);
    unique_fd server = listener.accept();
    ASSERT_TRUE(server);

    send_op s;
    char msg[] = "startup";
    iovec iov{msg, 7};
    async_sendmsg(*lp_, s, c.fd, {&iov, 1});
    ASSERT_TRUE(run_until([&] { return !s.in_flight; }));
    EXPECT_EQ(s.res, 7);
    char got[8] = {};
    ASSERT_EQ(::read(server.get(), got, sizeof got), 7);
    EXPECT_STREQ(got, "startup");
}

TEST_P(SocketOpsTest, ConnectReportsRefusedTcpPort) {
    sockaddr_in addr{};
    {
        test::tcp_listener closed;  // take a free port, then stop listening on it
        addr = closed.address;
    }
    connector c;
    ASSERT_FALSE(async_connect(*lp_, c, reinterpret_cast<sockaddr*>(&addr), sizeof addr));
    ASSERT_TRUE(run_until([&] { return c.done; }));
    EXPECT_EQ(c.result, -ECONNREFUSED);
}

TEST_P(SocketOpsTest, ConnectReportsMissingUnixSocket) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, "/nonexistent-pgring-dir/.s.PGSQL.5432");
    connector c;
    ASSERT_FALSE(async_connect(*lp_, c, reinterpret_cast<sockaddr*>(&addr), sizeof addr));
    ASSERT_TRUE(run_until([&] { return c.done; }));
    EXPECT_EQ(c.result, -ENOENT);
}

TEST_F(RingTest, ConnectRejectsBadAddressesWithoutCompleting) {
    connector c;
    sockaddr_storage ss{};
    ss.ss_family = AF_APPLETALK;
    EXPECT_EQ(async_connect(*lp_, c, reinterpret_cast<sockaddr*>(&ss), sizeof(sockaddr_in)),
              std::errc::address_family_not_supported);
    EXPECT_EQ(async_connect(*lp_, c, nullptr, 0), std::errc::invalid_argument);
    ss.ss_family = AF_INET;
    EXPECT_EQ(async_connect(*lp_, c, reinterpret_cast<sockaddr*>(&ss), 1), std::errc::invalid_argument);
    EXPECT_EQ(async_connect(*lp_, c, reinterpret_cast<sockaddr*>(&ss), sizeof ss + 1),
              std::errc::invalid_argument);
    EXPECT_EQ(c.fd, -1);
    EXPECT_FALSE(c.in_flight);
    EXPECT_EQ(lp_->pending(), 0u);
}

// A listener with backlog 0 whose one queue slot is taken drops further SYNs, so the next connect
// never completes on its own; the linked deadline must end it.
TEST_P(SocketOpsTest, LinkedTimeoutCancelsConnectThatNeverCompletes) {
    test::tcp_listener listener(0);
    unique_fd filler(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_EQ(::connect(filler.get(), listener.addr(), listener.addr_size()), 0);
    unique_fd filler2(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    (void)::connect(filler2.get(), listener.addr(), listener.addr_size());

    connector c;
    linked_timeout deadline;
    deadline.after = 200ms;
    ASSERT_FALSE(async_connect(*lp_, c, listener.addr(), listener.addr_size(), &deadline));
    ASSERT_TRUE(run_until([&] { return c.done && !deadline.in_flight; }));
    if (c.result == 0) {
        GTEST_SKIP() << "this kernel accepted a connect beyond the listen backlog";
    }
    EXPECT_TRUE(c.result == -ECANCELED || c.result == -EINTR) << std::strerror(-c.result);
    EXPECT_EQ(deadline.res, -ETIME);
}

TEST_P(SocketOpsTest, LinkedTimeoutStaysQuietWhenConnectSucceeds) {
    test::tcp_listener listener;
    connector c;
    linked_timeout deadline;
    deadline.after = test::hang_guard;
    ASSERT_FALSE(async_connect(*lp_, c, listener.addr(), listener.addr_size(), &deadline));
    ASSERT_TRUE(run_until([&] { return c.done && !deadline.in_flight; }));
    EXPECT_EQ(c.result, 0);
    EXPECT_EQ(deadline.res, -ECANCELED);
}

// ---- recv ----------------------------------------------------------------------------------------

TEST_P(SocketOpsTest, SendAndRecvRoundTripOverSocketpair) {
    auto [a, b] = stream_pair();
    collector at_b(*lp_, pool(), b.get());
    at_b.start();
    collector at_a(*lp_, pool(), a.get());
    at_a.start();

    const std::string query("Q\0\0\0\rSELECT 1\0", 14);
    send_op s;
    iovec iov{const_cast<char*>(query.data()), query.size()};
    async_sendmsg(*lp_, s, a.get(), {&iov, 1});
    ASSERT_TRUE(run_until([&] { return at_b.data.size() == query.size(); }));
    EXPECT_EQ(s.res, static_cast<int>(query.size()));
    EXPECT_EQ(at_b.data, query);

    std::string reply = pattern(5000);
    send_op r;
    iovec riov{reply.data(), reply.size()};
    async_sendmsg(*lp_, r, b.get(), {&riov, 1});
    ASSERT_TRUE(run_until([&] { return at_a.data.size() == reply.size(); }));
    EXPECT_EQ(at_a.data, reply);
    // Fallback recvs reserve a buffer each while armed; ring recvs hold none.
    EXPECT_EQ(pool().in_use(), pool().uses_ring() ? 0u : 2u);

    ::shutdown(a.get(), SHUT_WR);
    ::shutdown(b.get(), SHUT_WR);
    ASSERT_TRUE(run_until([&] { return at_a.finished() && at_b.finished(); }));
    EXPECT_TRUE(at_a.eof && at_b.eof);
    EXPECT_EQ(pool().in_use(), 0u);
}

TEST_P(SocketOpsTest, MultishotRecvReceivesManyWritesInOrder) {
    auto [a, b] = stream_pair();
    collector col(*lp_, pool(), b.get());
    col.start();
    const std::string expected = [] {
        std::string all;
        for (std::size_t i = 0; i < 3000; ++i) {
            all += pattern(1 + (i * 37) % 300, all.size());
        }
        return all;
    }();
    std::thread writer([fd = a.get(), &expected] {
        std::size_t off = 0;
        for (std::size_t i = 0; i < 3000; ++i) {
            const std::size_t n = 1 + (i * 37) % 300;
            ASSERT_TRUE(test::write_all(fd, expected.data() + off, n));
            off += n;
        }
        ::shutdown(fd, SHUT_WR);
    });
    const bool done = run_until([&] { return col.finished(); });
    writer.join();
    ASSERT_TRUE(done) << "received " << col.data.size() << " of " << expected.size() << ", arms " << col.arms
                      << ", completions " << col.completions << ", enobufs " << col.enobufs << ", in flight "
                      << col.in_flight << ", pool in use " << pool().in_use() << ", pending "
                      << lp_->pending();
    EXPECT_EQ(col.error, 0);
    EXPECT_TRUE(col.eof);
    ASSERT_EQ(col.data.size(), expected.size());
    EXPECT_TRUE(col.data == expected) << "bytes lost or reordered";
    if (lp_->features().recv_multishot && pool().uses_ring() && GetParam().tcp) {
        EXPECT_TRUE(col.was_multishot);
        EXPECT_LT(col.arms, col.completions) << "a multishot recv should deliver many CQEs per arm";
    } else {
        EXPECT_FALSE(col.was_multishot);
    }
    EXPECT_EQ(pool().in_use(), 0u);
}

TEST_P(SocketOpsTest, SingleShotRecvReceivesEverything) {
    auto [a, b] = stream_pair();
    collector col(*lp_, pool(), b.get(), recv_shots::single);
    col.start();
    const std::string expected = pattern(200000);
    std::thread writer([fd = a.get(), &expected] {
        ASSERT_TRUE(test::write_all(fd, expected.data(), expected.size()));
        ::shutdown(fd, SHUT_WR);
    });
    const bool done = run_until([&] { return col.finished(); });
    writer.join();
    ASSERT_TRUE(done);
    EXPECT_FALSE(col.was_multishot);
    EXPECT_EQ(col.arms, col.completions);
    EXPECT_TRUE(col.data == expected);
}

// Two 16-byte buffers and a collector that holds its leases: the pool runs dry every 32 bytes.
// Each -ENOBUFS must be recoverable by releasing and re-arming, with every byte delivered once
// and in order.
TEST_P(SocketOpsTest, EnobufsWithTinyPoolRecoversWithoutLosingBytes) {
    auto tiny = make_pool(2, 16);
    ASSERT_TRUE(tiny);
    auto [a, b] = stream_pair();
    collector col(*lp_, *tiny, b.get());
    col.hold_leases = true;
    col.start();

    const std::string expected = pattern(1000);
    ASSERT_TRUE(test::write_all(a.get(), expected.data(), 300));
    ASSERT_TRUE(run_until([&] { return col.enobufs >= 1; }));
    EXPECT_EQ(tiny->in_use(), tiny->uses_ring() ? 0u : 1u)
        << "leases are released on -ENOBUFS (the re-armed fallback recv reserves one buffer)";
    ASSERT_TRUE(test::write_all(a.get(), expected.data() + 300, expected.size() - 300));
    ::shutdown(a.get(), SHUT_WR);
    ASSERT_TRUE(run_until([&] { return col.finished(); }));
    EXPECT_EQ(col.error, 0);
    EXPECT_TRUE(col.eof);
    EXPECT_TRUE(col.data == expected) << "got " << col.data.size() << " bytes";
    EXPECT_GE(col.enobufs, 1000 / 32 - 1);
    EXPECT_EQ(tiny->enobufs_events(), static_cast<std::uint64_t>(col.enobufs));
    EXPECT_EQ(tiny->in_use(), 0u);
}

TEST_P(SocketOpsTest, RecvReportsEofAsZero) {
    auto [a, b] = stream_pair();
    collector col(*lp_, pool(), b.get());
    col.start();
    ASSERT_TRUE(test::write_all(a.get(), "bye", 3));
    a.reset();
    ASSERT_TRUE(run_until([&] { return col.finished(); }));
    EXPECT_TRUE(col.eof);
    EXPECT_EQ(col.error, 0);
    EXPECT_EQ(col.data, "bye");
    EXPECT_FALSE(col.in_flight);
    EXPECT_EQ(col.res, 0);
}

TEST_P(SocketOpsTest, CancelEndsPendingRecv) {
    auto [a, b] = stream_pair();
    collector col(*lp_, pool(), b.get());
    col.start();
    lp_->run_once(0ns);
    ASSERT_TRUE(col.in_flight);
    op_base notify;
    lp_->cancel(col, &notify);
    ASSERT_TRUE(run_until([&] { return !col.in_flight && !notify.in_flight; }));
    EXPECT_EQ(col.error, -ECANCELED);
    EXPECT_EQ(notify.res, 0);
    EXPECT_EQ(pool().in_use(), 0u) << "a cancelled fallback recv gives its reserved buffer back";
    EXPECT_EQ(lp_->pending(), 0u);
}

TEST_P(SocketOpsTest, LinkedTimeoutCancelsRecvThatNeverCompletes) {
    auto [a, b] = stream_pair();
    collector col(*lp_, pool(), b.get());
    linked_timeout deadline;
    deadline.after = 20ms;
    async_recv(*lp_, col, b.get(), pool(), recv_shots::multi, &deadline);
    EXPECT_NE(col.how, recv_op::mode::multishot) << "a deadline forces a single shot";
    ASSERT_TRUE(run_until([&] { return !col.in_flight && !deadline.in_flight; }));
    EXPECT_TRUE(col.error == -ECANCELED || col.error == -EINTR) << col.error;
    EXPECT_EQ(deadline.res, -ETIME);
    EXPECT_EQ(pool().in_use(), 0u);
}

TEST_P(SocketOpsTest, LinkedTimeoutIsCancelledWhenRecvCompletes) {
    auto [a, b] = stream_pair();
    ASSERT_TRUE(test::write_all(a.get(), "data", 4));
    collector col(*lp_, pool(), b.get());
    linked_timeout deadline;
    deadline.after = test::hang_guard;
    async_recv(*lp_, col, b.get(), pool(), recv_shots::single, &deadline);
    ASSERT_TRUE(run_until([&] { return col.data.size() == 4 && !deadline.in_flight; }));
    EXPECT_EQ(col.data, "data");
    EXPECT_EQ(deadline.res, -ECANCELED);
    lp_->cancel(col);  // the collector re-armed itself
    ASSERT_TRUE(run_until([&] { return !col.in_flight; }));
}

// ---- sendmsg -------------------------------------------------------------------------------------

// Several iovecs, a payload far larger than the socket buffer: sendmsg returns partial counts and
// the sender resumes from where it stopped until everything is through.
TEST_P(SocketOpsTest, SendmsgResumesPartialSendsOfLargePayload) {
    auto [a, b] = stream_pair();
    const int small = 4096;
    ::setsockopt(a.get(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    ::setsockopt(b.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);

    constexpr std::size_t part = 256 * 1024;
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < 4; ++i) {
        parts.push_back(pattern(part + i * 1000, i * 7));
    }
    std::string expected;
    std::vector<iovec> iov;
    for (auto& p : parts) {
        expected += p;
        iov.push_back({p.data(), p.size()});
    }

    struct sender : send_op {
        loop* lp = nullptr;
        int fd = -1;
        std::span<iovec> rest;
        int sends = 0;
        int partials = 0;
        std::size_t total = 0;
        int error = 0;
        void start() { async_sendmsg(*lp, *this, fd, rest); }
    } s;
    s.lp = lp_.get();
    s.fd = a.get();
    s.rest = iov;
    s.complete = [](op_base* op, int res, unsigned) {
        auto& self = static_cast<sender&>(*op);
        ++self.sends;
        if (res < 0) {
            self.error = res;
            return;
        }
        self.total += static_cast<std::size_t>(res);
        consume_iovecs(self.rest, static_cast<std::size_t>(res));
        if (!self.rest.empty()) {
            ++self.partials;
            self.start();
        }
    };
    s.start();

    collector col(*lp_, pool(), b.get());
    col.start();
    ASSERT_TRUE(
        run_until([&] { return s.error != 0 || (s.rest.empty() && col.data.size() >= expected.size()); }));
    EXPECT_EQ(s.error, 0);
    EXPECT_EQ(s.total, expected.size());
    EXPECT_GE(s.partials, 1) << "the payload should not fit one send";
    EXPECT_TRUE(col.data == expected) << "bytes lost or reordered";
    lp_->cancel(col);
    ASSERT_TRUE(run_until([&] { return !col.in_flight && !s.in_flight; }));
}

// MSG_NOSIGNAL: a SIGPIPE would kill the test binary. TCP accepts the first send after the peer
// closed (the peer answers with a reset), so keep sending until the error shows.
TEST_P(SocketOpsTest, SendmsgToClosedPeerFailsWithoutSignal) {
    auto [a, b] = stream_pair();
    b.reset();
    send_op s;
    char byte = 'x';
    iovec iov{&byte, 1};
    for (int attempt = 0; attempt < 100; ++attempt) {
        async_sendmsg(*lp_, s, a.get(), {&iov, 1});
        ASSERT_TRUE(run_until([&] { return !s.in_flight; }));
        if (s.res < 0) {
            break;
        }
    }
    EXPECT_TRUE(s.res == -EPIPE || s.res == -ECONNRESET) << s.res;
}

TEST_F(RingTest, UnixSocketsReadSingleShot) {
    auto [a, b] = test::stream_pair();
    struct noop_recv : recv_op {
        noop_recv() {
            on_data = [](recv_op&, int, buffer_lease) {};
        }
    } r;
    async_recv(*lp_, r, b.get(), *lp_->default_pool());
    EXPECT_NE(r.how, recv_op::mode::multishot) << "multishot can lose EOF on AF_UNIX (liburing #1549)";
    lp_->cancel(r);
    ASSERT_TRUE(run_until([&] { return !r.in_flight; }));
}

TEST_P(SocketOpsTest, CloseClosesTheDescriptor) {
    auto [a, b] = stream_pair();
    op_base closing;
    const int fd = a.release();
    async_close(*lp_, closing, fd);
    ASSERT_TRUE(run_until([&] { return !closing.in_flight; }));
    EXPECT_EQ(closing.res, 0);
    collector col(*lp_, pool(), b.get());
    col.start();
    ASSERT_TRUE(run_until([&] { return col.finished(); }));
    EXPECT_TRUE(col.eof) << "the peer sees the close";
}

INSTANTIATE_TEST_SUITE_P(SetupModes, SocketOpsTest,
                         ::testing::Values(setup_mode{"FullUnix", true, true, false},
                                           setup_mode{"FullTcp", true, true, true},
                                           setup_mode{"PlainUnix", false, true, false},
                                           setup_mode{"PlainTcp", false, true, true},
                                           setup_mode{"NoBufferRingsUnix", true, false, false},
                                           setup_mode{"NoBufferRingsTcp", true, false, true}),
                         [](const ::testing::TestParamInfo<setup_mode>& info) { return info.param.name; });

// ---- consume_iovecs --------------------------------------------------------------------------------

TEST(ConsumeIovecs, DropsSentEntriesAndTrimsThePartialOne) {
    char a[10], b[20], c[30];
    iovec v[3] = {{a, 10}, {b, 20}, {c, 30}};
    std::span<iovec> rest(v);
    consume_iovecs(rest, 0);
    EXPECT_EQ(rest.size(), 3u);
    consume_iovecs(rest, 15);
    ASSERT_EQ(rest.size(), 2u);
    EXPECT_EQ(rest[0].iov_base, b + 5);
    EXPECT_EQ(rest[0].iov_len, 15u);
    consume_iovecs(rest, 15);
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].iov_base, c);
    EXPECT_EQ(rest[0].iov_len, 30u);
    consume_iovecs(rest, 30);
    EXPECT_TRUE(rest.empty());
}

TEST(ConsumeIovecs, ClampsPastTheEndAndSkipsEmptyEntries) {
    char a[4];
    iovec v[3] = {{a, 0}, {a, 4}, {a, 0}};
    std::span<iovec> rest(v);
    consume_iovecs(rest, 4);
    EXPECT_TRUE(rest.empty());
    std::span<iovec> again(v);
    consume_iovecs(again, 1000);
    EXPECT_TRUE(again.empty());
}

}  // namespace
}  // namespace pgring::ring
