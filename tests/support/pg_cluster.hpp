#pragma once

// pg_cluster: the PostgreSQL server of an integration-test binary.
//
// Each integration test binary registers pg_cluster_environment once (register_pg_cluster()).
// Its SetUp either
//   * uses the server named by PGRING_TEST_DSN when that variable is set, or
//   * runs `tools/pgcluster start <fresh mktemp dir under /tmp>` and reads the assignments it
//     prints (PGRING_TEST_HOST, _PORT, _SOCKET_DIR, _DSN, _PASSWORD, _PGDATA, _BINDIR).
// A server it started is stopped by `tools/pgcluster stop DIR`, on every exit path:
//   * TearDown (the normal end of the test program);
//   * atexit (exit() called before the environment was torn down);
//   * SIGINT, SIGTERM, SIGHUP: the handler runs the stop command (fork/execve/waitpid, all
//     async-signal-safe) and then re-raises the signal;
//   * anything else (SIGKILL, a crash, abort()): a watchdog process, started with the cluster
//     in a session of its own, waits for EOF on a pipe whose write end only the test process
//     holds; when the process dies the kernel closes it and the watchdog runs the stop command.
//
// Standby: pg_cluster::get().standby() makes a hot standby of that server the first time a test
// asks for it: `tools/pgcluster standby <primary dir> <fresh mktemp dir under /tmp>` (a
// pg_basebackup streaming from the primary, read-only, pg_is_in_recovery() true, on a port and
// socket dir of its own). It is stopped on the same paths as the primary, before it. There is
// none when the primary came from PGRING_TEST_DSN; PGRING_SKIP_UNLESS_STANDBY() skips then.
//
// PGRING_TEST_DSN: postgresql://user[:password]@host[:port]/database. Tests that need the auth
// roles of tools/pgcluster (pgring_trust, pgring_password, pgring_md5, pgring_scram) skip unless
// PGRING_TEST_PASSWORD is also set (which says the server has those roles with that password,
// e.g. after `eval "$(tools/pgcluster start DIR)"`); PGRING_TEST_HOST/PGRING_TEST_PORT override
// the DSN's host and port, and unix-socket tests skip unless PGRING_TEST_SOCKET_DIR is set.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "socket_driver.hpp"

namespace pgring::test {

/// The authentication methods of the roles tools/pgcluster creates.
enum class auth_role : std::uint8_t { trust, password, md5, scram };

/// How to reach the server.
enum class transport : std::uint8_t { tcp, unix_socket };

/// "trust", "password", "md5", "scram" (for test names).
std::string_view auth_role_name(auth_role r) noexcept;

/// Output and exit status of a psql run.
struct psql_result {
    int status = -1;     ///< psql's exit status (0 on success), -1 if it could not run
    std::string output;  ///< stdout and stderr, as psql printed them (-At: unaligned, tuples only)
    explicit operator bool() const noexcept { return status == 0; }
};

/// The running server of this test binary.
class pg_cluster {
public:
    /// The server set up by pg_cluster_environment; only valid while the environment is set up.
    static const pg_cluster& get();

    const std::string& host() const noexcept { return host_; }
    std::uint16_t port() const noexcept { return port_; }
    /// Directory of the server's unix socket, or empty when unknown.
    const std::string& socket_dir() const noexcept { return socket_dir_; }
    /// The password of the pgring_password/md5/scram roles (empty when the roles are unknown).
    const std::string& password() const noexcept { return password_; }
    /// A superuser DSN (postgresql://postgres@host:port/pgring_test for a started cluster).
    const std::string& dsn() const noexcept { return dsn_; }
    const std::string& user() const noexcept { return user_; }
    const std::string& database() const noexcept { return database_; }
    /// True when this binary started the server itself (no PGRING_TEST_DSN).
    bool owned() const noexcept { return !dir_.empty(); }
    /// True when the server has the auth roles of tools/pgcluster.
    bool has_auth_roles() const noexcept { return !password_.empty(); }

    /// Connection parameters of the DSN's user over TCP (with the DSN's password, if any).
    connection_params superuser() const;
    /// Connection parameters of the superuser over the unix socket (socket_dir() must be known).
    connection_params superuser_unix() const;
    /// Connection parameters of one auth role; has_auth_roles() (and, for unix_socket,
    /// socket_dir()) must hold, see skip_unless_auth_roles().
    connection_params role(auth_role r, transport t) const;

    /// Runs `sql` with psql as the superuser (-X -At -v ON_ERROR_STOP=1), for test setup.
    psql_result psql(std::string_view sql) const;

    /// Restarts the server as a crash would: `pg_ctl restart -m immediate -w` (as the postgres
    /// user when run as root), the server's output appended to its log. Returns once the server
    /// accepts connections again (on the same port), after crash recovery. Only for a server
    /// this binary started (owned()); otherwise the result's status is -1.
    psql_result restart_immediate() const;

    /// A hot standby of this server, streaming from it: read-only, pg_is_in_recovery() true,
    /// the same roles, database and password, its own host/port/socket_dir()/dsn(). Started on
    /// the first call (tools/pgcluster standby, a few seconds), then the same object each time.
    /// Errors: nullptr when there is none, standby_error() says why: the server is not owned()
    /// (PGRING_TEST_DSN), this is not pg_cluster::get(), or the start failed (the script's
    /// messages are on stderr). A failed start is not retried.
    /// Lifetime: valid while the environment is set up; stopped at its TearDown (or on any exit
    /// path of the process, like the primary).
    /// Thread: any; the first caller starts it, concurrent callers wait.
    const pg_cluster* standby() const;
    /// Why standby() returned nullptr (empty before the first call and after a success; on
    /// another object than pg_cluster::get(), that only the primary has a standby).
    std::string standby_error() const;

private:
    friend class pg_cluster_environment;

    // Takes the assignments `tools/pgcluster start|standby` printed; false (with `why`) when they
    // name no usable server.
    bool read_settings(const std::string& out, std::string& why);

    std::string host_;
    std::uint16_t port_ = 0;
    std::string socket_dir_;
    std::string password_;
    std::string dsn_;
    std::string dsn_password_;
    std::string user_;
    std::string database_;
    std::string bindir_;
    std::string dir_;  // the cluster directory when this process started the server
};

/// Starts (or finds, with PGRING_TEST_DSN) the server once per test binary and stops it at the
/// end. Register it with register_pg_cluster().
class pg_cluster_environment : public ::testing::Environment {
public:
    void SetUp() override;
    void TearDown() override;
};

/// Registers pg_cluster_environment with GoogleTest; repeated calls do nothing. Use it once per
/// test file at namespace scope:  [[maybe_unused]] const bool cluster = register_pg_cluster();
bool register_pg_cluster();

/// A name no other test (or test run against the same server) uses: `prefix` + pid + counter.
std::string unique_name(std::string_view prefix);

/// A value for a keyword/value connection string: in single quotes, with \ and ' escaped.
std::string conninfo_quote(std::string_view value);

/// A keyword/value connection string for `p`; connect_timeout=10 bounds every attempt.
std::string conninfo_of(const connection_params& p);

/// conninfo_of() the cluster's superuser.
std::string superuser_conninfo();

}  // namespace pgring::test

/// In a test: skips it unless the server has the auth roles (and a unix socket when `t` is
/// transport::unix_socket).
#define PGRING_SKIP_UNLESS_AUTH_ROLES(t)                                                              \
    do {                                                                                              \
        if (!::pgring::test::pg_cluster::get().has_auth_roles()) {                                    \
            GTEST_SKIP()                                                                              \
                << "PGRING_TEST_DSN is set without PGRING_TEST_PASSWORD: the auth roles are unknown"; \
        }                                                                                             \
        if ((t) == ::pgring::test::transport::unix_socket &&                                          \
            ::pgring::test::pg_cluster::get().socket_dir().empty()) {                                 \
            GTEST_SKIP() << "PGRING_TEST_SOCKET_DIR is not set: no unix socket";                      \
        }                                                                                             \
    } while (false)

/// In a test: skips it when the server has no standby (PGRING_TEST_DSN names an existing server),
/// fails it when the standby could not be started. Afterwards pg_cluster::get().standby() is not
/// null.
#define PGRING_SKIP_UNLESS_STANDBY()                                                             \
    do {                                                                                         \
        if (!::pgring::test::pg_cluster::get().owned()) {                                        \
            GTEST_SKIP() << "PGRING_TEST_DSN names an existing server: no standby can be made";  \
        }                                                                                        \
        if (::pgring::test::pg_cluster::get().standby() == nullptr) {                            \
            GTEST_FAIL() << "no standby: " << ::pgring::test::pg_cluster::get().standby_error(); \
        }                                                                                        \
    } while (false)
