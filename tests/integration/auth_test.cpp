// Authentication against a real PostgreSQL: trust, cleartext password, md5 and SCRAM-SHA-256,
// over TCP and the unix socket, with the roles tools/pgcluster creates.

#include <gtest/gtest.h>

#include <cstddef>
#include <pgring/error.hpp>
#include <pgring/sqlstate.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "pg_cluster.hpp"
#include "socket_driver.hpp"
#include "wire/session.hpp"

namespace pgring::test {
namespace {

[[maybe_unused]] const bool cluster_registered = register_pg_cluster();

std::string transport_name(transport t) {
    return t == transport::tcp ? "Tcp" : "UnixSocket";
}

class AuthTest : public ::testing::TestWithParam<std::tuple<auth_role, transport>> {};

TEST_P(AuthTest, ConnectsAndRunsAQueryAsTheRole) {
    const auto [role, via] = GetParam();
    PGRING_SKIP_UNLESS_AUTH_ROLES(via);
    const connection_params p = pg_cluster::get().role(role, via);

    socket_driver d(to_session_options(p));
    ASSERT_FALSE(d.connect(p.host, p.port)) << d.io_error().message();
    const std::error_code ec = d.startup();
    ASSERT_FALSE(ec) << ec.message() << ": " << d.session().last_error().primary();
    EXPECT_EQ(d.session().state(), wire::session_state::ready);
    EXPECT_TRUE(d.session().idle());
    EXPECT_EQ(d.session().transaction_status(), 'I');
    EXPECT_NE(d.session().backend_key().process_id, 0);
    EXPECT_EQ(d.session().parameter("client_encoding").value_or(""), "UTF8");
    EXPECT_TRUE(d.session().parameter("server_version").has_value());

    const query_result r = d.simple_query("SELECT current_user, current_database()");
    ASSERT_TRUE(r.ok()) << r.error.primary();
    ASSERT_EQ(r.rows().size(), 1u);
    EXPECT_EQ(r.rows()[0][0].value_or(""), p.user);
    EXPECT_EQ(r.rows()[0][1].value_or(""), p.database);
    d.close();
}

// The roles that need a password.
class PasswordAuthTest : public AuthTest {};

TEST_P(PasswordAuthTest, WrongPasswordFailsWithInvalidPassword) {
    const auto [role, via] = GetParam();
    PGRING_SKIP_UNLESS_AUTH_ROLES(via);
    connection_params p = pg_cluster::get().role(role, via);
    p.password = "not-the-password";

    socket_driver d(to_session_options(p));
    ASSERT_FALSE(d.connect(p.host, p.port));
    const std::error_code ec = d.startup();
    EXPECT_EQ(ec, sqlstate::invalid_password) << ec.message();
    EXPECT_EQ(d.session().last_error().sqlstate, "28P01");
    EXPECT_NE(d.session().last_error().message.find("password authentication failed"), std::string::npos)
        << d.session().last_error().message;
    EXPECT_EQ(d.session().state(), wire::session_state::failed);
    EXPECT_TRUE(is_fatal(ec));
    // A failed session refuses commands.
    EXPECT_TRUE(d.session().send_query(d.out(), "SELECT 1"));
}

TEST_P(PasswordAuthTest, MissingPasswordGivesPasswordRequired) {
    const auto [role, via] = GetParam();
    PGRING_SKIP_UNLESS_AUTH_ROLES(via);
    connection_params p = pg_cluster::get().role(role, via);
    p.password.clear();

    socket_driver d(to_session_options(p));
    ASSERT_FALSE(d.connect(p.host, p.port));
    const std::error_code ec = d.startup();
    EXPECT_EQ(ec, errc::password_required) << ec.message();
    EXPECT_EQ(d.session().state(), wire::session_state::failed);
}

std::string param_name(const ::testing::TestParamInfo<std::tuple<auth_role, transport>>& info) {
    std::string role(auth_role_name(std::get<0>(info.param)));
    role[0] = static_cast<char>(role[0] - 'a' + 'A');
    return role + transport_name(std::get<1>(info.param));
}

INSTANTIATE_TEST_SUITE_P(AllRoles, AuthTest,
                         ::testing::Combine(::testing::Values(auth_role::trust, auth_role::password,
                                                              auth_role::md5, auth_role::scram),
                                            ::testing::Values(transport::tcp, transport::unix_socket)),
                         param_name);

INSTANTIATE_TEST_SUITE_P(PasswordRoles, PasswordAuthTest,
                         ::testing::Combine(::testing::Values(auth_role::password, auth_role::md5,
                                                              auth_role::scram),
                                            ::testing::Values(transport::tcp, transport::unix_socket)),
                         param_name);

TEST(ScramAuth, WorksWithCleartextAndMd5Refused) {
    PGRING_SKIP_UNLESS_AUTH_ROLES(transport::tcp);
    const connection_params p = pg_cluster::get().role(auth_role::scram, transport::tcp);
    wire::session_options o = to_session_options(p);
    o.allow_cleartext_password = false;
    o.allow_md5_password = false;
    socket_driver d(std::move(o));
    ASSERT_FALSE(d.open(p)) << d.session().last_error().primary();
    const query_result who = d.simple_query("SELECT current_user");
    ASSERT_TRUE(who.ok()) << who.error.primary();
    EXPECT_EQ(who.rows().at(0).at(0).value_or(""), "pgring_scram");
}

TEST(ScramAuth, RunsTheWholeSaslExchange) {
    PGRING_SKIP_UNLESS_AUTH_ROLES(transport::tcp);
    const connection_params p = pg_cluster::get().role(auth_role::scram, transport::tcp);
    socket_driver d(to_session_options(p));
    d.set_recording(true);
    ASSERT_FALSE(d.open(p)) << d.session().last_error().primary();
    // The Authentication* requests the server sent, in order: SASL, SASLContinue, SASLFinal, Ok.
    std::vector<int> requests;
    const std::vector<std::byte>& b = d.recorded();
    std::size_t i = 0;
    auto be32 = [&b](std::size_t at) {
        return static_cast<int>(
            (std::to_integer<unsigned>(b[at]) << 24) | (std::to_integer<unsigned>(b[at + 1]) << 16) |
            (std::to_integer<unsigned>(b[at + 2]) << 8) | std::to_integer<unsigned>(b[at + 3]));
    };
    while (i + 5 <= b.size()) {
        const char tag = static_cast<char>(b[i]);
        const int length = be32(i + 1);
        ASSERT_GE(length, 4);
        if (tag == 'R') {
            requests.push_back(be32(i + 5));
        }
        i += 1 + static_cast<std::size_t>(length);
    }
    EXPECT_EQ(requests, (std::vector<int>{10, 11, 12, 0}));
}

TEST(ScramAuth, Md5RoleIsRefusedWhenMd5IsDisallowed) {
    PGRING_SKIP_UNLESS_AUTH_ROLES(transport::tcp);
    const connection_params p = pg_cluster::get().role(auth_role::md5, transport::tcp);
    wire::session_options o = to_session_options(p);
    o.allow_md5_password = false;
    socket_driver d(std::move(o));
    ASSERT_FALSE(d.connect(p.host, p.port));
    EXPECT_EQ(d.startup(), errc::unsupported_authentication);
    EXPECT_EQ(d.session().state(), wire::session_state::failed);
}

TEST(ScramAuth, CleartextRoleIsRefusedWhenCleartextIsDisallowed) {
    PGRING_SKIP_UNLESS_AUTH_ROLES(transport::tcp);
    const connection_params p = pg_cluster::get().role(auth_role::password, transport::tcp);
    wire::session_options o = to_session_options(p);
    o.allow_cleartext_password = false;
    socket_driver d(std::move(o));
    ASSERT_FALSE(d.connect(p.host, p.port));
    EXPECT_EQ(d.startup(), errc::unsupported_authentication);
    EXPECT_EQ(d.session().state(), wire::session_state::failed);
}

TEST(Startup, UnknownDatabaseFailsWithInvalidCatalogName) {
    connection_params p = pg_cluster::get().superuser();
    p.database = unique_name("no_such_db");
    socket_driver d(to_session_options(p));
    ASSERT_FALSE(d.connect(p.host, p.port));
    const std::error_code ec = d.startup();
    EXPECT_EQ(ec, sqlstate::invalid_catalog_name) << ec.message();
    EXPECT_EQ(d.session().state(), wire::session_state::failed);
}

TEST(Startup, ApplicationNameAndOptionsReachTheServer) {
    const connection_params p = pg_cluster::get().superuser();
    wire::session_options o = to_session_options(p);
    o.application_name = "pgring-auth-test";
    o.options = "-c search_path=pgring_nowhere";
    socket_driver d(std::move(o));
    ASSERT_FALSE(d.open(p)) << d.session().last_error().primary();
    EXPECT_EQ(d.session().parameter("application_name").value_or(""), "pgring-auth-test");
    const query_result r = d.simple_query("SHOW search_path");
    ASSERT_TRUE(r.ok()) << r.error.primary();
    EXPECT_EQ(r.rows().at(0).at(0).value_or(""), "pgring_nowhere");
}

}  // namespace
}  // namespace pgring::test
