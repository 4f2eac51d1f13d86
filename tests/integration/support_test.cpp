// The integration-test support itself: the hot standby of pg_cluster (what target_session_attrs
// tests connect to) and the fault-injecting tcp_proxy (what connection-loss tests go through),
// checked with psql and the blocking socket_driver.

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <pgring/error.hpp>
#include <pgring/sqlstate.hpp>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include "pg_cluster.hpp"
#include "socket_driver.hpp"
#include "tcp_proxy.hpp"
#include "wire/session.hpp"

namespace pgring::test {
namespace {

[[maybe_unused]] const bool cluster = register_pg_cluster();

using namespace std::chrono_literals;

// Deadline of every blocking wait of a driver in these tests: a proxy fault that made the driver
// wait for bytes that never come would fail the test with errc::timeout instead of hanging it.
constexpr std::chrono::milliseconds safety_timeout = 15s;

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
        s.pop_back();
    }
    return s;
}

std::string psql_value(const pg_cluster& c, const std::string& sql) {
    const psql_result r = c.psql(sql);
    EXPECT_TRUE(r) << sql << ": " << r.output;
    return trimmed(r.output);
}

// ---- the standby ----

TEST(PgClusterStandby, IsInRecoveryWhileThePrimaryIsNot) {
    PGRING_SKIP_UNLESS_STANDBY();
    const pg_cluster& primary = pg_cluster::get();
    const pg_cluster& standby = *primary.standby();
    EXPECT_EQ(psql_value(primary, "SELECT pg_is_in_recovery()"), "f");
    EXPECT_EQ(psql_value(standby, "SELECT pg_is_in_recovery()"), "t");
    EXPECT_NE(standby.port(), primary.port());
    EXPECT_NE(standby.socket_dir(), primary.socket_dir());
    EXPECT_NE(standby.dsn(), primary.dsn());
    EXPECT_TRUE(standby.owned());
    EXPECT_EQ(standby.database(), primary.database());
    EXPECT_EQ(primary.standby(), &standby) << "a second call must return the same standby";
    EXPECT_EQ(standby.standby(), nullptr) << "a standby has no standby of its own";
}

TEST(PgClusterStandby, DriverSeesAReadOnlyHotStandbyOverTcpAndUnixSocket) {
    PGRING_SKIP_UNLESS_STANDBY();
    const pg_cluster& standby = *pg_cluster::get().standby();
    for (const connection_params& p : {standby.superuser(), standby.superuser_unix()}) {
        SCOPED_TRACE(p.host);
        socket_driver d(to_session_options(p));
        d.set_io_timeout(safety_timeout);
        const std::error_code ec = d.open(p);
        ASSERT_FALSE(ec) << ec.message() << ": " << d.session().last_error().primary();
        // PostgreSQL 14+ reports in_hot_standby; target_session_attrs reads it.
        EXPECT_EQ(d.session().parameter("in_hot_standby").value_or("?"), "on");

        const query_result r = d.simple_query("SELECT pg_is_in_recovery()");
        ASSERT_TRUE(r.ok()) << r.error.primary();
        EXPECT_EQ(r.rows().at(0).at(0).value_or(""), "t");

        const query_result write = d.simple_query("CREATE TABLE " + unique_name("on_standby") + " (a int)");
        EXPECT_EQ(write.ec, sqlstate::read_only_sql_transaction) << write.error.primary();
        EXPECT_FALSE(write.fatal);
        EXPECT_TRUE(d.simple_query("SELECT 1").ok()) << "the connection survives the error";
        d.close();
    }

    const connection_params p = pg_cluster::get().superuser();
    socket_driver primary(to_session_options(p));
    primary.set_io_timeout(safety_timeout);
    ASSERT_FALSE(primary.open(p));
    EXPECT_EQ(primary.session().parameter("in_hot_standby").value_or("?"), "off");
    primary.close();
}

TEST(PgClusterStandby, TableCreatedOnThePrimaryAppearsOnTheStandby) {
    PGRING_SKIP_UNLESS_STANDBY();
    const pg_cluster& primary = pg_cluster::get();
    const pg_cluster& standby = *primary.standby();
    const std::string t = unique_name("replicated");
    ASSERT_TRUE(primary.psql("CREATE TABLE " + t + " (v int); INSERT INTO " + t + " VALUES (42)"));

    // Replication is asynchronous: poll. The deadline only keeps a broken standby from hanging.
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    psql_result r;
    for (;;) {
        r = standby.psql("SELECT v FROM " + t);
        if (r && trimmed(r.output) == "42") {
            break;
        }
        ASSERT_LT(std::chrono::steady_clock::now(), deadline)
            << "the table never appeared on the standby; last answer: " << r.output;
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(primary.psql("DROP TABLE " + t));
}

// ---- the proxy ----

class TcpProxyTest : public ::testing::Test {
protected:
    void SetUp() override {
        const pg_cluster& c = pg_cluster::get();
        proxy_ = std::make_unique<tcp_proxy>(c.host(), c.port());
    }

    // Superuser parameters that lead through the proxy.
    connection_params through_proxy() const {
        connection_params p = pg_cluster::get().superuser();
        p.host = proxy_->host();
        p.port = proxy_->port();
        return p;
    }

    std::unique_ptr<socket_driver> driver() const {
        auto d = std::make_unique<socket_driver>(to_session_options(through_proxy()));
        d->set_io_timeout(safety_timeout);
        return d;
    }

    // A driver connected (and past startup) through the proxy.
    std::unique_ptr<socket_driver> open() const {
        auto d = driver();
        const std::error_code ec = d->open(through_proxy());
        EXPECT_FALSE(ec) << ec.message() << ": " << d->session().last_error().primary();
        return ec ? nullptr : std::move(d);
    }

    static std::string select_one(socket_driver& d) {
        const query_result r = d.simple_query("SELECT 1");
        EXPECT_TRUE(r.ok()) << r.ec.message() << ": " << r.error.primary();
        return r.ok() && !r.rows().empty() ? r.rows()[0].at(0).value_or("NULL") : std::string();
    }

    std::unique_ptr<tcp_proxy> proxy_;
};

TEST_F(TcpProxyTest, ForwardsQueriesOfSeveralConnections) {
    EXPECT_EQ(proxy_->host(), "127.0.0.1");
    EXPECT_NE(proxy_->port(), 0);
    EXPECT_NE(proxy_->port(), pg_cluster::get().port());
    EXPECT_EQ(proxy_->connections(), 0u);
    auto a = open();
    ASSERT_NE(a, nullptr);
    auto b = open();
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(proxy_->connections(), 2u);
    EXPECT_EQ(select_one(*a), "1");
    EXPECT_EQ(select_one(*b), "1");
    a->close();
    b->close();
}

TEST_F(TcpProxyTest, ForwardsMoreThanItsBuffersBothWays) {
    auto d = open();
    ASSERT_NE(d, nullptr);
    // 300 kB up (the query text) and 3 MB down, several times the proxy's 64 KiB per direction.
    const std::string literal(300'000, 'y');
    const query_result r = d->simple_query("SELECT length('" + literal + "'), repeat('x', 3000000)");
    ASSERT_TRUE(r.ok()) << r.ec.message() << ": " << r.error.primary();
    ASSERT_EQ(r.rows().size(), 1u);
    EXPECT_EQ(r.rows()[0].at(0).value_or(""), "300000");
    EXPECT_EQ(r.rows()[0].at(1).value_or(""), std::string(3'000'000, 'x'));
    d->close();
}

TEST_F(TcpProxyTest, StallHoldsTheAnswerUntilResume) {
    auto d = open();
    ASSERT_NE(d, nullptr);
    proxy_->stall();
    // While stalled the answer cannot arrive, however long the wait; a short one suffices.
    d->set_io_timeout(300ms);
    const query_result stalled = d->simple_query("SELECT 1");
    ASSERT_TRUE(stalled.fatal);
    EXPECT_EQ(stalled.ec, errc::timeout) << stalled.ec.message();
    EXPECT_TRUE(stalled.statements.empty());

    proxy_->resume();
    d->set_io_timeout(safety_timeout);
    const query_result resumed = d->collect();
    ASSERT_TRUE(resumed.ok()) << resumed.ec.message() << ": " << resumed.error.primary();
    EXPECT_EQ(resumed.rows().at(0).at(0).value_or(""), "1");
    EXPECT_EQ(select_one(*d), "1");
    d->close();
}

TEST_F(TcpProxyTest, DropAllFailsAnInFlightQueryWithConnectionClosed) {
    auto d = open();
    ASSERT_NE(d, nullptr);
    proxy_->stall();
    ASSERT_FALSE(d->session().send_query(d->out(), "SELECT 1"));
    ASSERT_FALSE(d->flush());
    proxy_->drop_all();

    const query_result r = d->collect();
    EXPECT_TRUE(r.fatal);
    EXPECT_EQ(r.ec, errc::connection_closed) << r.ec.message() << " (a timeout means the reset never came)";
    EXPECT_EQ(d->session().state(), wire::session_state::failed);
}

TEST_F(TcpProxyTest, DropAllFailsTheNextQueryOfAnIdleConnectionAndLaterOnesWork) {
    auto d = open();
    ASSERT_NE(d, nullptr);
    proxy_->drop_all();
    const query_result r = d->simple_query("SELECT 1");
    EXPECT_TRUE(r.fatal);
    EXPECT_EQ(r.ec, errc::connection_closed) << r.ec.message();

    auto again = open();
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(select_one(*again), "1");
    EXPECT_EQ(proxy_->connections(), 2u);
    again->close();
}

TEST_F(TcpProxyTest, TruncateAfterForwardsExactlyThatManyBytesThenCloses) {
    auto d = open();
    ASSERT_NE(d, nullptr);
    d->set_recording(true);
    d->clear_recorded();
    proxy_->truncate_after(10);
    const query_result r = d->simple_query("SELECT repeat('x', 100000)");
    EXPECT_TRUE(r.fatal);
    EXPECT_EQ(r.ec, errc::connection_closed) << r.ec.message();
    EXPECT_TRUE(r.statements.empty() || r.statements.back().rows.empty());
    EXPECT_EQ(d->recorded().size(), 10u);
}

TEST_F(TcpProxyTest, TruncateAfterAppliesToNewConnectionsUntilReset) {
    proxy_->truncate_after(5);
    auto cut = driver();
    const std::error_code ec = cut->open(through_proxy());
    EXPECT_EQ(ec, errc::connection_closed) << ec.message();

    proxy_->truncate_after(0);
    auto closed_at_once = driver();
    EXPECT_EQ(closed_at_once->open(through_proxy()), errc::connection_closed);

    proxy_->reset();
    auto d = open();
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(select_one(*d), "1");
    EXPECT_EQ(proxy_->connections(), 3u);
    d->close();
}

TEST_F(TcpProxyTest, RefuseNewResetsNewConnectionsButKeepsOpenOnes) {
    auto before = open();
    ASSERT_NE(before, nullptr);
    proxy_->refuse_new(true);
    auto refused = driver();
    const std::error_code ec = refused->open(through_proxy());
    EXPECT_EQ(ec, errc::connection_closed) << ec.message();
    EXPECT_EQ(proxy_->connections(), 2u);
    EXPECT_EQ(select_one(*before), "1");

    proxy_->refuse_new(false);
    auto after = open();
    ASSERT_NE(after, nullptr);
    EXPECT_EQ(select_one(*after), "1");
    EXPECT_EQ(proxy_->connections(), 3u);
    before->close();
    after->close();
}

TEST_F(TcpProxyTest, DestructorResetsOpenConnections) {
    auto d = open();
    ASSERT_NE(d, nullptr);
    proxy_.reset();
    const query_result r = d->simple_query("SELECT 1");
    EXPECT_TRUE(r.fatal);
    EXPECT_EQ(r.ec, errc::connection_closed) << r.ec.message();
}

TEST(TcpProxy, ForwardsToAUnixSocket) {
    const pg_cluster& c = pg_cluster::get();
    if (c.socket_dir().empty()) {
        GTEST_SKIP() << "PGRING_TEST_SOCKET_DIR is not set: no unix socket";
    }
    tcp_proxy proxy(c.socket_dir(), c.port());
    connection_params p = c.superuser();
    p.host = proxy.host();
    p.port = proxy.port();
    socket_driver d(to_session_options(p));
    d.set_io_timeout(safety_timeout);
    const std::error_code ec = d.open(p);
    ASSERT_FALSE(ec) << ec.message() << ": " << d.session().last_error().primary();
    const query_result r = d.simple_query("SELECT inet_client_addr() IS NULL");
    ASSERT_TRUE(r.ok()) << r.error.primary();
    EXPECT_EQ(r.rows().at(0).at(0).value_or(""), "t") << "the server sees a unix-socket client";
    d.close();
}

TEST(TcpProxy, ThrowsWhenTheTargetCannotBeNamed) {
    const std::string too_long = "/" + std::string(200, 'd');
    try {
        tcp_proxy proxy(too_long, 5432);
        ADD_FAILURE() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("too long"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace pgring::test
