// pgring::connection against a real PostgreSQL: connecting (URI and keyword/value strings, every
// auth method over TCP and the unix socket, password and service files, PG* variables, host
// lists, connect_timeout), the operations (execute, query, query_one, query_value, prepare and
// their try_ forms), parameters of many C++ types, large and long-lived results, transaction
// status, notices, pipelining coroutines on one connection, and the blocking wrapper.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <pgring/blocking.hpp>
#include <pgring/connection.hpp>
#include <pgring/error.hpp>
#include <pgring/loop.hpp>
#include <pgring/oid.hpp>
#include <pgring/sqlstate.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "pg_cluster.hpp"
#include "socket_driver.hpp"
#include "tcp_proxy.hpp"

namespace pgring::test {
namespace {

[[maybe_unused]] const bool cluster_registered = register_pg_cluster();

using namespace std::chrono_literals;

// ---- helpers ----------------------------------------------------------------------------------

// Percent-encodes everything but RFC 3986's unreserved characters, for URIs.
std::string percent_encoded(std::string_view v) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : v) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' ||
            c == '.' || c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    return out;
}

// The same as a URI: postgresql://user[:password]@host:port/db, or with ?host=<dir> for a socket.
std::string uri_of(const connection_params& p) {
    std::string s = "postgresql://" + percent_encoded(p.user);
    if (!p.password.empty()) {
        s += ":" + percent_encoded(p.password);
    }
    s += "@";
    const bool socket = !p.host.empty() && p.host.front() == '/';
    if (!socket) {
        s += p.host + ":" + std::to_string(p.port);
    }
    s += "/" + percent_encoded(p.database) + "?connect_timeout=10";
    if (socket) {
        s += "&host=" + percent_encoded(p.host) + "&port=" + std::to_string(p.port);
    }
    return s;
}

// Options of every connection these tests make: no operation can wait forever.
connection_options safe_options() {
    connection_options o;
    o.command_timeout = 60s;
    return o;
}

// The error code a call throws as pgring::error; a default code when it throws nothing.
template <class F>
std::error_code thrown_code(F&& f) {
    try {
        std::forward<F>(f)();
    } catch (const pgring::error& e) {
        return e.code();
    }
    return {};
}

// Sets and unsets environment variables for one test and restores them all at its end. Every
// variable libpq reads is unset at construction, and HOME points at a fresh directory, so no
// ~/.pgpass or ~/.pg_service.conf of the machine takes part.
class environment_guard {
public:
    explicit environment_guard(const std::string& home) {
        // The variables libpq reads that could change where or how a test connects.
        const std::string names =
            "PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGPASSFILE PGSERVICE PGSERVICEFILE "
            "PGSYSCONFDIR PGOPTIONS PGAPPNAME PGCONNECT_TIMEOUT PGCLIENTENCODING PGSSLMODE PGREQUIRESSL "
            "PGTARGETSESSIONATTRS PGLOADBALANCEHOSTS PGREQUIREAUTH PGCHANNELBINDING PGGSSENCMODE PGDATESTYLE "
            "PGTZ PGGEQO HOME";
        std::size_t start = 0;
        while (start < names.size()) {
            const std::size_t end = std::min(names.find(' ', start), names.size());
            unset(names.substr(start, end - start));
            start = end + 1;
        }
        set("HOME", home);
    }
    environment_guard(const environment_guard&) = delete;
    environment_guard& operator=(const environment_guard&) = delete;
    ~environment_guard() {
        for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
            if (it->second) {
                ::setenv(it->first.c_str(), it->second->c_str(), 1);
            } else {
                ::unsetenv(it->first.c_str());
            }
        }
    }

    void set(const std::string& name, const std::string& value) {
        save(name);
        ::setenv(name.c_str(), value.c_str(), 1);
    }
    void unset(const std::string& name) {
        save(name);
        ::unsetenv(name.c_str());
    }

private:
    void save(const std::string& name) {
        for (const auto& s : saved_) {
            if (s.first == name) {
                return;
            }
        }
        const char* v = std::getenv(name.c_str());
        saved_.emplace_back(name, v == nullptr ? std::nullopt : std::optional<std::string>(v));
    }
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

// A fresh directory under /tmp, removed with its contents at the end.
class temp_dir {
public:
    temp_dir() {
        char path[] = "/tmp/pgring-conn.XXXXXX";
        if (::mkdtemp(path) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = path;
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::string& path() const noexcept { return path_; }

    // Writes `name` in the directory with permission bits `mode` and returns its path.
    std::string write(const std::string& name, const std::string& contents, mode_t mode) const {
        const std::string file = path_ + "/" + name;
        {
            std::ofstream out(file, std::ios::binary | std::ios::trunc);
            out << contents;
        }
        ::chmod(file.c_str(), mode);
        return file;
    }

private:
    std::string path_;
};

// A TCP port of 127.0.0.1 that refuses connections: bound, never listening, for its lifetime.
class refusing_port {
public:
    refusing_port() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof(a);
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &size) != 0) {
            throw std::runtime_error("cannot bind a socket on 127.0.0.1");
        }
        port_ = ntohs(a.sin_port);
    }
    refusing_port(const refusing_port&) = delete;
    refusing_port& operator=(const refusing_port&) = delete;
    ~refusing_port() { ::close(fd_); }
    std::uint16_t port() const noexcept { return port_; }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

// Runs `rescue` on another thread unless disarmed within `limit`: ends a wait that a broken
// timeout would make endless (e.g. by dropping a proxy's connections), so the test fails instead
// of hanging.
class watchdog {
public:
    watchdog(std::chrono::milliseconds limit, std::function<void()> rescue)
        : thread_([this, limit, rescue = std::move(rescue)] {
              std::unique_lock<std::mutex> lock(mutex_);
              if (!cv_.wait_for(lock, limit, [this] { return disarmed_; })) {
                  fired_ = true;
                  lock.unlock();
                  rescue();
              }
          }) {}
    watchdog(const watchdog&) = delete;
    watchdog& operator=(const watchdog&) = delete;
    ~watchdog() {
        disarm();
        thread_.join();
    }
    void disarm() {
        std::lock_guard<std::mutex> lock(mutex_);
        disarmed_ = true;
        cv_.notify_all();
    }
    bool fired() {
        std::lock_guard<std::mutex> lock(mutex_);
        return fired_;
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool disarmed_ = false;
    bool fired_ = false;
    std::thread thread_;
};

// Connects with `conninfo` on `lp` and returns the result (the connection or why not).
result<connection> try_connect(loop& lp, const std::string& conninfo, connection_options o = safe_options()) {
    return lp.run(connection::try_connect(lp, conninfo, std::move(o)));
}

// Who the session is: current_user, current_database(), the server port (NULL over a socket).
struct session_identity {
    std::string user;
    std::string database;
    std::optional<std::int32_t> port;
};

task<session_identity> identity_of(connection& conn) {
    const row r =
        co_await conn.query_one("SELECT current_user::text, current_database()::text, inet_server_port()");
    co_return session_identity{r.get<std::string>(0), r.get<std::string>(1),
                               r.get<std::optional<std::int32_t>>(2)};
}

std::string transport_name(transport t) {
    return t == transport::tcp ? "Tcp" : "UnixSocket";
}

std::string param_name(const ::testing::TestParamInfo<std::tuple<auth_role, transport>>& info) {
    std::string role(auth_role_name(std::get<0>(info.param)));
    role[0] = static_cast<char>(role[0] - 'a' + 'A');
    return role + transport_name(std::get<1>(info.param));
}

// ---- connecting -------------------------------------------------------------------------------

// Every connect test runs with a clean libpq environment and a private HOME.
class ConnectTest : public ::testing::Test {
protected:
    temp_dir home_;
    environment_guard env_{home_.path()};
    loop lp_;
};

class ConnectAuthTest : public ConnectTest,
                        public ::testing::WithParamInterface<std::tuple<auth_role, transport>> {
protected:
    void check_connects(const std::string& conninfo, const connection_params& p) {
        result<connection> r = try_connect(lp_, conninfo);
        ASSERT_TRUE(r) << conninfo << ": " << r.error().message() << ": " << r.diag().primary();
        connection& conn = *r;
        EXPECT_TRUE(conn.is_open());
        EXPECT_EQ(conn.transaction_status(), 'I');
        EXPECT_EQ(conn.parameter("client_encoding").value_or(""), "UTF8");
        const session_identity who = lp_.run(identity_of(conn));
        EXPECT_EQ(who.user, p.user);
        EXPECT_EQ(who.database, p.database);
        if (std::get<1>(GetParam()) == transport::tcp) {
            EXPECT_EQ(who.port, std::optional<std::int32_t>(p.port));
        } else {
            EXPECT_EQ(who.port, std::nullopt) << "a unix-socket session has no server port";
        }
        EXPECT_EQ(lp_.run(conn.query_value<std::int32_t>("SELECT pg_backend_pid()")), conn.backend_pid());
        conn.close();
        EXPECT_FALSE(conn.is_open());
    }
};

TEST_P(ConnectAuthTest, ConnectsWithAKeywordValueString) {
    const auto [role, via] = GetParam();
    PGRING_SKIP_UNLESS_AUTH_ROLES(via);
    const connection_params p = pg_cluster::get().role(role, via);
    check_connects(conninfo_of(p), p);
}

TEST_P(ConnectAuthTest, ConnectsWithAUri) {
    const auto [role, via] = GetParam();
    PGRING_SKIP_UNLESS_AUTH_ROLES(via);
    const connection_params p = pg_cluster::get().role(role, via);
    check_connects(uri_of(p), p);
}

INSTANTIATE_TEST_SUITE_P(AllRoles, ConnectAuthTest,
                         ::testing::Combine(::testing::Values(auth_role::trust, auth_role::password,
                                                              auth_role::md5, auth_role::scram),
                                            ::testing::Values(transport::tcp, transport::unix_socket)),
                         param_name);

class ConnectPasswordTest : public ConnectAuthTest {};

TEST_P(ConnectPasswordTest, WrongPasswordFailsWithInvalidPassword) {
    const auto [role, via] = GetParam();
    PGRING_SKIP_UNLESS_AUTH_ROLES(via);
    connection_params p = pg_cluster::get().role(role, via);
    p.password = "not-the-password";
    result<connection> r = try_connect(lp_, conninfo_of(p));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sqlstate::invalid_password) << r.error().message() << ": " << r.diag().primary();
    EXPECT_EQ(r.diag().sqlstate, "28P01");
    EXPECT_NE(r.diag().message.find("password authentication failed"), std::string::npos) << r.diag().message;
    EXPECT_NE(r.diag().message.find(p.user), std::string::npos) << r.diag().message;
    EXPECT_EQ(r.diag().severity_nonlocalized, "FATAL");
    EXPECT_FALSE(r.diag().client_message.empty()) << "the attempt is described";
    EXPECT_TRUE(is_fatal(r.error()));

    // The throwing form carries the same.
    const std::error_code ec =
        thrown_code([&] { (void)lp_.run(connection::connect(lp_, uri_of(p), safe_options())); });
    EXPECT_EQ(ec, sqlstate::invalid_password);
}

TEST_P(ConnectPasswordTest, MissingPasswordGivesPasswordRequired) {
    const auto [role, via] = GetParam();
    PGRING_SKIP_UNLESS_AUTH_ROLES(via);
    connection_params p = pg_cluster::get().role(role, via);
    p.password.clear();
    result<connection> r = try_connect(lp_, conninfo_of(p));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::password_required) << r.error().message() << ": " << r.diag().primary();
    EXPECT_FALSE(r.diag().primary().empty());
}

INSTANTIATE_TEST_SUITE_P(PasswordRoles, ConnectPasswordTest,
                         ::testing::Combine(::testing::Values(auth_role::password, auth_role::md5,
                                                              auth_role::scram),
                                            ::testing::Values(transport::tcp, transport::unix_socket)),
                         param_name);

TEST_F(ConnectTest, UnknownKeywordIsInvalidConninfo) {
    result<connection> r = try_connect(lp_, superuser_conninfo() + " frobnicate_level=3");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::invalid_conninfo);
    EXPECT_NE(r.diag().client_message.find("frobnicate_level"), std::string::npos) << r.diag().client_message;

    result<connection> u = try_connect(lp_, "postgresql://localhost/db?frobnicate_level=3");
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error(), errc::invalid_conninfo);
    EXPECT_NE(u.diag().client_message.find("frobnicate_level"), std::string::npos) << u.diag().client_message;
}

TEST_F(ConnectTest, PasswordFileSuppliesThePassword) {
    PGRING_SKIP_UNLESS_AUTH_ROLES(transport::tcp);
    const pg_cluster& c = pg_cluster::get();
    temp_dir files;
    const std::string pgpass =
        files.write("pgpass",
                    "# comment\n" + c.host() + ":" + std::to_string(c.port()) + ":" + c.database() +
                        ":pgring_scram:" + c.password() + "\n*:*:*:pgring_md5:" + c.password() + "\n",
                    0600);
    env_.set("PGPASSFILE", pgpass);
    for (const auto role : {auth_role::scram, auth_role::md5}) {
        connection_params p = c.role(role, transport::tcp);
        p.password.clear();
        result<connection> r = try_connect(lp_, conninfo_of(p));
        ASSERT_TRUE(r) << p.user << ": " << r.error().message() << ": " << r.diag().primary();
        EXPECT_EQ(lp_.run(identity_of(*r)).user, p.user);
    }
}

TEST_F(ConnectTest, PasswordFileInHomeIsUsedByDefault) {
    PGRING_SKIP_UNLESS_AUTH_ROLES(transport::tcp);
    const pg_cluster& c = pg_cluster::get();
    home_.write(".pgpass", "*:*:*:pgring_password:" + c.password() + "\n", 0600);
    connection_params p = c.role(auth_role::password, transport::tcp);
    p.password.clear();
    result<connection> r = try_connect(lp_, conninfo_of(p));
    ASSERT_TRUE(r) << r.error().message() << ": " << r.diag().primary();
    EXPECT_EQ(lp_.run(identity_of(*r)).user, "pgring_password");
}

TEST_F(ConnectTest, PasswordFileReadableByOthersIsIgnored) {
    PGRING_SKIP_UNLESS_AUTH_ROLES(transport::tcp);
    const pg_cluster& c = pg_cluster::get();
    temp_dir files;
    env_.set("PGPASSFILE", files.write("pgpass", "*:*:*:pgring_scram:" + c.password() + "\n", 0644));
    connection_params p = c.role(auth_role::scram, transport::tcp);
    p.password.clear();
    result<connection> r = try_connect(lp_, conninfo_of(p));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::password_required) << r.error().message() << ": " << r.diag().primary();
}

TEST_F(ConnectTest, ServiceFileSuppliesHostPortAndUser) {
    PGRING_SKIP_UNLESS_AUTH_ROLES(transport::tcp);
    const pg_cluster& c = pg_cluster::get();
    temp_dir files;
    const std::string services = files.write("pg_service.conf",
                                             "# services for the test\n"
                                             "[other]\n"
                                             "host=192.0.2.1\n"
                                             "\n"
                                             "[pgring_svc]\n"
                                             "host=" +
                                                 c.host() + "\n" + "port=" + std::to_string(c.port()) + "\n" +
                                                 "user=pgring_md5\n"
                                                 "password=" +
                                                 c.password() + "\n" + "dbname=" + c.database() + "\n",
                                             0600);
    env_.set("PGSERVICEFILE", services);
    env_.set("PGSERVICE", "pgring_svc");
    result<connection> r = try_connect(lp_, "connect_timeout=10");
    ASSERT_TRUE(r) << r.error().message() << ": " << r.diag().primary();
    const session_identity who = lp_.run(identity_of(*r));
    EXPECT_EQ(who.user, "pgring_md5");
    EXPECT_EQ(who.database, c.database());
    EXPECT_EQ(who.port, std::optional<std::int32_t>(c.port()));

    // The connection string wins over the service: another user, the rest from the service.
    result<connection> trust = try_connect(lp_, "user=pgring_trust password=''");
    ASSERT_TRUE(trust) << trust.error().message() << ": " << trust.diag().primary();
    EXPECT_EQ(lp_.run(identity_of(*trust)).user, "pgring_trust");

    // An unknown service is an error before any connection attempt.
    env_.set("PGSERVICE", "no_such_service");
    result<connection> missing = try_connect(lp_, "connect_timeout=10");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error(), errc::invalid_conninfo);
    EXPECT_NE(missing.diag().client_message.find("no_such_service"), std::string::npos)
        << missing.diag().client_message;
}

TEST_F(ConnectTest, EnvironmentSuppliesHostPortUserAndDatabase) {
    PGRING_SKIP_UNLESS_AUTH_ROLES(transport::tcp);
    const pg_cluster& c = pg_cluster::get();
    env_.set("PGHOST", c.host());
    env_.set("PGPORT", std::to_string(c.port()));
    env_.set("PGUSER", "pgring_trust");
    env_.set("PGDATABASE", c.database());
    env_.set("PGCONNECT_TIMEOUT", "10");
    result<connection> r = try_connect(lp_, "");
    ASSERT_TRUE(r) << r.error().message() << ": " << r.diag().primary();
    const session_identity who = lp_.run(identity_of(*r));
    EXPECT_EQ(who.user, "pgring_trust");
    EXPECT_EQ(who.database, c.database());
    EXPECT_EQ(who.port, std::optional<std::int32_t>(c.port()));

    // The connection string overrides the environment.
    result<connection> scram = try_connect(lp_, "user=pgring_scram password=" + conninfo_quote(c.password()));
    ASSERT_TRUE(scram) << scram.error().message() << ": " << scram.diag().primary();
    EXPECT_EQ(lp_.run(identity_of(*scram)).user, "pgring_scram");
}

TEST_F(ConnectTest, EnvironmentHostCanBeTheSocketDirectory) {
    PGRING_SKIP_UNLESS_AUTH_ROLES(transport::unix_socket);
    const pg_cluster& c = pg_cluster::get();
    env_.set("PGHOST", c.socket_dir());
    env_.set("PGPORT", std::to_string(c.port()));
    env_.set("PGUSER", "pgring_scram");
    env_.set("PGPASSWORD", c.password());
    env_.set("PGDATABASE", c.database());
    result<connection> r = try_connect(lp_, "connect_timeout=10");
    ASSERT_TRUE(r) << r.error().message() << ": " << r.diag().primary();
    const session_identity who = lp_.run(identity_of(*r));
    EXPECT_EQ(who.user, "pgring_scram");
    EXPECT_EQ(who.port, std::nullopt);
}

TEST_F(ConnectTest, HostListSkipsAHostThatRefuses) {
    const connection_params p = pg_cluster::get().superuser();
    const refusing_port dead;
    std::string conninfo = "host=" + p.host + "," + p.host + " port=" + std::to_string(dead.port()) + "," +
                           std::to_string(p.port) + " user=" + conninfo_quote(p.user) +
                           " dbname=" + conninfo_quote(p.database) + " connect_timeout=10";
    if (!p.password.empty()) {
        conninfo += " password=" + conninfo_quote(p.password);
    }
    result<connection> r = try_connect(lp_, conninfo);
    ASSERT_TRUE(r) << r.error().message() << ": " << r.diag().primary();
    EXPECT_EQ(lp_.run(identity_of(*r)).port, std::optional<std::int32_t>(p.port));

    // Only refusing hosts: the error names every attempt.
    const refusing_port dead2;
    result<connection> none =
        try_connect(lp_, "host=127.0.0.1,127.0.0.1 port=" + std::to_string(dead.port()) + "," +
                             std::to_string(dead2.port()) + " user=x dbname=x");
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error(), std::errc::connection_refused) << none.error().message();
    const std::string& m = none.diag().client_message;
    EXPECT_NE(m.find(std::to_string(dead.port())), std::string::npos) << m;
    EXPECT_NE(m.find(std::to_string(dead2.port())), std::string::npos) << m;
}

TEST_F(ConnectTest, ConnectTimeoutEndsAStartupTheServerNeverAnswers) {
    const pg_cluster& c = pg_cluster::get();
    tcp_proxy proxy(c.host(), c.port());
    proxy.stall();
    // If connect_timeout did not work, the watchdog's drop_all() would end the wait with a
    // connection error instead, and the test would fail rather than hang.
    watchdog guard(60s, [&proxy] { proxy.drop_all(); });
    result<connection> r =
        try_connect(lp_, "host=127.0.0.1 port=" + std::to_string(proxy.port()) +
                             " user=pgring_trust dbname=" + conninfo_quote(c.database()) + " connect_timeout=2");
    guard.disarm();
    ASSERT_FALSE(r);
    EXPECT_FALSE(guard.fired());
    EXPECT_EQ(r.error(), errc::timeout) << r.error().message() << ": " << r.diag().primary();
    EXPECT_GE(proxy.connections(), 1u);
}

// ---- operations -------------------------------------------------------------------------------

// A superuser connection on a loop of the test's own.
class ConnectionTest : public ::testing::Test {
protected:
    void SetUp() override {
        result<connection> r = try_connect(lp_, superuser_conninfo(), options());
        ASSERT_TRUE(r) << r.error().message() << ": " << r.diag().primary();
        conn_ = std::move(*r);
    }
    virtual connection_options options() { return safe_options(); }

    template <class T>
    T run(task<T> t) {
        return lp_.run(std::move(t));
    }
    command_result exec(std::string_view sql) { return lp_.run(conn_.execute(sql)); }

    loop lp_;  // declared first: destroyed after the connection
    connection conn_;
};

TEST_F(ConnectionTest, ExecuteReportsTheTagAndRowsAffected) {
    const std::string t = unique_name("conn_exec");
    command_result r = exec("CREATE TABLE " + t + " (id int PRIMARY KEY, v text)");
    EXPECT_EQ(r.command_tag, "CREATE TABLE");
    EXPECT_EQ(r.rows_affected, 0u);

    r = run(conn_.execute("INSERT INTO " + t + " VALUES (1, 'a'), (2, 'b'), (3, 'c')"));
    EXPECT_EQ(r.command_tag, "INSERT 0 3");
    EXPECT_EQ(r.rows_affected, 3u);

    r = run(conn_.execute("INSERT INTO " + t + " VALUES ($1, $2)", 4, std::string("d")));
    EXPECT_EQ(r.command_tag, "INSERT 0 1");
    EXPECT_EQ(r.rows_affected, 1u);

    r = run(conn_.execute("UPDATE " + t + " SET v = v || '!' WHERE id <= $1", 2));
    EXPECT_EQ(r.command_tag, "UPDATE 2");
    EXPECT_EQ(r.rows_affected, 2u);

    r = run(conn_.execute("DELETE FROM " + t + " WHERE id = $1", 3));
    EXPECT_EQ(r.command_tag, "DELETE 1");
    EXPECT_EQ(r.rows_affected, 1u);

    r = run(conn_.execute("DELETE FROM " + t + " WHERE id = $1", 99));
    EXPECT_EQ(r.command_tag, "DELETE 0");
    EXPECT_EQ(r.rows_affected, 0u);

    // A query run through execute(): its rows are dropped, the count is kept.
    r = run(conn_.execute("SELECT * FROM " + t));
    EXPECT_EQ(r.command_tag, "SELECT 3");
    EXPECT_EQ(r.rows_affected, 3u);

    r = exec("DROP TABLE " + t);
    EXPECT_EQ(r.command_tag, "DROP TABLE");
}

TEST_F(ConnectionTest, QueryReturnsRowsAndColumns) {
    const rows rs =
        run(conn_.query("SELECT g AS id, 'item ' || g AS name, g % 2 = 0 AS even, g * 1.5::float8 AS score "
                        "FROM generate_series(1, 5) g ORDER BY g"));
    EXPECT_EQ(rs.command_tag(), "SELECT 5");
    EXPECT_EQ(rs.rows_affected(), 5u);
    ASSERT_EQ(rs.size(), 5u);
    EXPECT_FALSE(rs.empty());
    ASSERT_EQ(rs.columns().size(), 4u);
    EXPECT_EQ(rs.columns()[0].name, "id");
    EXPECT_EQ(rs.columns()[0].type, oid::int4);
    EXPECT_EQ(rs.columns()[1].name, "name");
    EXPECT_EQ(rs.columns()[1].type, oid::text);
    EXPECT_EQ(rs.columns()[2].name, "even");
    EXPECT_EQ(rs.columns()[2].type, oid::bool_);
    EXPECT_EQ(rs.columns()[3].name, "score");
    EXPECT_EQ(rs.columns()[3].type, oid::float8);

    std::int32_t expected = 1;
    for (const row_view r : rs) {
        ASSERT_EQ(r.size(), 4u);
        EXPECT_EQ(r.get<std::int32_t>(0), expected);
        EXPECT_EQ(r.get<std::int32_t>("id"), expected);
        EXPECT_EQ(r.get<std::string>(1), "item " + std::to_string(expected));
        EXPECT_EQ(r.get<std::string_view>("name"), "item " + std::to_string(expected));
        EXPECT_EQ(r.get<bool>("even"), expected % 2 == 0);
        EXPECT_DOUBLE_EQ(r.get<double>("score"), expected * 1.5);
        EXPECT_EQ(r.index_of("even"), 2u);
        // Field iteration sees each field's type.
        std::vector<oid_t> types;
        for (const field_view f : r) {
            EXPECT_FALSE(f.is_null());
            types.push_back(f.type());
        }
        EXPECT_EQ(types, (std::vector<oid_t>{oid::int4, oid::text, oid::bool_, oid::float8}));
        const auto [id, name, even, score] = r.as<std::int64_t, std::string, bool, double>();
        EXPECT_EQ(id, expected);
        EXPECT_EQ(name, "item " + std::to_string(expected));
        EXPECT_EQ(even, expected % 2 == 0);
        EXPECT_DOUBLE_EQ(score, expected * 1.5);
        ++expected;
    }
    EXPECT_EQ(expected, 6);

    const auto all = rs.as<std::int32_t, std::string, bool, double>();
    ASSERT_EQ(all.size(), 5u);
    EXPECT_EQ(std::get<0>(all[4]), 5);
    EXPECT_EQ(std::get<1>(all[4]), "item 5");
    EXPECT_EQ(rs.at(2).get<std::int32_t>(0), 3);
    EXPECT_EQ(thrown_code([&] { (void)rs.at(5); }), errc::invalid_state);
    EXPECT_EQ(thrown_code([&] { (void)rs[0]["no_such_column"]; }), errc::invalid_state);
    EXPECT_EQ(thrown_code([&] { (void)rs[0][4]; }), errc::invalid_state);

    const rows none = run(conn_.query("SELECT 1 AS x WHERE false"));
    EXPECT_TRUE(none.empty());
    EXPECT_EQ(none.command_tag(), "SELECT 0");
    ASSERT_EQ(none.columns().size(), 1u);
    EXPECT_EQ(none.columns()[0].name, "x");
}

TEST_F(ConnectionTest, NullsDecodeOnlyIntoOptional) {
    const rows rs = run(conn_.query("SELECT NULL::int4 AS a, 7::int4 AS b, NULL::text AS c"));
    ASSERT_EQ(rs.size(), 1u);
    const row_view r = rs[0];
    EXPECT_TRUE(r[0].is_null());
    EXPECT_TRUE(r["c"].is_null());
    EXPECT_FALSE(r[1].is_null());
    EXPECT_EQ(r.get<std::optional<std::int32_t>>(0), std::nullopt);
    EXPECT_EQ(r.get<std::optional<std::int32_t>>(1), std::optional<std::int32_t>(7));
    EXPECT_EQ(r.get<std::optional<std::string>>("c"), std::nullopt);
    EXPECT_EQ(thrown_code([&] { (void)r.get<std::int32_t>(0); }), errc::unexpected_null);
    EXPECT_EQ(thrown_code([&] { (void)r.get<std::string>("c"); }), errc::unexpected_null);
    EXPECT_EQ(thrown_code([&] { (void)r.as<std::int32_t, std::int32_t, std::optional<std::string>>(); }),
              errc::unexpected_null);
    const auto [a, b, c] = r.as<std::optional<std::int32_t>, std::int32_t, std::optional<std::string>>();
    EXPECT_EQ(a, std::nullopt);
    EXPECT_EQ(b, 7);
    EXPECT_EQ(c, std::nullopt);
    std::int32_t plain = 0;
    EXPECT_EQ(r[0].get(plain), errc::unexpected_null);

    EXPECT_EQ(run(conn_.query_value<std::optional<std::int64_t>>("SELECT NULL::int8")), std::nullopt);
    result<std::int64_t> v = run(conn_.try_query_value<std::int64_t>("SELECT NULL::int8"));
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error(), errc::unexpected_null);
    EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT 1")), 1) << "the connection is still usable";
}

TEST_F(ConnectionTest, DecodingIntoAnIncompatibleTypeIsATypeMismatch) {
    const rows rs = run(conn_.query("SELECT 'text'::text AS t, 42::int4 AS n"));
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(thrown_code([&] { (void)rs[0].get<std::int32_t>("t"); }), errc::type_mismatch);
    EXPECT_EQ(thrown_code([&] { (void)rs[0].get<std::string>("n"); }), errc::type_mismatch);
    EXPECT_EQ(thrown_code([&] { (void)rs[0].get<uuid>(1); }), errc::type_mismatch);
    EXPECT_EQ(thrown_code([&] { (void)rs.as<std::int32_t, std::int32_t>(); }), errc::type_mismatch);
    EXPECT_EQ(thrown_code([&] { (void)rs.as<std::string>(); }), errc::type_mismatch) << "column count";
    EXPECT_EQ((rs.check_types<std::string, std::int64_t>()), std::error_code{});
    EXPECT_EQ((rs.check_types<std::string, bool>()), errc::type_mismatch);

    // Values that do not fit the C++ type are not truncated.
    EXPECT_EQ(thrown_code([&] { (void)run(conn_.query_value<std::int16_t>("SELECT 100000::int4")); }),
              errc::value_out_of_range);
    result<std::int32_t> two = run(conn_.try_query_value<std::int32_t>("SELECT 1, 2"));
    ASSERT_FALSE(two);
    EXPECT_EQ(two.error(), errc::type_mismatch);
    EXPECT_FALSE(two.diag().client_message.empty());
}

TEST_F(ConnectionTest, QueryOneNeedsExactlyOneRow) {
    const row one = run(conn_.query_one("SELECT $1::int4 AS a, $2::text AS b", 5, std::string("five")));
    EXPECT_EQ(one.size(), 2u);
    EXPECT_EQ(one.get<std::int32_t>("a"), 5);
    EXPECT_EQ(one.get<std::string>(1), "five");
    EXPECT_EQ(one.columns()[1].name, "b");

    result<row> zero = run(conn_.try_query_one("SELECT 1 WHERE false"));
    ASSERT_FALSE(zero);
    EXPECT_EQ(zero.error(), errc::unexpected_row_count);
    EXPECT_FALSE(zero.diag().client_message.empty());

    result<row> two = run(conn_.try_query_one("SELECT * FROM generate_series(1, 2)"));
    ASSERT_FALSE(two);
    EXPECT_EQ(two.error(), errc::unexpected_row_count);

    EXPECT_EQ(thrown_code([&] { (void)run(conn_.query_one("SELECT 1 WHERE false")); }),
              errc::unexpected_row_count);
    EXPECT_EQ(thrown_code(
                  [&] { (void)run(conn_.query_value<std::int32_t>("SELECT * FROM generate_series(1, 2)")); }),
              errc::unexpected_row_count);
    result<std::int32_t> none = run(conn_.try_query_value<std::int32_t>("SELECT 1 WHERE false"));
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error(), errc::unexpected_row_count);

    EXPECT_EQ(run(conn_.query_value<std::int64_t>("SELECT count(*) FROM generate_series(1, $1::int4)", 17)),
              17);
    EXPECT_EQ(run(conn_.query_value<std::string>("SELECT 'x' || $1::text", "y")), "xy");
}

TEST_F(ConnectionTest, ServerErrorCarriesEveryDiagnosticField) {
    const std::string t = unique_name("conn_diag");
    exec("CREATE TABLE " + t + " (id int CONSTRAINT " + t + "_pk PRIMARY KEY, v text)");
    exec("INSERT INTO " + t + " VALUES (1, 'one')");

    result<command_result> r = run(conn_.try_execute("INSERT INTO " + t + " VALUES ($1, $2)", 1, "again"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), sqlstate::unique_violation) << r.error().message();
    EXPECT_FALSE(is_fatal(r.error()));
    const diagnostics& d = r.diag();
    EXPECT_EQ(d.sqlstate, "23505");
    EXPECT_EQ(d.severity, "ERROR");
    EXPECT_EQ(d.severity_nonlocalized, "ERROR");
    EXPECT_NE(d.message.find("duplicate key value violates unique constraint"), std::string::npos)
        << d.message;
    EXPECT_EQ(d.detail, "Key (id)=(1) already exists.");
    EXPECT_EQ(d.constraint_name, t + "_pk");
    EXPECT_EQ(d.table_name, t);
    EXPECT_EQ(d.schema_name, "public");
    EXPECT_FALSE(d.file.empty());
    EXPECT_FALSE(d.line.empty());
    EXPECT_FALSE(d.routine.empty());
    EXPECT_TRUE(d.client_message.empty()) << d.client_message;
    EXPECT_EQ(d.primary(), d.message);

    // The throwing form carries the same diagnostics.
    try {
        (void)run(conn_.execute("INSERT INTO " + t + " VALUES ($1, $2)", 1, "again"));
        ADD_FAILURE() << "no exception";
    } catch (const pgring::error& e) {
        EXPECT_EQ(e.code(), sqlstate::unique_violation);
        EXPECT_EQ(e.diag().constraint_name, t + "_pk");
        EXPECT_EQ(e.diag().detail, "Key (id)=(1) already exists.");
        EXPECT_NE(std::string(e.what()).find("duplicate key"), std::string::npos) << e.what();
    }

    // A syntax error has a position; an error in a function has a context.
    result<rows> syntax = run(conn_.try_query("SELECT 1 FROM WHERE"));
    ASSERT_FALSE(syntax);
    EXPECT_EQ(syntax.error(), sqlstate::syntax_error);
    EXPECT_EQ(syntax.diag().position, "15");
    result<command_result> raised =
        run(conn_.try_execute("DO $$ BEGIN RAISE EXCEPTION 'custom %', 42 USING HINT = 'a hint', "
                              "DETAIL = 'a detail', ERRCODE = 'P0001', COLUMN = 'col', DATATYPE = 'dt', "
                              "TABLE = 'tbl', SCHEMA = 'sch', CONSTRAINT = 'con'; END $$"));
    ASSERT_FALSE(raised);
    EXPECT_EQ(raised.diag().sqlstate, "P0001");
    EXPECT_EQ(raised.diag().message, "custom 42");
    EXPECT_EQ(raised.diag().detail, "a detail");
    EXPECT_EQ(raised.diag().hint, "a hint");
    EXPECT_EQ(raised.diag().column_name, "col");
    EXPECT_EQ(raised.diag().data_type_name, "dt");
    EXPECT_EQ(raised.diag().table_name, "tbl");
    EXPECT_EQ(raised.diag().schema_name, "sch");
    EXPECT_EQ(raised.diag().constraint_name, "con");
    EXPECT_NE(raised.diag().where.find("PL/pgSQL"), std::string::npos) << raised.diag().where;

    // The connection stays usable and idle after each error.
    EXPECT_TRUE(conn_.is_open());
    EXPECT_EQ(conn_.transaction_status(), 'I');
    EXPECT_EQ(run(conn_.query_value<std::int64_t>("SELECT count(*) FROM " + t)), 1);
    exec("DROP TABLE " + t);
}

TEST_F(ConnectionTest, ConnectionStaysUsableAfterManyErrors) {
    for (int i = 0; i < 50; ++i) {
        result<std::int32_t> bad =
            run(conn_.try_query_value<std::int32_t>("SELECT 1 / ($1::int4 - $1::int4)", i));
        ASSERT_FALSE(bad);
        EXPECT_EQ(bad.error(), sqlstate::division_by_zero);
        result<rows> missing = run(conn_.try_query("SELECT * FROM no_such_table_pgring"));
        ASSERT_FALSE(missing);
        EXPECT_EQ(missing.error(), sqlstate::undefined_table);
        EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT $1::int4 + 1", i)), i + 1);
    }
    EXPECT_EQ(conn_.transaction_status(), 'I');
}

TEST_F(ConnectionTest, PreparedStatementIsReusedWithDifferentParameters) {
    const statement sum = run(conn_.prepare("SELECT $1::int4 + $2::int8 AS total, $3::text AS label"));
    ASSERT_TRUE(sum);
    EXPECT_FALSE(sum.name().empty());
    EXPECT_EQ(sum.sql(), "SELECT $1::int4 + $2::int8 AS total, $3::text AS label");
    ASSERT_EQ(sum.parameter_types().size(), 3u);
    EXPECT_EQ(sum.parameter_types()[0], oid::int4);
    EXPECT_EQ(sum.parameter_types()[1], oid::int8);
    EXPECT_EQ(sum.parameter_types()[2], oid::text);
    ASSERT_EQ(sum.columns().size(), 2u);
    EXPECT_EQ(sum.columns()[0].name, "total");
    EXPECT_EQ(sum.columns()[0].type, oid::int8);

    for (std::int32_t i = 0; i < 20; ++i) {
        const rows rs = run(conn_.query(sum, i, std::int64_t{1} << 33, "n" + std::to_string(i)));
        ASSERT_EQ(rs.size(), 1u);
        EXPECT_EQ(rs[0].get<std::int64_t>("total"), i + (std::int64_t{1} << 33));
        EXPECT_EQ(rs[0].get<std::string>("label"), "n" + std::to_string(i));
    }

    const std::string t = unique_name("conn_prep");
    exec("CREATE TABLE " + t + " (id int, v text)");
    const statement insert = run(conn_.prepare("INSERT INTO " + t + " VALUES ($1, $2)"));
    EXPECT_TRUE(insert.columns().empty());
    for (std::int32_t i = 0; i < 10; ++i) {
        const command_result r = run(conn_.execute(insert, i, std::to_string(i * i)));
        EXPECT_EQ(r.command_tag, "INSERT 0 1");
    }
    EXPECT_EQ(run(conn_.query_value<std::string>("SELECT string_agg(v, ',' ORDER BY id) FROM " + t)),
              "0,1,4,9,16,25,36,49,64,81");

    // Both are server-side statements of this session.
    const rows names = run(conn_.query("SELECT name FROM pg_prepared_statements WHERE name = $1 OR name = $2",
                                       sum.name(), insert.name()));
    EXPECT_EQ(names.size(), 2u);

    // Wrong arguments for a prepared statement are refused before anything is sent.
    result<rows> few = run(conn_.try_query(sum, 1, std::int64_t{2}));
    ASSERT_FALSE(few);
    EXPECT_EQ(few.error(), errc::wrong_parameter_count);
    result<rows> bad_type = run(conn_.try_query(sum, 1, std::int64_t{2}, true));
    ASSERT_FALSE(bad_type);
    EXPECT_EQ(bad_type.error(), errc::type_mismatch);

    result<statement> broken = run(conn_.try_prepare("SELEC 1"));
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error(), sqlstate::syntax_error);
    EXPECT_EQ(run(conn_.query(sum, 1, std::int64_t{2}, "x"))[0].get<std::int64_t>(0), 3);
    exec("DROP TABLE " + t);
}

TEST_F(ConnectionTest, ParametersOfManyTypesRoundTripInBinary) {
    // Each value is sent, checked by the server against its own text form of the same value,
    // and read back.
    EXPECT_TRUE(run(conn_.query_value<bool>("SELECT $1::int2 = -12345", std::int16_t{-12345})));
    EXPECT_EQ(run(conn_.query_value<std::int16_t>("SELECT $1::int2", std::int16_t{-12345})), -12345);
    EXPECT_TRUE(run(conn_.query_value<bool>("SELECT $1::int4 = 2147483647", std::int32_t{2147483647})));
    EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT $1::int4", std::int32_t{-2147483647 - 1})),
              -2147483647 - 1);
    const std::int64_t big = std::int64_t{1} << 40;
    EXPECT_TRUE(run(conn_.query_value<bool>("SELECT $1::int8 = 1099511627776", big)));
    EXPECT_EQ(run(conn_.query_value<std::int64_t>("SELECT $1::int8", std::int64_t{-9223372036854775807 - 1})),
              std::int64_t{-9223372036854775807 - 1});
    EXPECT_TRUE(run(conn_.query_value<bool>("SELECT $1::float8 = 0.1::float8", 0.1)));
    EXPECT_EQ(run(conn_.query_value<double>("SELECT $1::float8", -1.25e300)), -1.25e300);
    EXPECT_TRUE(run(conn_.query_value<bool>("SELECT $1::bool = true", true)));
    EXPECT_FALSE(run(conn_.query_value<bool>("SELECT $1::bool", false)));

    const std::string s = "héllo, wörld ✓";
    EXPECT_TRUE(run(conn_.query_value<bool>("SELECT $1::text = 'héllo, wörld ✓'", s)));
    EXPECT_EQ(run(conn_.query_value<std::string>("SELECT $1::text", s)), s);
    const std::string_view sv = "a view";
    EXPECT_EQ(run(conn_.query_value<std::string>("SELECT $1::text || '!'", sv)), "a view!");
    EXPECT_EQ(run(conn_.query_value<std::string>("SELECT $1::varchar", "a literal")), "a literal");
    const char* pointer = "a pointer";
    EXPECT_EQ(run(conn_.query_value<std::string>("SELECT upper($1::text)", pointer)), "A POINTER");
    EXPECT_EQ(run(conn_.query_value<std::string>("SELECT $1::text", "")), "");

    std::vector<std::byte> bytes(256);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        bytes[i] = static_cast<std::byte>(i);
    }
    std::string hex;
    for (std::size_t i = 0; i < 256; ++i) {
        static constexpr char digits[] = "0123456789abcdef";
        hex += digits[i >> 4];
        hex += digits[i & 15];
    }
    EXPECT_EQ(run(conn_.query_value<std::string>("SELECT encode($1::bytea, 'hex')", bytes)), hex);
    EXPECT_EQ(run(conn_.query_value<std::vector<std::byte>>("SELECT $1::bytea", bytes)), bytes);
    EXPECT_EQ(run(conn_.query_value<std::vector<std::byte>>("SELECT $1::bytea", std::vector<std::byte>{})),
              std::vector<std::byte>{});

    const std::optional<std::int32_t> null_int;
    EXPECT_TRUE(run(conn_.query_value<bool>("SELECT $1::int4 IS NULL", null_int)));
    EXPECT_EQ(run(conn_.query_value<std::optional<std::int32_t>>("SELECT $1::int4", null_int)), std::nullopt);
    const std::optional<std::string> null_text;
    EXPECT_TRUE(run(conn_.query_value<bool>("SELECT $1::text IS NULL", null_text)));
    EXPECT_EQ(run(conn_.query_value<std::optional<std::int32_t>>("SELECT $1::int4",
                                                                 std::optional<std::int32_t>(9))),
              std::optional<std::int32_t>(9));

    numeric n;
    ASSERT_FALSE(numeric::from_string("-12345678901234567890.000123400", n));
    EXPECT_EQ(run(conn_.query_value<std::string>("SELECT $1::numeric::text", n)),
              "-12345678901234567890.000123400");
    EXPECT_EQ(run(conn_.query_value<numeric>("SELECT $1::numeric", n)), n);
    EXPECT_EQ(run(conn_.query_value<numeric>("SELECT 'NaN'::numeric")).is_nan(), true);

    uuid u;
    ASSERT_FALSE(uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", u));
    EXPECT_EQ(run(conn_.query_value<std::string>("SELECT $1::uuid::text", u)),
              "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    EXPECT_EQ(run(conn_.query_value<uuid>("SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid")), u);

    // 2020-01-01 00:00:00 UTC is 7305 days after 2000-01-01; .123456 s more.
    const timestamptz tz{7305LL * 86400000000LL + 123456};
    EXPECT_TRUE(run(conn_.query_value<bool>("SELECT $1::timestamptz = '2020-01-01 00:00:00.123456+00'", tz)));
    EXPECT_EQ(run(conn_.query_value<timestamptz>("SELECT $1::timestamptz", tz)), tz);
    const timestamp local{-86400000000LL};
    EXPECT_EQ(run(conn_.query_value<std::string>("SELECT $1::timestamp::text", local)),
              "1999-12-31 00:00:00");
    EXPECT_EQ(run(conn_.query_value<timestamp>("SELECT '1999-12-31 00:00:00'::timestamp")), local);
    const auto now =
        std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
    EXPECT_EQ(run(conn_.query_value<std::chrono::sys_time<std::chrono::microseconds>>(
                  "SELECT $1::timestamptz", now)),
              now);

    const std::vector<int> ints = {1, 2, 3, -4, 2147483647};
    EXPECT_EQ(run(conn_.query_value<std::string>("SELECT $1::int4[]::text", ints)), "{1,2,3,-4,2147483647}");
    EXPECT_EQ(run(conn_.query_value<std::vector<int>>("SELECT $1::int4[]", ints)), ints);
    EXPECT_EQ(run(conn_.query_value<std::vector<int>>("SELECT ARRAY[5, 6]::int4[]")),
              (std::vector<int>{5, 6}));
    EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT cardinality($1::int4[])", std::vector<int>{})), 0);
}

TEST_F(ConnectionTest, ParametersRoundTripThroughATable) {
    const std::string t = unique_name("conn_types");
    exec(
        "CREATE TABLE " + t +
        " (i2 int2, i4 int4, i8 int8, f8 float8, b bool, t text, v varchar(20), by bytea, n numeric, u uuid, "
        "ts timestamptz, arr int4[], nul int4)");
    numeric n;
    ASSERT_FALSE(numeric::from_string("3.14159", n));
    uuid u;
    ASSERT_FALSE(uuid::parse("00112233-4455-6677-8899-aabbccddeeff", u));
    const std::vector<std::byte> by = {std::byte{0}, std::byte{0xff}, std::byte{0x10}};
    const timestamptz ts{1};
    const std::vector<int> arr = {3, 1, 2};
    const std::optional<std::int32_t> nul;
    const command_result ins =
        run(conn_.execute("INSERT INTO " + t +
                              " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                              "$10, $11, $12, $13)",
                          std::int16_t{7}, std::int32_t{-8}, std::int64_t{9}, 2.5, true, std::string("text"),
                          "varchar", by, n, u, ts, arr, nul));
    EXPECT_EQ(ins.rows_affected, 1u);
    // Integers of another width are converted when they fit.
    run(conn_.execute("INSERT INTO " + t + " (i2, i4, i8) VALUES ($1, $2, $3)", std::int64_t{1},
                      std::int16_t{2}, std::int32_t{3}));

    const row r = run(conn_.query_one("SELECT * FROM " + t + " WHERE b"));
    EXPECT_EQ(r.get<std::int16_t>("i2"), 7);
    EXPECT_EQ(r.get<std::int32_t>("i4"), -8);
    EXPECT_EQ(r.get<std::int64_t>("i8"), 9);
    EXPECT_EQ(r.get<double>("f8"), 2.5);
    EXPECT_TRUE(r.get<bool>("b"));
    EXPECT_EQ(r.get<std::string>("t"), "text");
    EXPECT_EQ(r.get<std::string>("v"), "varchar");
    EXPECT_EQ(r.get<std::vector<std::byte>>("by"), by);
    EXPECT_EQ(r.get<numeric>("n"), n);
    EXPECT_EQ(r.get<uuid>("u"), u);
    EXPECT_EQ(r.get<timestamptz>("ts"), ts);
    EXPECT_EQ(r.get<std::vector<int>>("arr"), arr);
    EXPECT_EQ(r.get<std::optional<std::int32_t>>("nul"), std::nullopt);
    const row widths = run(conn_.query_one("SELECT i2, i4, i8 FROM " + t + " WHERE b IS NULL"));
    const auto [w2, w4, w8] = widths.as<std::int16_t, std::int32_t, std::int64_t>();
    EXPECT_EQ(w2, 1);
    EXPECT_EQ(w4, 2);
    EXPECT_EQ(w8, 3);
    exec("DROP TABLE " + t);
}

TEST_F(ConnectionTest, StringParameterIntoANonTextTypeIsSentAsText) {
    const timestamptz expected{7305LL * 86400000000LL};
    EXPECT_EQ(
        run(conn_.query_value<timestamptz>("SELECT $1::timestamptz", std::string("2020-01-01 00:00:00+00"))),
        expected);
    EXPECT_EQ(run(conn_.query_value<timestamptz>("SELECT $1::timestamptz", "2020-01-01 00:00:00+00")),
              expected);

    const std::string t = unique_name("conn_strparam");
    exec("CREATE TABLE " + t + " (int_col int4, num numeric, day date)");
    run(conn_.execute("INSERT INTO " + t + " VALUES ($1, $2, $3)", std::string("42"), std::string("1.50"),
                      std::string_view("2021-03-04")));
    run(conn_.execute("INSERT INTO " + t + " VALUES (43, 2, '2021-03-05')"));
    const rows rs = run(conn_.query("SELECT int_col, num::text, day::text FROM " + t + " WHERE int_col = $1",
                                    std::string("42")));
    ASSERT_EQ(rs.size(), 1u);
    EXPECT_EQ(rs[0].get<std::int32_t>(0), 42);
    EXPECT_EQ(rs[0].get<std::string>(1), "1.50");
    EXPECT_EQ(rs[0].get<std::string>(2), "2021-03-04");
    EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT int_col FROM " + t + " WHERE int_col = $1", "43")),
              43);

    // Text the server cannot parse as the type is the server's error; the connection goes on.
    result<rows> bad =
        run(conn_.try_query("SELECT int_col FROM " + t + " WHERE int_col = $1", std::string("4x2")));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), sqlstate::invalid_text_representation);
    EXPECT_EQ(run(conn_.query_value<std::int64_t>("SELECT count(*) FROM " + t)), 2);
    exec("DROP TABLE " + t);
}

TEST_F(ConnectionTest, WrongParameterCountIsRefused) {
    result<rows> many = run(conn_.try_query("SELECT $1::int4", 1, 2));
    ASSERT_FALSE(many);
    EXPECT_EQ(many.error(), errc::wrong_parameter_count);
    EXPECT_FALSE(many.diag().client_message.empty());
    result<rows> none = run(conn_.try_query("SELECT $1::int4 + $2::int4"));
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error(), errc::wrong_parameter_count);
    result<command_result> extra = run(conn_.try_execute("SELECT 1", 1));
    ASSERT_FALSE(extra);
    EXPECT_EQ(extra.error(), errc::wrong_parameter_count);
    EXPECT_EQ(thrown_code([&] { (void)run(conn_.query("SELECT $1::int4", 1, 2)); }),
              errc::wrong_parameter_count);
    EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT $1::int4", 1)), 1);
}

TEST_F(ConnectionTest, ValueOutOfRangeForTheParameterTypeLeavesTheConnectionUsable) {
    const std::int64_t too_big = std::int64_t{1} << 40;
    result<rows> r = run(conn_.try_query("SELECT $1::int4", too_big));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::value_out_of_range) << r.error().message();
    EXPECT_FALSE(is_fatal(r.error()));
    EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT $1::int4", std::int64_t{12})), 12);
    // Out of range after in-range parameters of the same Bind.
    result<rows> second = run(conn_.try_query("SELECT $1::int2, $2::int2", 1, 70000));
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error(), errc::value_out_of_range);
    // A NUL byte cannot be sent as text.
    result<rows> nul = run(conn_.try_query("SELECT $1::text", std::string("a\0b", 3)));
    ASSERT_FALSE(nul);
    EXPECT_EQ(nul.error(), errc::embedded_nul);
    EXPECT_TRUE(conn_.is_open());
    EXPECT_EQ(conn_.transaction_status(), 'I');
    EXPECT_EQ(run(conn_.query_value<std::string>("SELECT $1::text || $2::int2", "ok ", std::int16_t{1})),
              "ok 1");
}

TEST_F(ConnectionTest, HundredThousandRowsDecode) {
    const rows rs =
        run(conn_.query("SELECT g, 'value ' || g, g % 7 = 0, repeat('x', g % 50) FROM generate_series(1, "
                        "100000) g ORDER BY g"));
    ASSERT_EQ(rs.size(), 100000u);
    EXPECT_EQ(rs.rows_affected(), 100000u);
    std::int64_t sum = 0;
    std::int32_t expected = 1;
    for (const row_view r : rs) {
        const auto [g, text, seventh, xs] = r.as<std::int32_t, std::string_view, bool, std::string_view>();
        ASSERT_EQ(g, expected);
        ASSERT_EQ(text, "value " + std::to_string(expected));
        ASSERT_EQ(seventh, expected % 7 == 0);
        ASSERT_EQ(xs.size(), static_cast<std::size_t>(expected % 50));
        sum += g;
        ++expected;
    }
    EXPECT_EQ(sum, std::int64_t{100000} * 100001 / 2);
    const auto tuples = rs.as<std::int64_t, std::string, bool, std::string>();
    ASSERT_EQ(tuples.size(), 100000u);
    EXPECT_EQ(std::get<1>(tuples[99999]), "value 100000");
}

TEST_F(ConnectionTest, TenMegabyteByteaValueIsReassembled) {
    constexpr std::size_t size = 10 * 1024 * 1024;
    const std::uint64_t copied_before = conn_.copied_bytes();
    const auto value = run(conn_.query_value<std::vector<std::byte>>(
        "SELECT convert_to(repeat('0123456789abcdef', $1::int4), 'UTF8')",
        static_cast<std::int32_t>(size / 16)));
    ASSERT_EQ(value.size(), size);
    static constexpr char pattern[] = "0123456789abcdef";
    for (std::size_t i = 0; i < size; ++i) {
        ASSERT_EQ(value[i], static_cast<std::byte>(pattern[i % 16])) << "at " << i;
    }
    // The DataRow spanned many receive buffers: it went through the reassembly buffer.
    EXPECT_GE(conn_.copied_bytes() - copied_before, size);

    // And the other way: a 10 MB parameter, echoed.
    std::vector<std::byte> sent(size);
    for (std::size_t i = 0; i < size; ++i) {
        sent[i] = static_cast<std::byte>((i * 7 + i / 251) & 0xff);
    }
    const rows echo =
        run(conn_.query("SELECT $1::bytea, length($1::bytea), md5($1::bytea) = md5($2::bytea)", sent, sent));
    ASSERT_EQ(echo.size(), 1u);
    EXPECT_EQ(echo[0].get<std::int32_t>(1), static_cast<std::int32_t>(size));
    EXPECT_TRUE(echo[0].get<bool>(2));
    EXPECT_TRUE(echo[0].get<std::vector<std::byte>>(0) == sent);
    EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT 1")), 1);
}

TEST_F(ConnectionTest, RowsStayValidAfterLaterQueriesAndRowCopiesOutliveThem) {
    std::optional<rows> first = run(conn_.query(
        "SELECT g, repeat(chr(65 + g % 26), 200) AS s FROM generate_series(0, 999) g ORDER BY g"));
    ASSERT_EQ(first->size(), 1000u);
    std::vector<field_view> views;  // views into `first`, read after many other queries
    for (const row_view r : *first) {
        views.push_back(r[1]);
    }
    row kept = first->to_row(500);
    const row copy_of_copy = kept;

    // Other queries reuse the receive buffers the first result did not keep.
    for (int i = 0; i < 40; ++i) {
        const rows other = run(conn_.query("SELECT repeat('z', 5000) FROM generate_series(1, 100)"));
        ASSERT_EQ(other.size(), 100u);
    }
    for (std::size_t g = 0; g < views.size(); ++g) {
        ASSERT_EQ(views[g].as<std::string>(), std::string(200, static_cast<char>('A' + g % 26)))
            << "row " << g;
    }
    EXPECT_EQ((*first)[999].get<std::int32_t>("g"), 999);

    first.reset();
    views.clear();
    EXPECT_EQ(kept.get<std::int32_t>("g"), 500);
    EXPECT_EQ(kept.get<std::string>("s"), std::string(200, static_cast<char>('A' + 500 % 26)));
    EXPECT_EQ(copy_of_copy.get<std::int32_t>(0), 500);
    EXPECT_EQ(kept.columns()[1].name, "s");

    // A moved rows keeps its rows.
    rows a = run(conn_.query("SELECT 'moved'::text"));
    rows b = std::move(a);
    EXPECT_EQ(b[0].get<std::string>(0), "moved");
}

// One query's worth of rows for ManyResultsHeldAtOnceDoNotStall: 100 rows of ~1 KB, all rows
// of query `q` spelling its letter.
std::string held_value(int q, int g) {
    return std::string(1000, static_cast<char>('a' + q % 26)) + std::to_string(g);
}

TEST_F(ConnectionTest, ManyResultsHeldAtOnceDoNotStall) {
    // 300 results of ~100 KB: ~30 MB, more than the loop's receive buffers (256 x 64 KB). The
    // driver copies rows once buffers run low, so this finishes (command_timeout bounds it).
    std::vector<rows> held;
    held.reserve(300);
    for (int q = 0; q < 300; ++q) {
        result<rows> r = run(conn_.try_query(
            "SELECT g, repeat(chr(97 + $1::int4 % 26), 1000) || g FROM generate_series(1, 100) g ORDER BY g",
            q));
        ASSERT_TRUE(r) << "query " << q << ": " << r.error().message() << ": " << r.diag().primary();
        held.push_back(std::move(*r));
    }
    for (int q = 0; q < 300; ++q) {
        ASSERT_EQ(held[q].size(), 100u);
        for (int g = 1; g <= 100; ++g) {
            const row_view r = held[q][static_cast<std::size_t>(g - 1)];
            ASSERT_EQ(r.get<std::int32_t>(0), g);
            ASSERT_EQ(r.get<std::string_view>(1), held_value(q, g)) << "query " << q << " row " << g;
        }
    }
    held.clear();
    EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT 1")), 1);
}

task<std::vector<std::string>> held_with_small_buffers(loop& lp, std::string conninfo) {
    std::vector<std::string> failures;
    connection conn = co_await connection::connect(lp, conninfo, safe_options());
    std::vector<rows> held;
    for (int q = 0; q < 60; ++q) {
        result<rows> r = co_await conn.try_query(
            "SELECT g, repeat(chr(97 + $1::int4 % 26), 1000) || g FROM generate_series(1, 100) g ORDER BY g",
            q);
        if (!r) {
            failures.push_back("query " + std::to_string(q) + ": " + r.diag().primary());
            co_return failures;
        }
        held.push_back(std::move(*r));
    }
    for (int q = 0; q < 60; ++q) {
        for (int g = 1; g <= 100; ++g) {
            const row_view r = held[q][static_cast<std::size_t>(g - 1)];
            if (r.get<std::int32_t>(0) != g || r.get<std::string_view>(1) != held_value(q, g)) {
                failures.push_back("query " + std::to_string(q) + " row " + std::to_string(g) + " is wrong");
                co_return failures;
            }
        }
    }
    // A row of 1 MB over 4 KB buffers.
    const std::string big = co_await conn.query_value<std::string>("SELECT repeat('0123456789', 100000)");
    if (big.size() != 1000000 || big.compare(999990, 10, "0123456789") != 0) {
        failures.push_back("the 1 MB row is wrong");
    }
    co_return failures;
}

TEST(SmallReceiveBuffers, ManyHeldResultsAndSplitRowsDecode) {
    // 16 receive buffers of 4 KB: nearly every row straddles two buffers, and the 6 MB of held
    // results are far beyond the pool; rows must be copied rather than wait for buffers.
    loop lp(loop_options{.sq_entries = 64, .buffers = 16, .buffer_size = 4096});
    const std::vector<std::string> failures = lp.run(held_with_small_buffers(lp, superuser_conninfo()));
    EXPECT_TRUE(failures.empty()) << failures.front();
}

TEST_F(ConnectionTest, CopyThroughQueryFailsCleanlyAndTheConnectionCarriesOn) {
    const std::string t = unique_name("conn_copy");
    exec("CREATE TABLE " + t + " (a int)");
    connection_options uncached = safe_options();
    uncached.statement_cache.max_size = 0;
    connection one_shot = run(connection::connect(lp_, superuser_conninfo(), uncached));
    for (connection* c : {&conn_, &one_shot}) {
        SCOPED_TRACE(c == &conn_ ? "cached statement" : "unnamed statement, cache off");
        result<rows> in = run(c->try_query("COPY " + t + " FROM STDIN"));
        ASSERT_FALSE(in) << "COPY FROM STDIN has no data to send through query()";
        EXPECT_EQ(in.error(), sqlstate::query_canceled) << in.diag().primary();
        EXPECT_NE(in.diag().message.find("COPY API"), std::string::npos) << in.diag().message;
        result<command_result> out = run(c->try_execute("COPY (SELECT g FROM generate_series(1, 1000) g) TO STDOUT"));
        ASSERT_FALSE(out);
        EXPECT_EQ(out.error(), errc::not_supported) << out.diag().primary();
        EXPECT_EQ(run(c->query_value<std::int32_t>("SELECT 7")), 7) << "the connection is in step";
    }
    // Inside a transaction the CopyFail aborts it, as any error does.
    exec("BEGIN");
    EXPECT_FALSE(run(conn_.try_execute("COPY " + t + " FROM STDIN")));
    EXPECT_EQ(conn_.transaction_status(), 'E');
    exec("ROLLBACK");
    EXPECT_EQ(run(conn_.query_value<std::int64_t>("SELECT count(*) FROM " + t)), 0);
}

TEST_F(ConnectionTest, TransactionStatusFollowsTheBlock) {
    const std::string t = unique_name("conn_tx");
    exec("CREATE TABLE " + t + " (id int)");
    EXPECT_EQ(conn_.transaction_status(), 'I');
    exec("BEGIN");
    EXPECT_EQ(conn_.transaction_status(), 'T');
    run(conn_.execute("INSERT INTO " + t + " VALUES ($1)", 1));
    EXPECT_EQ(conn_.transaction_status(), 'T');
    result<rows> bad = run(conn_.try_query("SELECT 1 / 0"));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), sqlstate::division_by_zero);
    EXPECT_EQ(conn_.transaction_status(), 'E');
    result<rows> refused = run(conn_.try_query("SELECT 1"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error(), sqlstate::in_failed_sql_transaction);
    EXPECT_EQ(conn_.transaction_status(), 'E');
    EXPECT_EQ(exec("ROLLBACK").command_tag, "ROLLBACK");
    EXPECT_EQ(conn_.transaction_status(), 'I');
    EXPECT_EQ(run(conn_.query_value<std::int64_t>("SELECT count(*) FROM " + t)), 0)
        << "the insert was rolled back";

    exec("BEGIN");
    run(conn_.execute("INSERT INTO " + t + " VALUES ($1)", 2));
    EXPECT_EQ(exec("COMMIT").command_tag, "COMMIT");
    EXPECT_EQ(conn_.transaction_status(), 'I');
    EXPECT_EQ(run(conn_.query_value<std::int64_t>("SELECT count(*) FROM " + t)), 1);
    exec("DROP TABLE " + t);
}

// A connection whose notices are collected.
class NoticeTest : public ConnectionTest {
protected:
    connection_options options() override {
        connection_options o = safe_options();
        o.on_notice = [this](const diagnostics& d) { notices_.push_back(d); };
        return o;
    }
    std::vector<diagnostics> notices_;
};

TEST_F(NoticeTest, NoticesReachTheCallback) {
    exec(
        "DO $$ BEGIN RAISE NOTICE 'pgring notice %', 42; RAISE WARNING 'pgring warning' USING DETAIL = 'd'; "
        "END $$");
    ASSERT_EQ(notices_.size(), 2u);
    EXPECT_EQ(notices_[0].severity_nonlocalized, "NOTICE");
    EXPECT_EQ(notices_[0].sqlstate, "00000");
    EXPECT_EQ(notices_[0].message, "pgring notice 42");
    EXPECT_EQ(notices_[1].severity_nonlocalized, "WARNING");
    EXPECT_EQ(notices_[1].sqlstate, "01000");
    EXPECT_EQ(notices_[1].message, "pgring warning");
    EXPECT_EQ(notices_[1].detail, "d");

    // A notice from a query that returns rows, and one before an error of the same statement.
    const rows rs = run(conn_.query("SELECT g FROM generate_series(1, 3) g"));
    EXPECT_EQ(rs.size(), 3u);
    exec(
        "CREATE OR REPLACE FUNCTION pg_temp.noisy(x int) RETURNS int LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE NOTICE 'noisy %', x; IF x < 0 THEN RAISE EXCEPTION 'negative'; END IF; RETURN x; END "
        "$$");
    EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT pg_temp.noisy($1)", 5)), 5);
    result<std::int32_t> failed = run(conn_.try_query_value<std::int32_t>("SELECT pg_temp.noisy($1)", -1));
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.diag().message, "negative");
    ASSERT_EQ(notices_.size(), 4u);
    EXPECT_EQ(notices_[2].message, "noisy 5");
    EXPECT_EQ(notices_[3].message, "noisy -1");
}

// ---- pipelining ---------------------------------------------------------------------------------

struct pipeline_outcome {
    int finished = 0;
    std::vector<std::string> failures;
};

// Worker `w` of PipelinedCoroutinesGetTheirOwnAnswers: a mix of row sets, values, errors and
// prepared statements, each checked against what this worker asked.
task<void> pipeline_worker(connection& conn, const statement& stmt, int w, pipeline_outcome& out) {
    for (int i = 0; i < 25; ++i) {
        const std::int32_t n = (w * 7 + i) % 40 + 1;
        result<rows> rs = co_await conn.try_query(
            "SELECT $1::int4 AS w, g, repeat('v', g) FROM generate_series(1, $2::int4) g ORDER BY g", w, n);
        if (!rs) {
            out.failures.push_back("rows of " + std::to_string(w) + ": " + rs.diag().primary());
            continue;
        }
        if (rs->size() != static_cast<std::size_t>(n)) {
            out.failures.push_back("worker " + std::to_string(w) + " got " + std::to_string(rs->size()) +
                                   " rows");
        }
        for (std::size_t g = 0; g < rs->size(); ++g) {
            const auto [ww, gg, vs] = (*rs)[g].as<std::int32_t, std::int32_t, std::string_view>();
            if (ww != w || gg != static_cast<std::int32_t>(g + 1) || vs.size() != g + 1) {
                out.failures.push_back("worker " + std::to_string(w) + " got a row of worker " +
                                       std::to_string(ww));
                break;
            }
        }
        if (i % 5 == 3) {
            result<std::int32_t> bad = co_await conn.try_query_value<std::int32_t>("SELECT $1::int4 / 0", w);
            if (bad || bad.error() != sqlstate::division_by_zero) {
                out.failures.push_back("worker " + std::to_string(w) + ": no division_by_zero");
            }
        }
        result<std::int64_t> v = co_await conn.try_query_value<std::int64_t>(
            "SELECT $1::int8 * 1000 + $2::int8", std::int64_t{w}, std::int64_t{i});
        if (!v || *v != std::int64_t{w} * 1000 + i) {
            out.failures.push_back("value of " + std::to_string(w) + "/" + std::to_string(i) + ": " +
                                   (v ? std::to_string(*v) : v.diag().primary()));
        }
        result<rows> p = co_await conn.try_query(stmt, "w" + std::to_string(w), i);
        if (!p || p->size() != 1 ||
            (*p)[0].get<std::string>(0) != "w" + std::to_string(w) + ":" + std::to_string(i)) {
            out.failures.push_back("prepared of " + std::to_string(w) + "/" + std::to_string(i));
        }
    }
    ++out.finished;
}

TEST_F(ConnectionTest, PipelinedCoroutinesGetTheirOwnAnswers) {
    const statement stmt = run(conn_.prepare("SELECT $1::text || ':' || $2::int4"));
    pipeline_outcome out;
    constexpr int workers = 16;
    for (int w = 0; w < workers; ++w) {
        lp_.spawn(pipeline_worker(conn_, stmt, w, out));
    }
    lp_.run();
    EXPECT_EQ(out.finished, workers);
    EXPECT_TRUE(out.failures.empty()) << out.failures.size() << " failures, first: " << out.failures.front();
    EXPECT_EQ(conn_.transaction_status(), 'I');
    EXPECT_EQ(run(conn_.query_value<std::int32_t>("SELECT 1")), 1);
}

// The whole flow as one coroutine: connect, create, insert in a loop, read back.
task<std::int64_t> coroutine_flow(loop& lp, std::string conninfo, std::string table) {
    connection conn = co_await connection::connect(lp, conninfo, safe_options());
    co_await conn.execute("CREATE TABLE " + table + " (id int8 PRIMARY KEY, name text)");
    const statement insert = co_await conn.prepare("INSERT INTO " + table + " VALUES ($1, $2)");
    for (std::int64_t i = 1; i <= 100; ++i) {
        co_await conn.execute(insert, i, "name " + std::to_string(i));
    }
    std::int64_t total = 0;
    const rows all = co_await conn.query("SELECT id, name FROM " + table + " ORDER BY id");
    for (const row_view r : all) {
        if (r.get<std::string>(1) == "name " + std::to_string(r.get<std::int64_t>(0))) {
            total += r.get<std::int64_t>(0);
        }
    }
    co_await conn.execute("DROP TABLE " + table);
    co_return total;
}

TEST(ConnectionCoroutine, RunsAWholeFlowInOneCoroutine) {
    loop lp;
    EXPECT_EQ(lp.run(coroutine_flow(lp, superuser_conninfo(), unique_name("conn_flow"))), 5050);
}

// ---- the blocking wrapper ---------------------------------------------------------------------------

TEST(BlockingConnection, RunsStatementsQueriesAndPreparedStatements) {
    blocking::connection conn(superuser_conninfo(), safe_options());
    const std::string t = unique_name("conn_blocking");
    EXPECT_EQ(conn.execute("CREATE TABLE " + t + " (id int, name text)").command_tag, "CREATE TABLE");
    EXPECT_EQ(
        conn.execute("INSERT INTO " + t + " SELECT g, 'n' || g FROM generate_series(1, 10) g").rows_affected,
        10u);
    const statement by_id = conn.prepare("SELECT name FROM " + t + " WHERE id = $1");
    for (int i = 1; i <= 10; ++i) {
        const rows rs = conn.query(by_id, i);
        ASSERT_EQ(rs.size(), 1u);
        EXPECT_EQ(rs[0].get<std::string>(0), "n" + std::to_string(i));
    }
    EXPECT_EQ(conn.execute(conn.prepare("DELETE FROM " + t + " WHERE id > $1"), 8).rows_affected, 2u);
    EXPECT_EQ(conn.query_value<std::int64_t>("SELECT count(*) FROM " + t), 8);
    EXPECT_EQ(conn.query_one("SELECT id, name FROM " + t + " WHERE id = $1", 3).get<std::string>("name"),
              "n3");
    {
        const rows big = conn.query("SELECT g FROM generate_series(1, 50000) g");
        ASSERT_EQ(big.size(), 50000u);
        EXPECT_EQ(big[49999].get<std::int32_t>(0), 50000);
    }
    EXPECT_EQ(conn.async().transaction_status(), 'I');
    EXPECT_EQ(conn.loop().run(conn.async().query_value<std::int32_t>("SELECT 2")), 2);
    conn.execute("DROP TABLE " + t);
}

TEST(BlockingConnection, ReportsErrorsAndStaysUsable) {
    blocking::connection conn(superuser_conninfo(), safe_options());
    result<rows> bad = conn.try_query("SELECT * FROM no_such_table_pgring_blocking");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), sqlstate::undefined_table);
    EXPECT_NE(bad.diag().message.find("no_such_table_pgring_blocking"), std::string::npos);
    EXPECT_EQ(thrown_code([&] { conn.execute("SELECT 1 / 0"); }), sqlstate::division_by_zero);
    EXPECT_EQ(thrown_code([&] { (void)conn.query_one("SELECT 1 WHERE false"); }), errc::unexpected_row_count);
    result<std::int32_t> count = conn.try_query_value<std::int32_t>("SELECT $1::int4", 1, 2);
    ASSERT_FALSE(count);
    EXPECT_EQ(count.error(), errc::wrong_parameter_count);
    result<command_result> range = conn.try_execute("SELECT $1::int4", std::int64_t{1} << 40);
    ASSERT_FALSE(range);
    EXPECT_EQ(range.error(), errc::value_out_of_range);
    EXPECT_EQ(conn.query_value<std::string>("SELECT $1::timestamptz::date::text", "2020-01-01 12:00:00+00"),
              "2020-01-01");
}

TEST(BlockingConnection, ConnectFailureThrows) {
    PGRING_SKIP_UNLESS_AUTH_ROLES(transport::tcp);
    connection_params p = pg_cluster::get().role(auth_role::scram, transport::tcp);
    p.password = "wrong";
    try {
        blocking::connection conn(conninfo_of(p), safe_options());
        ADD_FAILURE() << "connected with a wrong password";
    } catch (const pgring::error& e) {
        EXPECT_EQ(e.code(), sqlstate::invalid_password);
        EXPECT_EQ(e.diag().sqlstate, "28P01");
    }
    p.password = pg_cluster::get().password();
    blocking::connection conn(uri_of(p), safe_options());
    EXPECT_EQ(conn.query_value<std::string>("SELECT current_user::text"), "pgring_scram");
}

}  // namespace
}  // namespace pgring::test
