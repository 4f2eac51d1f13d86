// The coroutine connection when things go wrong: per-call and default timeouts (CancelRequest,
// then the connection is usable again), an explicit cancel() from another coroutine, a backend
// terminated by the server, traffic dropped, stalled or cut short by tcp_proxy, a refused
// connection, and a connection destroyed while coroutines wait on it. Every in-flight operation
// must end with an error (or its timeout), never hang; the connection stays usable after a
// non-fatal error and refuses work at once after a fatal one.

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <pgring/connection.hpp>
#include <pgring/error.hpp>
#include <pgring/loop.hpp>
#include <pgring/result.hpp>
#include <pgring/sqlstate.hpp>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "pg_cluster.hpp"
#include "tcp_proxy.hpp"

namespace pgring::test {
namespace {

[[maybe_unused]] const bool cluster_registered = register_pg_cluster();

using namespace std::chrono_literals;

// Bound of every operation that is not itself under test: a driver that lost track of a request
// fails the test with errc::timeout instead of hanging it.
constexpr std::chrono::milliseconds safety_timeout = 20s;

// The statement a sleeping query runs; its parameter is the sleep in seconds.
constexpr std::string_view sleep_sql = "SELECT pg_sleep($1::float8)";
// The statement queued behind a sleeping one; its answer is its parameter plus one.
constexpr std::string_view follower_sql = "SELECT $1::int4 + 1";

// Superuser conninfo for host:port (the server, or a proxy in front of it).
std::string conninfo(std::string_view host, std::uint16_t port) {
    const connection_params su = pg_cluster::get().superuser();
    std::string s = "host=" + conninfo_quote(host) + " port=" + std::to_string(port) + " user=" + conninfo_quote(su.user) +
                    " dbname=" + conninfo_quote(su.database) + " sslmode=disable connect_timeout=10";
    if (!su.password.empty()) {
        s += " password=" + conninfo_quote(su.password);
    }
    return s;
}

std::string server_conninfo() {
    return conninfo(pg_cluster::get().host(), pg_cluster::get().port());
}

connection_options with_cache(std::size_t max_size) {
    connection_options o;
    o.statement_cache.max_size = max_size;
    return o;
}

// How one operation ended.
struct outcome {
    bool done = false;
    std::error_code ec;
    std::string message;
    std::optional<std::int32_t> value;  // a follower's answer
};

std::string describe(const outcome& o) {
    if (!o.done) {
        return "not finished";
    }
    if (!o.ec) {
        return "succeeded";
    }
    return o.ec.category().name() + std::string(":") + std::to_string(o.ec.value()) + " " + o.ec.message() +
           ": " + o.message;
}

// How a statement pipelined behind a cancelled one may end besides its own answer: the server
// can apply a CancelRequest to the next statement (the postmaster signals the backend twice,
// kill(pid) and kill(-pid), and a second SIGINT handled after the first statement's error stays
// pending), so a statement queued behind a timed-out one may fail with query_canceled, or with
// timeout when its own deadline had passed too. Neither is fatal.
bool is_cancel_outcome(const outcome& o) {
    return o.done && (o.ec == errc::timeout || o.ec == sqlstate::query_canceled) && !is_fatal(o.ec);
}

// An error that ends the connection: a fatal code, or connection_closed itself.
bool ends_connection(const std::error_code& ec) {
    return ec && (is_fatal(ec) || ec == errc::connection_closed);
}

task<connection> connect_to(loop& lp, std::string info, connection_options options) {
    co_return co_await connection::connect(lp, info, std::move(options));
}

task<std::vector<connection>> connect_n(loop& lp, std::string info, std::size_t n,
                                        connection_options options) {
    std::vector<connection> out;
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(co_await connection::connect(lp, info, options));
    }
    co_return out;
}

// Runs sleep_sql for `seconds` on `conn` with `timeout` (nullopt: the connection's default).
task<void> run_sleep(connection& conn, double seconds, std::optional<std::chrono::milliseconds> timeout,
                     outcome& out) {
    result<rows> r = co_await conn.with({.timeout = timeout}).try_query(sleep_sql, seconds);
    out.done = true;
    if (!r) {
        out.ec = r.error();
        out.message = r.diag().primary();
    }
}

// Runs follower_sql with `n`.
task<void> run_follower(connection& conn, std::int32_t n, outcome& out) {
    result<std::int32_t> r =
        co_await conn.with({.timeout = safety_timeout}).try_query_value<std::int32_t>(follower_sql, n);
    out.done = true;
    if (r) {
        out.value = *r;
    } else {
        out.ec = r.error();
        out.message = r.diag().primary();
    }
}

// Both statements once, so later calls are one Bind/Execute/Sync each and queue in call order.
task<void> warm_up(connection& conn) {
    (void)co_await conn.with({.timeout = safety_timeout}).query(sleep_sql, 0.0);
    (void)co_await conn.with({.timeout = safety_timeout}).query_value<std::int32_t>(follower_sql, 0);
}

task<std::int32_t> select_value(connection& conn, std::int32_t n) {
    co_return co_await conn.with({.timeout = safety_timeout}).query_value<std::int32_t>("SELECT $1::int4", n);
}

task<result<std::int32_t>> try_select_value(connection& conn, std::int32_t n) {
    co_return co_await conn.with({.timeout = safety_timeout})
        .try_query_value<std::int32_t>("SELECT $1::int4", n);
}

// Waits, asking on `monitor`, until backend `pid` sleeps in pg_sleep: a CancelRequest or a fault
// injected before the statement started would hit nothing. False if it never does.
//
// Callers store the answer before testing it: g++ 12.2 miscompiles a coroutine with a co_await in
// an if or while condition (`if (co_await f())`): the ramp and the resume function disagree on the
// frame layout, the first resume only reaches the initial suspend point again, and the coroutine
// never runs. A declaration (`const bool b = co_await f();`) is compiled correctly.
task<bool> wait_until_sleeping(connection& monitor, std::int32_t pid) {
    for (int i = 0; i < 2000; ++i) {
        result<bool> r = co_await monitor.with({.timeout = safety_timeout})
                             .try_query_value<bool>(
                                 "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND "
                                 "wait_event = 'PgSleep')",
                                 pid);
        if (!r) {
            co_return false;
        }
        if (*r) {
            co_return true;
        }
        (void)co_await monitor.with({.timeout = safety_timeout}).try_execute("SELECT pg_sleep(0.005)");
    }
    co_return false;
}

// Expects `conn` to be open, idle and answering.
void expect_usable(loop& lp, connection& conn) {
    EXPECT_TRUE(conn.is_open());
    EXPECT_EQ(conn.transaction_status(), 'I');
    result<std::int32_t> r = lp.run(try_select_value(conn, 7));
    ASSERT_TRUE(r) << r.error().message() << ": " << r.diag().primary();
    EXPECT_EQ(*r, 7);
    EXPECT_EQ(conn.transaction_status(), 'I');
}

// Expects `conn` to be closed: not open, and a new call fails at once with connection_closed.
void expect_closed(loop& lp, connection& conn) {
    EXPECT_FALSE(conn.is_open());
    result<std::int32_t> r = lp.run(try_select_value(conn, 7));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::connection_closed) << r.error().message();
    EXPECT_FALSE(r.diag().primary().empty());
}

// ---- timeouts and cancel ----

// Parameter: the statement cache size (0: every call takes the unnamed-statement path).
class TimeoutTest : public ::testing::TestWithParam<std::size_t> {};

TEST_P(TimeoutTest, CallTimeoutCancelsTheStatementAndTheConnectionStaysUsable) {
    loop lp;
    connection conn = lp.run(connect_to(lp, server_conninfo(), with_cache(GetParam())));
    outcome o;
    lp.run(run_sleep(conn, 10, 200ms, o));
    ASSERT_TRUE(o.done);
    EXPECT_EQ(o.ec, errc::timeout) << describe(o);
    EXPECT_FALSE(is_fatal(o.ec));
    EXPECT_FALSE(o.message.empty());
    expect_usable(lp, conn);
}

TEST_P(TimeoutTest, ThrowingFormThrowsTimeout) {
    loop lp;
    connection conn = lp.run(connect_to(lp, server_conninfo(), with_cache(GetParam())));
    const auto sleep_literal = [](connection& c) -> task<std::error_code> {
        try {
            (void)co_await c.with({.timeout = 200ms}).query("SELECT pg_sleep(10)");
        } catch (const error& e) {
            co_return e.code();
        }
        co_return std::error_code{};
    };
    const std::error_code ec = lp.run(sleep_literal(conn));
    EXPECT_EQ(ec, errc::timeout) << ec.message();
    expect_usable(lp, conn);
}

TEST_P(TimeoutTest, TimeoutInsideATransactionLeavesItFailed) {
    loop lp;
    connection conn = lp.run(connect_to(lp, server_conninfo(), with_cache(GetParam())));
    const auto begin = [](connection& c) -> task<void> {
        (void)co_await c.with({.timeout = safety_timeout}).execute("BEGIN");
    };
    const auto rollback = [](connection& c) -> task<void> {
        (void)co_await c.with({.timeout = safety_timeout}).execute("ROLLBACK");
    };
    lp.run(begin(conn));
    EXPECT_EQ(conn.transaction_status(), 'T');
    outcome o;
    lp.run(run_sleep(conn, 10, 200ms, o));
    EXPECT_EQ(o.ec, errc::timeout) << describe(o);
    EXPECT_TRUE(conn.is_open());
    EXPECT_EQ(conn.transaction_status(), 'E');
    lp.run(rollback(conn));
    expect_usable(lp, conn);
}

TEST_P(TimeoutTest, CommandTimeoutIsTheDefaultAndACallMayOverrideIt) {
    loop lp;
    connection_options options = with_cache(GetParam());
    options.command_timeout = 200ms;
    connection conn = lp.run(connect_to(lp, server_conninfo(), std::move(options)));

    outcome by_default;
    lp.run(run_sleep(conn, 10, std::nullopt, by_default));
    EXPECT_EQ(by_default.ec, errc::timeout) << describe(by_default);
    expect_usable(lp, conn);

    // A call's own timeout replaces the default: 0 is none, so a sleep past the default succeeds.
    outcome no_limit;
    lp.run(run_sleep(conn, 0.5, 0ms, no_limit));
    EXPECT_TRUE(no_limit.done);
    EXPECT_FALSE(no_limit.ec) << describe(no_limit);

    outcome longer;
    lp.run(run_sleep(conn, 0.5, safety_timeout, longer));
    EXPECT_FALSE(longer.ec) << describe(longer);
    expect_usable(lp, conn);
}

task<void> cancel_when_sleeping(connection& conn, connection& monitor, bool& sent) {
    const bool sleeping = co_await wait_until_sleeping(monitor, conn.backend_pid());
    if (sleeping) {
        conn.cancel();
        sent = true;
    }
}

TEST_P(TimeoutTest, CancelFromAnotherCoroutineFailsTheStatementWithQueryCanceled) {
    loop lp;
    std::vector<connection> conns = lp.run(connect_n(lp, server_conninfo(), 2, with_cache(GetParam())));
    connection& conn = conns[0];
    outcome o;
    bool sent = false;
    lp.spawn(run_sleep(conn, 10, safety_timeout, o));
    lp.spawn(cancel_when_sleeping(conn, conns[1], sent));
    lp.run();
    ASSERT_TRUE(sent) << "the statement never showed up in pg_stat_activity";
    ASSERT_TRUE(o.done);
    EXPECT_EQ(o.ec, sqlstate::query_canceled) << describe(o);
    EXPECT_FALSE(is_fatal(o.ec));
    expect_usable(lp, conn);
}

TEST_P(TimeoutTest, CancelWithNothingRunningIsHarmless) {
    loop lp;
    connection conn = lp.run(connect_to(lp, server_conninfo(), with_cache(GetParam())));
    conn.cancel();
    expect_usable(lp, conn);
}

TEST_P(TimeoutTest, QueriesQueuedBehindATimedOutStatementGetTheirAnswers) {
    loop lp;
    connection conn = lp.run(connect_to(lp, server_conninfo(), with_cache(GetParam())));
    lp.run(warm_up(conn));
    outcome sleeper;
    std::vector<outcome> followers(8);
    lp.spawn(run_sleep(conn, 10, 200ms, sleeper));
    for (std::size_t i = 0; i < followers.size(); ++i) {
        lp.spawn(run_follower(conn, static_cast<std::int32_t>(i), followers[i]));
    }
    lp.run();
    EXPECT_EQ(sleeper.ec, errc::timeout) << describe(sleeper);
    for (std::size_t i = 0; i < followers.size(); ++i) {
        SCOPED_TRACE(i);
        ASSERT_TRUE(followers[i].done);
        if (followers[i].ec) {
            EXPECT_TRUE(is_cancel_outcome(followers[i])) << describe(followers[i]);
        } else {
            EXPECT_EQ(followers[i].value.value_or(-1), static_cast<std::int32_t>(i) + 1);
        }
    }
    expect_usable(lp, conn);
}

TEST_P(TimeoutTest, SeveralTimeoutsInARowAllCancelAndTheConnectionSurvives) {
    loop lp;
    connection conn = lp.run(connect_to(lp, server_conninfo(), with_cache(GetParam())));
    lp.run(warm_up(conn));
    // Each sleeper's deadline runs from its call, so those queued behind the first one have
    // expired by the time they reach the server: each must still end, with its own timeout.
    std::vector<outcome> sleepers(3);
    for (outcome& o : sleepers) {
        lp.spawn(run_sleep(conn, 10, 200ms, o));
    }
    outcome follower;
    lp.spawn(run_follower(conn, 41, follower));
    lp.run();
    for (std::size_t i = 0; i < sleepers.size(); ++i) {
        EXPECT_TRUE(is_cancel_outcome(sleepers[i])) << "sleeper " << i << ": " << describe(sleepers[i]);
    }
    EXPECT_EQ(sleepers[0].ec, errc::timeout) << describe(sleepers[0]);
    EXPECT_TRUE(follower.done);
    if (follower.ec) {
        EXPECT_TRUE(is_cancel_outcome(follower)) << describe(follower);
    } else {
        EXPECT_EQ(follower.value.value_or(-1), 42);
    }
    expect_usable(lp, conn);
}

INSTANTIATE_TEST_SUITE_P(CacheOnAndOff, TimeoutTest, ::testing::Values(std::size_t{100}, std::size_t{0}),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                             return std::string(info.param == 0 ? "CacheOff" : "CacheOn");
                         });

// ---- the server ends the session ----

task<void> terminate_when_sleeping(connection& victim, connection& monitor, bool& terminated) {
    const std::int32_t pid = victim.backend_pid();
    const bool sleeping = co_await wait_until_sleeping(monitor, pid);
    if (sleeping) {
        result<bool> r = co_await monitor.with({.timeout = safety_timeout})
                             .try_query_value<bool>("SELECT pg_terminate_backend($1)", pid);
        terminated = r && *r;
    }
}

TEST(ServerTermination, FailsTheRunningAndEveryPipelinedOperation) {
    loop lp;
    std::vector<connection> conns = lp.run(connect_n(lp, server_conninfo(), 2, {}));
    connection& conn = conns[0];
    lp.run(warm_up(conn));
    outcome sleeper;
    std::vector<outcome> followers(4);
    bool terminated = false;
    lp.spawn(run_sleep(conn, 30, safety_timeout, sleeper));
    for (std::size_t i = 0; i < followers.size(); ++i) {
        lp.spawn(run_follower(conn, static_cast<std::int32_t>(i), followers[i]));
    }
    lp.spawn(terminate_when_sleeping(conn, conns[1], terminated));
    lp.run();
    ASSERT_TRUE(terminated);
    ASSERT_TRUE(sleeper.done);
    EXPECT_TRUE(ends_connection(sleeper.ec)) << describe(sleeper);
    EXPECT_NE(sleeper.ec, errc::timeout) << describe(sleeper);
    for (const outcome& f : followers) {
        EXPECT_TRUE(f.done);
        EXPECT_TRUE(ends_connection(f.ec)) << describe(f);
    }
    expect_closed(lp, conn);
    expect_usable(lp, conns[1]);
}

TEST(ServerTermination, OfAnIdleConnectionIsNoticedByTheNextCall) {
    loop lp;
    std::vector<connection> conns = lp.run(connect_n(lp, server_conninfo(), 2, {}));
    const auto terminate = [](connection& monitor, std::int32_t pid) -> task<bool> {
        co_return co_await monitor.with({.timeout = safety_timeout})
            .query_value<bool>("SELECT pg_terminate_backend($1, 10000)", pid);
    };
    ASSERT_TRUE(lp.run(terminate(conns[1], conns[0].backend_pid())));
    result<std::int32_t> r = lp.run(try_select_value(conns[0], 1));
    ASSERT_FALSE(r);
    EXPECT_TRUE(ends_connection(r.error())) << r.error().message() << ": " << r.diag().primary();
    expect_closed(lp, conns[0]);
}

// ---- faults injected by tcp_proxy ----

class ProxyAdversityTest : public ::testing::Test {
protected:
    void SetUp() override {
        proxy_ = std::make_unique<tcp_proxy>(pg_cluster::get().host(), pg_cluster::get().port());
    }

    std::string via_proxy() const { return conninfo(proxy_->host(), proxy_->port()); }

    std::unique_ptr<tcp_proxy> proxy_;
};

task<void> drop_when_sleeping(connection& victim, connection& monitor, tcp_proxy& proxy, bool& dropped) {
    const bool sleeping = co_await wait_until_sleeping(monitor, victim.backend_pid());
    if (sleeping) {
        proxy.drop_all();
        dropped = true;
    }
}

TEST_F(ProxyAdversityTest, DropDuringAQueryFailsItAndThePipelinedOnes) {
    loop lp;
    connection conn = lp.run(connect_to(lp, via_proxy(), {}));
    connection monitor = lp.run(connect_to(lp, server_conninfo(), {}));
    lp.run(warm_up(conn));
    outcome sleeper;
    std::vector<outcome> followers(3);
    bool dropped = false;
    lp.spawn(run_sleep(conn, 5, safety_timeout, sleeper));
    for (std::size_t i = 0; i < followers.size(); ++i) {
        lp.spawn(run_follower(conn, static_cast<std::int32_t>(i), followers[i]));
    }
    lp.spawn(drop_when_sleeping(conn, monitor, *proxy_, dropped));
    lp.run();
    ASSERT_TRUE(dropped);
    EXPECT_TRUE(ends_connection(sleeper.ec)) << describe(sleeper);
    EXPECT_NE(sleeper.ec, errc::timeout) << describe(sleeper);
    for (const outcome& f : followers) {
        EXPECT_TRUE(ends_connection(f.ec)) << describe(f);
    }
    expect_closed(lp, conn);
}

TEST_F(ProxyAdversityTest, DropOfAnIdleConnectionIsNoticedByTheNextCall) {
    loop lp;
    connection conn = lp.run(connect_to(lp, via_proxy(), {}));
    EXPECT_EQ(lp.run(select_value(conn, 3)), 3);
    proxy_->drop_all();
    result<std::int32_t> r = lp.run(try_select_value(conn, 4));
    ASSERT_FALSE(r);
    EXPECT_TRUE(ends_connection(r.error())) << r.error().message() << ": " << r.diag().primary();
    expect_closed(lp, conn);
}

TEST_F(ProxyAdversityTest, StallPastTheTimeoutAndTheCancelGraceClosesTheConnection) {
    loop lp;
    connection_options options;
    options.cancel_grace = 500ms;
    connection conn = lp.run(connect_to(lp, via_proxy(), options));
    lp.run(warm_up(conn));
    // Stalled, neither the answer nor the CancelRequest (it goes through the proxy too) gets
    // through: after the grace the connection is given up.
    proxy_->stall();
    const auto stalled_call = [](connection& c, outcome& out) -> task<void> {
        result<std::int32_t> r =
            co_await c.with({.timeout = 200ms}).try_query_value<std::int32_t>(follower_sql, 1);
        out.done = true;
        if (!r) {
            out.ec = r.error();
            out.message = r.diag().primary();
        }
    };
    outcome first;
    std::vector<outcome> followers(3);
    lp.spawn(stalled_call(conn, first));
    for (std::size_t i = 0; i < followers.size(); ++i) {
        lp.spawn(run_follower(conn, static_cast<std::int32_t>(i), followers[i]));
    }
    lp.run();
    ASSERT_TRUE(first.done);
    EXPECT_EQ(first.ec, errc::timeout) << describe(first);
    EXPECT_FALSE(first.message.empty());
    for (const outcome& f : followers) {
        EXPECT_TRUE(f.done);
        EXPECT_TRUE(f.ec == errc::timeout || ends_connection(f.ec)) << describe(f);
    }
    expect_closed(lp, conn);
    proxy_->resume();
}

task<void> stall_when_sleeping(connection& victim, connection& monitor, tcp_proxy& proxy,
                               std::optional<std::chrono::steady_clock::time_point>& stalled_at) {
    const bool sleeping = co_await wait_until_sleeping(monitor, victim.backend_pid());
    if (sleeping) {
        proxy.stall();
        stalled_at = std::chrono::steady_clock::now();
    }
}

TEST_F(ProxyAdversityTest, StallWhileTheServerRunsTheStatementEndsInTimeoutAndClosesTheConnection) {
    loop lp;
    connection_options options;
    options.cancel_grace = 500ms;
    connection conn = lp.run(connect_to(lp, via_proxy(), options));
    connection monitor = lp.run(connect_to(lp, server_conninfo(), {}));
    lp.run(warm_up(conn));
    constexpr std::chrono::milliseconds timeout = 2s;
    const auto started = std::chrono::steady_clock::now();
    outcome sleeper;
    outcome follower;
    std::optional<std::chrono::steady_clock::time_point> stalled_at;
    lp.spawn(run_sleep(conn, 30, timeout, sleeper));
    lp.spawn(run_follower(conn, 1, follower));
    lp.spawn(stall_when_sleeping(conn, monitor, *proxy_, stalled_at));
    lp.run();
    ASSERT_TRUE(stalled_at.has_value()) << "the statement never showed up in pg_stat_activity";
    if (*stalled_at >= started + timeout) {
        // Not a result: the deadline passed before the stall, so the CancelRequest got through.
        GTEST_SKIP() << "the statement started too late for the stall to precede its deadline";
    }
    EXPECT_EQ(sleeper.ec, errc::timeout) << describe(sleeper);
    EXPECT_TRUE(follower.ec == errc::timeout || ends_connection(follower.ec)) << describe(follower);
    expect_closed(lp, conn);
    proxy_->resume();
}

TEST_F(ProxyAdversityTest, StallDuringConnectHitsConnectTimeout) {
    proxy_->stall();
    loop lp;
    const auto attempt = [](loop& l, std::string info) -> task<result<connection>> {
        co_return co_await connection::try_connect(l, info);
    };
    // libpq's connect_timeout counts whole seconds with a minimum of 2.
    std::string info = via_proxy();
    info.replace(info.find("connect_timeout=10"), 18, "connect_timeout=1");
    result<connection> c = lp.run(attempt(lp, info));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), errc::timeout) << c.error().message() << ": " << c.diag().client_message;
    EXPECT_NE(c.diag().client_message.find("connection to server at"), std::string::npos)
        << c.diag().client_message;
    proxy_->resume();
}

// Rows of 1000 bytes: 2000 of them are about 2 MB, many receive buffers and proxy refills.
constexpr std::string_view large_sql = "SELECT repeat('x', 1000) FROM generate_series(1, $1::int4)";

task<void> run_large(connection& conn, std::int32_t count, outcome& out) {
    result<rows> r = co_await conn.with({.timeout = safety_timeout}).try_query(large_sql, count);
    out.done = true;
    if (r) {
        out.value = static_cast<std::int32_t>(r->size());
    } else {
        out.ec = r.error();
        out.message = r.diag().primary();
    }
}

class TruncateTest : public ProxyAdversityTest, public ::testing::WithParamInterface<std::size_t> {};

TEST_P(TruncateTest, CutDuringALargeResultFailsEveryOperation) {
    loop lp;
    connection conn = lp.run(connect_to(lp, via_proxy(), {}));
    lp.run(warm_up(conn));
    {
        outcome whole;
        lp.run(run_large(conn, 2000, whole));
        ASSERT_FALSE(whole.ec) << describe(whole);
        ASSERT_EQ(whole.value.value_or(0), 2000);
    }
    proxy_->truncate_after(GetParam());
    outcome large;
    std::vector<outcome> followers(3);
    lp.spawn(run_large(conn, 2000, large));
    for (std::size_t i = 0; i < followers.size(); ++i) {
        lp.spawn(run_follower(conn, static_cast<std::int32_t>(i), followers[i]));
    }
    lp.run();
    ASSERT_TRUE(large.done);
    EXPECT_TRUE(ends_connection(large.ec)) << describe(large);
    EXPECT_NE(large.ec, errc::timeout) << describe(large);
    EXPECT_FALSE(large.message.empty());
    for (const outcome& f : followers) {
        EXPECT_TRUE(ends_connection(f.ec)) << describe(f);
    }
    expect_closed(lp, conn);
}

TEST_P(TruncateTest, CutDuringStartupFailsTheConnect) {
    // The startup answer (AuthenticationOk, a dozen ParameterStatus, BackendKeyData,
    // ReadyForQuery) is a few hundred bytes: cuts past it let the connect succeed.
    proxy_->truncate_after(GetParam());
    loop lp;
    const auto attempt = [](loop& l, std::string info) -> task<result<connection>> {
        co_return co_await connection::try_connect(l, info);
    };
    result<connection> c = lp.run(attempt(lp, via_proxy()));
    if (GetParam() >= 1000) {
        // Connected; the cut comes with the answer of a large result.
        ASSERT_TRUE(c) << c.diag().client_message;
        outcome large;
        lp.run(run_large(*c, 2000, large));
        EXPECT_TRUE(ends_connection(large.ec)) << describe(large);
        expect_closed(lp, *c);
        return;
    }
    ASSERT_FALSE(c);
    EXPECT_TRUE(ends_connection(c.error())) << c.error().message();
    EXPECT_NE(c.error(), errc::timeout);
    EXPECT_NE(c.diag().client_message.find("connection to server at"), std::string::npos)
        << c.diag().client_message;
}

INSTANTIATE_TEST_SUITE_P(SeveralCutPoints, TruncateTest,
                         ::testing::Values(std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{9},
                                           std::size_t{100}, std::size_t{10000}, std::size_t{100000}),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                             return "After" + std::to_string(info.param) + "Bytes";
                         });

TEST_F(ProxyAdversityTest, RefusedConnectionFailsTheConnectWithAClearError) {
    proxy_->refuse_new(true);
    loop lp;
    const auto attempt = [](loop& l, std::string info) -> task<result<connection>> {
        co_return co_await connection::try_connect(l, info);
    };
    result<connection> c = lp.run(attempt(lp, via_proxy()));
    ASSERT_FALSE(c);
    EXPECT_TRUE(ends_connection(c.error())) << c.error().message();
    EXPECT_NE(c.error(), errc::timeout);
    const std::string& m = c.diag().client_message;
    EXPECT_EQ(
        m.rfind("connection to server at \"127.0.0.1\", port " + std::to_string(proxy_->port()) + " failed: ",
                0),
        0u)
        << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << "one attempt, one line: " << m;
    EXPECT_GE(proxy_->connections(), 1u);

    proxy_->refuse_new(false);
    connection conn = lp.run(connect_to(lp, via_proxy(), {}));
    expect_usable(lp, conn);
}

// ---- the connection destroyed while coroutines wait on it ----

task<void> destroy_when_sleeping(std::optional<connection>& victim, connection& monitor, bool& destroyed) {
    const bool sleeping = co_await wait_until_sleeping(monitor, victim->backend_pid());
    if (sleeping) {
        victim.reset();
        destroyed = true;
    }
}

task<void> destroy_now(std::optional<connection>& victim) {
    victim.reset();
    co_return;
}

TEST(ConnectionDestroyed, WhileAStatementRunsFailsEveryWaitingCoroutine) {
    loop lp;
    connection monitor = lp.run(connect_to(lp, server_conninfo(), {}));
    std::optional<connection> victim;
    victim.emplace(lp.run(connect_to(lp, server_conninfo(), {})));
    lp.run(warm_up(*victim));
    outcome sleeper;
    std::vector<outcome> followers(4);
    bool destroyed = false;
    lp.spawn(run_sleep(*victim, 5, safety_timeout, sleeper));
    for (std::size_t i = 0; i < followers.size(); ++i) {
        lp.spawn(run_follower(*victim, static_cast<std::int32_t>(i), followers[i]));
    }
    lp.spawn(destroy_when_sleeping(victim, monitor, destroyed));
    lp.run();
    ASSERT_TRUE(destroyed);
    EXPECT_EQ(sleeper.ec, errc::connection_closed) << describe(sleeper);
    for (const outcome& f : followers) {
        EXPECT_EQ(f.ec, errc::connection_closed) << describe(f);
    }
    expect_usable(lp, monitor);
}

// Parameter: the statement cache size. With the cache on, the first caller of each statement is
// preparing it (Parse/Describe) and the others wait for that prepare when the connection goes.
class ConnectionDestroyedBeforeSendTest : public ::testing::TestWithParam<std::size_t> {};

TEST_P(ConnectionDestroyedBeforeSendTest, FailsEveryQueuedCoroutine) {
    loop lp;
    std::optional<connection> victim;
    victim.emplace(lp.run(connect_to(lp, server_conninfo(), with_cache(GetParam()))));
    std::vector<outcome> followers(6);
    for (std::size_t i = 0; i < followers.size(); ++i) {
        lp.spawn(run_follower(*victim, static_cast<std::int32_t>(i), followers[i]));
    }
    // Spawned last, it runs in the same turn as the others: their messages are not sent yet.
    lp.spawn(destroy_now(victim));
    lp.run();
    EXPECT_FALSE(victim.has_value());
    for (const outcome& f : followers) {
        EXPECT_TRUE(f.done);
        EXPECT_EQ(f.ec, errc::connection_closed) << describe(f);
    }
}

TEST_P(ConnectionDestroyedBeforeSendTest, AfterTheQueriesWereSentFailsThemAll) {
    loop lp;
    connection monitor = lp.run(connect_to(lp, server_conninfo(), {}));
    std::optional<connection> victim;
    victim.emplace(lp.run(connect_to(lp, server_conninfo(), with_cache(GetParam()))));
    std::vector<outcome> followers(6);
    outcome sleeper;
    // A fresh statement: with the cache on, the first call prepares it and the rest wait.
    lp.spawn(run_sleep(*victim, 5, safety_timeout, sleeper));
    for (std::size_t i = 0; i < followers.size(); ++i) {
        lp.spawn(run_follower(*victim, static_cast<std::int32_t>(i), followers[i]));
    }
    bool destroyed = false;
    lp.spawn(destroy_when_sleeping(victim, monitor, destroyed));
    lp.run();
    ASSERT_TRUE(destroyed);
    EXPECT_EQ(sleeper.ec, errc::connection_closed) << describe(sleeper);
    for (const outcome& f : followers) {
        EXPECT_TRUE(f.done);
        EXPECT_EQ(f.ec, errc::connection_closed) << describe(f);
    }
}

INSTANTIATE_TEST_SUITE_P(CacheOnAndOff, ConnectionDestroyedBeforeSendTest,
                         ::testing::Values(std::size_t{100}, std::size_t{0}),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                             return std::string(info.param == 0 ? "CacheOff" : "CacheOn");
                         });

TEST(ConnectionClosed, CloseWhileAStatementRunsFailsWaitersAndLaterCalls) {
    loop lp;
    std::vector<connection> conns = lp.run(connect_n(lp, server_conninfo(), 2, {}));
    connection& conn = conns[0];
    lp.run(warm_up(conn));
    outcome sleeper;
    outcome follower;
    bool closed = false;
    const auto close_when_sleeping = [](connection& victim, connection& monitor, bool& done) -> task<void> {
        const bool sleeping = co_await wait_until_sleeping(monitor, victim.backend_pid());
        if (sleeping) {
            victim.close();
            done = true;
        }
    };
    lp.spawn(run_sleep(conn, 5, safety_timeout, sleeper));
    lp.spawn(run_follower(conn, 1, follower));
    lp.spawn(close_when_sleeping(conn, conns[1], closed));
    lp.run();
    ASSERT_TRUE(closed);
    EXPECT_EQ(sleeper.ec, errc::connection_closed) << describe(sleeper);
    EXPECT_EQ(follower.ec, errc::connection_closed) << describe(follower);
    expect_closed(lp, conn);
    // Whatever else is asked of a closed connection is answered without touching the socket.
    conn.cancel();
    conn.close();
    EXPECT_EQ(conn.transaction_status(), 'I');
    EXPECT_EQ(conn.backend_pid(), 0);
    expect_closed(lp, conn);
}

TEST(LoopDestroyed, WithSpawnedCoroutinesStillWaitingIsClean) {
    // The loop dies first here: its destructor destroys the suspended frames (and with them the
    // connection one of them owns, with a statement running), which must neither crash nor leak.
    const auto owner = [](loop& l, std::string info, std::int32_t& pid, outcome& out) -> task<void> {
        result<connection> c = co_await connection::try_connect(l, info);
        if (!c) {
            out.ec = c.error();
            co_return;
        }
        pid = c->backend_pid();
        result<rows> r = co_await c->with({.timeout = safety_timeout}).try_query(sleep_sql, 30.0);
        out.done = true;
    };
    const auto until_sleeping = [](loop& l, std::string info, const std::int32_t& pid) -> task<bool> {
        connection monitor = co_await connection::connect(l, info);
        while (pid == 0) {
            (void)co_await monitor.with({.timeout = safety_timeout}).query(sleep_sql, 0.005);
        }
        co_return co_await wait_until_sleeping(monitor, pid);
    };
    outcome o;
    std::int32_t pid = 0;
    {
        loop lp;
        lp.spawn(owner(lp, server_conninfo(), pid, o));
        ASSERT_TRUE(lp.run(until_sleeping(lp, server_conninfo(), pid)));
    }
    EXPECT_FALSE(o.done);
    EXPECT_FALSE(o.ec) << o.ec.message();
}

}  // namespace
}  // namespace pgring::test
