// Host lists and target_session_attrs against a real primary and its hot standby, through the
// coroutine connection: which server each setting picks in either order of the list, over TCP
// and the unix socket; a host that refuses is skipped; an attempt that finds no acceptable
// server reports every attempt, one line each, in libpq's words.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <pgring/connection.hpp>
#include <pgring/error.hpp>
#include <pgring/loop.hpp>
#include <pgring/result.hpp>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <vector>

#include "pg_cluster.hpp"

namespace pgring::test {
namespace {

[[maybe_unused]] const bool cluster_registered = register_pg_cluster();

using namespace std::chrono_literals;

// Bound of every query in these tests; connect attempts are bounded by connect_timeout.
constexpr std::chrono::milliseconds safety_timeout = 15s;

// One entry of a host list.
struct endpoint {
    std::string host;  // an address, or a unix-socket directory
    std::uint16_t port = 0;
};

// Superuser conninfo over the host list `hosts`, with `target_session_attrs`.
std::string conninfo(const std::vector<endpoint>& hosts, std::string_view attrs) {
    std::string host_list;
    std::string port_list;
    for (const endpoint& e : hosts) {
        if (!host_list.empty()) {
            host_list += ',';
            port_list += ',';
        }
        host_list += e.host;
        port_list += std::to_string(e.port);
    }
    const connection_params su = pg_cluster::get().superuser();
    std::string s = "host=" + conninfo_quote(host_list) + " port=" + conninfo_quote(port_list) + " user=" + conninfo_quote(su.user) +
                    " dbname=" + conninfo_quote(su.database) + " target_session_attrs=" + std::string(attrs) +
                    " sslmode=disable connect_timeout=10";
    if (!su.password.empty()) {
        s += " password=" + conninfo_quote(su.password);
    }
    return s;
}

endpoint primary_tcp() {
    return {pg_cluster::get().host(), pg_cluster::get().port()};
}
endpoint standby_tcp() {
    return {pg_cluster::get().standby()->host(), pg_cluster::get().standby()->port()};
}
endpoint primary_unix() {
    return {pg_cluster::get().socket_dir(), pg_cluster::get().port()};
}
endpoint standby_unix() {
    return {pg_cluster::get().standby()->socket_dir(), pg_cluster::get().standby()->port()};
}

// A TCP port of 127.0.0.1 where nothing listens, reserved while the object lives: the socket is
// bound but never listens, so a connection to it is refused.
class dead_port {
public:
    dead_port() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof(a);
        if (fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&a), size) == 0 &&
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &size) == 0) {
            port_ = ntohs(a.sin_port);
        }
    }
    ~dead_port() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    dead_port(const dead_port&) = delete;
    dead_port& operator=(const dead_port&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    endpoint tcp() const { return {"127.0.0.1", port_}; }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

// What a connection attempt found: the server's recovery state and port, or why it failed.
struct probe {
    std::error_code ec;
    std::string message;  // the failed connect's client_message (every attempt), or the query's error
    std::optional<bool> in_recovery;
    std::optional<std::int32_t> port;
};

task<probe> connect_and_probe(loop& lp, std::string info) {
    probe p;
    result<connection> c = co_await connection::try_connect(lp, info);
    if (!c) {
        p.ec = c.error();
        p.message = c.diag().client_message;
        co_return p;
    }
    result<bool> recovery =
        co_await c->with({.timeout = safety_timeout}).try_query_value<bool>("SELECT pg_is_in_recovery()");
    if (!recovery) {
        p.ec = recovery.error();
        p.message = recovery.diag().primary();
        co_return p;
    }
    p.in_recovery = *recovery;
    result<std::int32_t> port = co_await c->with({.timeout = safety_timeout})
                                    .try_query_value<std::int32_t>("SELECT current_setting('port')::int4");
    if (!port) {
        p.ec = port.error();
        p.message = port.diag().primary();
        co_return p;
    }
    p.port = *port;
    co_return p;
}

probe attempt(const std::vector<endpoint>& hosts, std::string_view attrs) {
    loop lp;
    return lp.run(connect_and_probe(lp, conninfo(hosts, attrs)));
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::string::size_type from = 0;
    while (from <= text.size()) {
        const std::string::size_type nl = text.find('\n', from);
        out.push_back(text.substr(from, nl == std::string::npos ? std::string::npos : nl - from));
        if (nl == std::string::npos) {
            break;
        }
        from = nl + 1;
    }
    return out;
}

// libpq's line for one failed attempt at `e`.
std::string attempt_line(const endpoint& e, std::string_view why) {
    std::string where = e.host.front() == '/'
                            ? "server on socket \"" + e.host + "/.s.PGSQL." + std::to_string(e.port) + "\""
                            : "server at \"" + e.host + "\", port " + std::to_string(e.port);
    return "connection to " + where + " failed: " + std::string(why);
}

// Whether `line` reports a refused attempt at `e` (the reason's wording around strerror is
// pgring's own: "could not connect to the server: Connection refused").
bool is_refused_line(const std::string& line, const endpoint& e) {
    const std::string head = attempt_line(e, "");
    const std::string tail = std::error_code(ECONNREFUSED, std::generic_category()).message();
    return line.size() >= head.size() + tail.size() && line.compare(0, head.size(), head) == 0 &&
           line.compare(line.size() - tail.size(), tail.size(), tail) == 0;
}

// Expects `p` to be a connection to the primary (or the standby when `standby`).
void expect_server(const probe& p, bool standby) {
    ASSERT_FALSE(p.ec) << p.ec.message() << ": " << p.message;
    ASSERT_TRUE(p.in_recovery.has_value());
    EXPECT_EQ(*p.in_recovery, standby);
    const pg_cluster& want = standby ? *pg_cluster::get().standby() : pg_cluster::get();
    EXPECT_EQ(p.port.value_or(-1), want.port());
}

// ---- which server each target_session_attrs picks ----

enum class order : std::uint8_t { primary_first, standby_first };

using attrs_case = std::tuple<std::string, order, transport>;

class TargetSessionAttrsTest : public ::testing::TestWithParam<attrs_case> {};

TEST_P(TargetSessionAttrsTest, PicksTheServerTheSettingAsksFor) {
    PGRING_SKIP_UNLESS_STANDBY();
    const auto& [attrs, first, via] = GetParam();
    if (via == transport::unix_socket && pg_cluster::get().socket_dir().empty()) {
        GTEST_SKIP() << "no unix socket";
    }
    const endpoint primary = via == transport::tcp ? primary_tcp() : primary_unix();
    const endpoint standby = via == transport::tcp ? standby_tcp() : standby_unix();
    const std::vector<endpoint> hosts =
        first == order::primary_first ? std::vector{primary, standby} : std::vector{standby, primary};

    bool want_standby = false;
    if (attrs == "any") {
        want_standby = first == order::standby_first;
    } else if (attrs == "read-only" || attrs == "standby" || attrs == "prefer-standby") {
        want_standby = true;
    }
    expect_server(attempt(hosts, attrs), want_standby);
}

std::string attrs_case_name(const ::testing::TestParamInfo<attrs_case>& info) {
    std::string name;
    bool upper = true;
    for (const char c : std::get<0>(info.param)) {
        if (c == '-') {
            upper = true;
            continue;
        }
        name += upper ? static_cast<char>(c - 'a' + 'A') : c;
        upper = false;
    }
    name += std::get<1>(info.param) == order::primary_first ? "PrimaryFirst" : "StandbyFirst";
    name += std::get<2>(info.param) == transport::tcp ? "Tcp" : "UnixSocket";
    return name;
}

INSTANTIATE_TEST_SUITE_P(AllSettings, TargetSessionAttrsTest,
                         ::testing::Combine(::testing::Values("any", "read-write", "read-only", "primary",
                                                              "standby", "prefer-standby"),
                                            ::testing::Values(order::primary_first, order::standby_first),
                                            ::testing::Values(transport::tcp, transport::unix_socket)),
                         attrs_case_name);

// ---- no acceptable server ----

class TargetSessionAttrsMismatchTest : public ::testing::TestWithParam<transport> {
protected:
    void SetUp() override {
        if (GetParam() == transport::unix_socket && pg_cluster::get().socket_dir().empty()) {
            GTEST_SKIP() << "no unix socket";
        }
    }
    endpoint primary() const { return GetParam() == transport::tcp ? primary_tcp() : primary_unix(); }
    endpoint standby() const { return GetParam() == transport::tcp ? standby_tcp() : standby_unix(); }

    // Expects the attempt at `only` with `attrs` to fail with libpq's reason `why`.
    static void expect_refused(const endpoint& only, std::string_view attrs, std::string_view why) {
        const probe p = attempt({only}, attrs);
        EXPECT_TRUE(p.ec) << "connected although the server does not match " << attrs;
        EXPECT_FALSE(p.in_recovery.has_value());
        EXPECT_EQ(p.message, attempt_line(only, why));
    }
};

TEST_P(TargetSessionAttrsMismatchTest, StandbyRefusesThePrimary) {
    PGRING_SKIP_UNLESS_STANDBY();
    expect_refused(primary(), "standby", "server is not in hot standby mode");
}

TEST_P(TargetSessionAttrsMismatchTest, ReadWriteRefusesTheStandby) {
    PGRING_SKIP_UNLESS_STANDBY();
    expect_refused(standby(), "read-write", "session is read-only");
}

TEST_P(TargetSessionAttrsMismatchTest, ReadOnlyRefusesThePrimary) {
    PGRING_SKIP_UNLESS_STANDBY();
    expect_refused(primary(), "read-only", "session is not read-only");
}

TEST_P(TargetSessionAttrsMismatchTest, PrimaryRefusesTheStandby) {
    PGRING_SKIP_UNLESS_STANDBY();
    expect_refused(standby(), "primary", "server is in hot standby mode");
}

TEST_P(TargetSessionAttrsMismatchTest, PreferStandbyFallsBackToThePrimary) {
    PGRING_SKIP_UNLESS_STANDBY();
    expect_server(attempt({primary()}, "prefer-standby"), false);
    expect_server(attempt({primary(), primary()}, "prefer-standby"), false);
}

TEST_P(TargetSessionAttrsMismatchTest, TheErrorListsEveryAttemptOneLineEach) {
    PGRING_SKIP_UNLESS_STANDBY();
    const probe p = attempt({primary(), primary(), primary()}, "standby");
    ASSERT_TRUE(p.ec);
    const std::string line = attempt_line(primary(), "server is not in hot standby mode");
    EXPECT_EQ(lines_of(p.message), (std::vector<std::string>{line, line, line})) << p.message;
}

INSTANTIATE_TEST_SUITE_P(BothTransports, TargetSessionAttrsMismatchTest,
                         ::testing::Values(transport::tcp, transport::unix_socket),
                         [](const ::testing::TestParamInfo<transport>& info) {
                             return std::string(info.param == transport::tcp ? "Tcp" : "UnixSocket");
                         });

// ---- dead hosts ----

TEST(HostListFailover, SkipsAHostThatRefusesTheConnection) {
    PGRING_SKIP_UNLESS_STANDBY();
    const dead_port dead;
    ASSERT_NE(dead.port(), 0);
    expect_server(attempt({dead.tcp(), primary_tcp()}, "any"), false);
    expect_server(attempt({dead.tcp(), standby_tcp()}, "any"), true);
    expect_server(attempt({dead.tcp(), primary_tcp(), standby_tcp()}, "standby"), true);
    expect_server(attempt({dead.tcp(), standby_tcp(), primary_tcp()}, "read-write"), false);
}

TEST(HostListFailover, SkipsAUnixSocketThatIsNotThere) {
    PGRING_SKIP_UNLESS_STANDBY();
    if (pg_cluster::get().socket_dir().empty()) {
        GTEST_SKIP() << "no unix socket";
    }
    const endpoint missing{"/nonexistent-pgring-socket-dir", pg_cluster::get().port()};
    expect_server(attempt({missing, primary_unix()}, "any"), false);
    expect_server(attempt({missing, primary_unix(), standby_unix()}, "standby"), true);
}

TEST(HostListFailover, MixesTcpAndUnixSocketHosts) {
    PGRING_SKIP_UNLESS_STANDBY();
    if (pg_cluster::get().socket_dir().empty()) {
        GTEST_SKIP() << "no unix socket";
    }
    expect_server(attempt({primary_unix(), standby_tcp()}, "standby"), true);
    expect_server(attempt({standby_unix(), primary_tcp()}, "primary"), false);
    expect_server(attempt({standby_tcp(), primary_unix()}, "read-write"), false);
}

TEST(HostListFailover, AllHostsDeadReportsEveryAttempt) {
    const dead_port a;
    const dead_port b;
    ASSERT_NE(a.port(), 0);
    ASSERT_NE(b.port(), 0);
    const probe p = attempt({a.tcp(), b.tcp()}, "any");
    ASSERT_TRUE(p.ec);
    EXPECT_TRUE(is_fatal(p.ec));
    const std::vector<std::string> lines = lines_of(p.message);
    ASSERT_EQ(lines.size(), 2u) << p.message;
    EXPECT_TRUE(is_refused_line(lines[0], a.tcp())) << lines[0];
    EXPECT_TRUE(is_refused_line(lines[1], b.tcp())) << lines[1];
}

TEST(HostListFailover, ErrorListsDeadHostsAndMismatchedServersInOrder) {
    PGRING_SKIP_UNLESS_STANDBY();
    const dead_port dead;
    ASSERT_NE(dead.port(), 0);
    {
        const probe p = attempt({dead.tcp(), primary_tcp(), primary_tcp()}, "standby");
        ASSERT_TRUE(p.ec);
        const std::vector<std::string> lines = lines_of(p.message);
        ASSERT_EQ(lines.size(), 3u) << p.message;
        EXPECT_TRUE(is_refused_line(lines[0], dead.tcp())) << lines[0];
        EXPECT_EQ(lines[1], attempt_line(primary_tcp(), "server is not in hot standby mode"));
        EXPECT_EQ(lines[2], lines[1]);
    }
    {
        const probe p = attempt({standby_tcp(), dead.tcp()}, "read-write");
        ASSERT_TRUE(p.ec);
        const std::vector<std::string> lines = lines_of(p.message);
        ASSERT_EQ(lines.size(), 2u) << p.message;
        EXPECT_EQ(lines[0], attempt_line(standby_tcp(), "session is read-only"));
        EXPECT_TRUE(is_refused_line(lines[1], dead.tcp())) << lines[1];
    }
}

TEST(HostListFailover, PreferStandbyTriesStandbysFirstThenAnyServer) {
    PGRING_SKIP_UNLESS_STANDBY();
    const dead_port dead;
    ASSERT_NE(dead.port(), 0);
    // The first pass looks for a standby only, past the primary listed first.
    expect_server(attempt({dead.tcp(), primary_tcp(), standby_tcp()}, "prefer-standby"), true);
    // No standby: the second pass takes any server.
    expect_server(attempt({dead.tcp(), primary_tcp()}, "prefer-standby"), false);
    // No server at all: both passes are reported.
    const probe p = attempt({dead.tcp()}, "prefer-standby");
    ASSERT_TRUE(p.ec);
    const std::vector<std::string> lines = lines_of(p.message);
    ASSERT_EQ(lines.size(), 2u) << p.message;
    EXPECT_TRUE(is_refused_line(lines[0], dead.tcp())) << lines[0];
    EXPECT_TRUE(is_refused_line(lines[1], dead.tcp())) << lines[1];
}

}  // namespace
}  // namespace pgring::test
