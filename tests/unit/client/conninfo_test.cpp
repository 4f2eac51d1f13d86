#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <pgring/connect_options.hpp>
#include <pgring/error.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using pgring::connect_options;
using pgring::conninfo_values;
using pgring::errc;

namespace {

using settings = std::map<std::string, std::string>;

settings as_map(const conninfo_values& values) {
    settings m;
    for (const auto& [k, v] : values.entries()) {
        m.emplace(k, v);
    }
    return m;
}

settings parse_ok(std::string_view text) {
    conninfo_values values;
    std::string message;
    const std::error_code ec = pgring::parse_conninfo(text, values, message);
    EXPECT_FALSE(ec) << text << ": " << message;
    return as_map(values);
}

std::string parse_error(std::string_view text) {
    conninfo_values values;
    std::string message;
    const std::error_code ec = pgring::parse_conninfo(text, values, message);
    EXPECT_EQ(ec, errc::invalid_conninfo) << text;
    return message;
}

connect_options build_ok(std::string_view text, std::string_view os_user = {}) {
    conninfo_values values;
    std::string message;
    connect_options out;
    std::error_code ec = pgring::parse_conninfo(text, values, message);
    EXPECT_FALSE(ec) << text << ": " << message;
    ec = pgring::build_connect_options(values, os_user, out, message);
    EXPECT_FALSE(ec) << text << ": " << message;
    return out;
}

std::string build_error(std::string_view text) {
    connect_options out;
    std::string message;
    const std::error_code ec = pgring::parse_conninfo(text, out, message);
    EXPECT_EQ(ec, errc::invalid_conninfo) << text;
    return message;
}

pgring::environment env_from(settings vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        const auto it = vars.find(std::string(name));
        if (it == vars.end()) {
            return std::nullopt;
        }
        return it->second;
    };
}

}  // namespace

// ---- keyword/value strings ------------------------------------------------------------------

TEST(ConninfoKeywordValue, ParsesTheDocumentationExample) {
    EXPECT_EQ(
        parse_ok("host=localhost port=5432 dbname=mydb connect_timeout=10"),
        (settings{{"host", "localhost"}, {"port", "5432"}, {"dbname", "mydb"}, {"connect_timeout", "10"}}));
}

TEST(ConninfoKeywordValue, AllowsSpacesAroundEquals) {
    EXPECT_EQ(parse_ok("host = localhost  port= 5432\tdbname =mydb"),
              (settings{{"host", "localhost"}, {"port", "5432"}, {"dbname", "mydb"}}));
}

TEST(ConninfoKeywordValue, AcceptsEveryKindOfWhitespace) {
    EXPECT_EQ(parse_ok("\n\thost=a\r\fport=1\v"), (settings{{"host", "a"}, {"port", "1"}}));
}

TEST(ConninfoKeywordValue, QuotedValueKeepsSpaces) {
    EXPECT_EQ(parse_ok("application_name = 'a value'"), (settings{{"application_name", "a value"}}));
    EXPECT_EQ(parse_ok("options='-c geqo=off' host=h"),
              (settings{{"options", "-c geqo=off"}, {"host", "h"}}));
}

TEST(ConninfoKeywordValue, EmptyValues) {
    EXPECT_EQ(parse_ok("dbname='' user='' host=h"), (settings{{"dbname", ""}, {"user", ""}, {"host", "h"}}));
    EXPECT_EQ(parse_ok("user="), (settings{{"user", ""}}));
    EXPECT_EQ(parse_ok("user= host=h"), (settings{{"user", "host=h"}})) << "blanks after '=' are skipped";
}

TEST(ConninfoKeywordValue, BackslashEscapesInQuotedValue) {
    EXPECT_EQ(parse_ok(R"(password='it\'s \\ ok')"), (settings{{"password", R"(it's \ ok)"}}));
}

TEST(ConninfoKeywordValue, BackslashEscapesInUnquotedValue) {
    EXPECT_EQ(parse_ok(R"(password=a\ b\\c\'d host=h)"),
              (settings{{"password", R"(a b\c'd)"}, {"host", "h"}}));
    EXPECT_EQ(parse_ok(R"(password=abc\)"), (settings{{"password", "abc"}}));
}

TEST(ConninfoKeywordValue, QuotedValueNeedsNoSpaceAfterIt) {
    EXPECT_EQ(parse_ok("host='x'port=5"), (settings{{"host", "x"}, {"port", "5"}}));
}

TEST(ConninfoKeywordValue, QuoteInsideUnquotedValueIsLiteral) {
    EXPECT_EQ(parse_ok("password=ab'cd"), (settings{{"password", "ab'cd"}}));
}

TEST(ConninfoKeywordValue, LaterSettingWins) {
    EXPECT_EQ(parse_ok("host=a port=1 host=b"), (settings{{"host", "b"}, {"port", "1"}}));
}

TEST(ConninfoKeywordValue, EmptyStringSetsNothing) {
    EXPECT_TRUE(parse_ok("").empty());
    EXPECT_TRUE(parse_ok(" \t\n ").empty());
}

TEST(ConninfoKeywordValue, RequiresslBecomesSslmode) {
    EXPECT_EQ(parse_ok("requiressl=1"), (settings{{"sslmode", "require"}}));
    EXPECT_EQ(parse_ok("requiressl=0"), (settings{{"sslmode", "prefer"}}));
    EXPECT_EQ(parse_ok("sslmode=disable requiressl=1"), (settings{{"sslmode", "require"}}));
}

TEST(ConninfoKeywordValue, AcceptsEveryLibpqKeyword) {
    const std::vector<std::string> keywords = {"service",
                                               "user",
                                               "password",
                                               "passfile",
                                               "channel_binding",
                                               "connect_timeout",
                                               "dbname",
                                               "host",
                                               "hostaddr",
                                               "port",
                                               "client_encoding",
                                               "options",
                                               "application_name",
                                               "fallback_application_name",
                                               "keepalives",
                                               "keepalives_idle",
                                               "keepalives_interval",
                                               "keepalives_count",
                                               "tcp_user_timeout",
                                               "sslmode",
                                               "sslnegotiation",
                                               "sslcompression",
                                               "sslcert",
                                               "sslkey",
                                               "sslcertmode",
                                               "sslpassword",
                                               "sslrootcert",
                                               "sslcrl",
                                               "sslcrldir",
                                               "sslsni",
                                               "requirepeer",
                                               "require_auth",
                                               "ssl_min_protocol_version",
                                               "ssl_max_protocol_version",
                                               "gssencmode",
                                               "krbsrvname",
                                               "gsslib",
                                               "gssdelegation",
                                               "replication",
                                               "target_session_attrs",
                                               "load_balance_hosts"};
    for (const std::string& k : keywords) {
        EXPECT_TRUE(pgring::is_conninfo_keyword(k)) << k;
        EXPECT_EQ(parse_ok(k + "=v"), (settings{{k, "v"}}));
    }
    EXPECT_FALSE(pgring::is_conninfo_keyword("requiressl"));
    EXPECT_FALSE(pgring::is_conninfo_keyword("servicefile"));
}

TEST(ConninfoKeywordValue, RejectsUnknownKeyword) {
    EXPECT_EQ(parse_error("host=a foo=bar"), R"(invalid connection option "foo")");
    EXPECT_EQ(parse_error("HOST=a"), R"(invalid connection option "HOST")");
    EXPECT_EQ(parse_error("=x"), R"(invalid connection option "")");
    EXPECT_EQ(parse_error("'host'=x"), R"(invalid connection option "'host'")");
}

TEST(ConninfoKeywordValue, RejectsMissingEquals) {
    EXPECT_EQ(parse_error("host"), R"(missing "=" after "host" in connection info string)");
    EXPECT_EQ(parse_error("host localhost"), R"(missing "=" after "host" in connection info string)");
    EXPECT_EQ(parse_error("mydb"), R"(missing "=" after "mydb" in connection info string)");
    EXPECT_EQ(parse_error("POSTGRESQL://h"),
              R"(missing "=" after "POSTGRESQL://h" in connection info string)");
}

TEST(ConninfoKeywordValue, RejectsUnterminatedQuote) {
    EXPECT_EQ(parse_error("password='abc"), "unterminated quoted string in connection info string");
    EXPECT_EQ(parse_error(R"(password='abc\')"), "unterminated quoted string in connection info string");
    EXPECT_EQ(parse_error("password='"), "unterminated quoted string in connection info string");
}

TEST(ConninfoKeywordValue, RejectsNulByte) {
    EXPECT_FALSE(parse_error(std::string_view("host=a\0b", 8)).empty());
}

// ---- URIs -----------------------------------------------------------------------------------

TEST(ConninfoUri, ParsesTheDocumentationExamples) {
    const std::vector<std::pair<std::string, settings>> cases = {
        {"postgresql://", {}},
        {"postgresql://localhost", {{"host", "localhost"}}},
        {"postgresql://localhost:5433", {{"host", "localhost"}, {"port", "5433"}}},
        {"postgresql://localhost/mydb", {{"host", "localhost"}, {"dbname", "mydb"}}},
        {"postgresql://user@localhost", {{"user", "user"}, {"host", "localhost"}}},
        {"postgresql://user:secret@localhost",
         {{"user", "user"}, {"password", "secret"}, {"host", "localhost"}}},
        {"postgresql://other@localhost/otherdb?connect_timeout=10&application_name=myapp",
         {{"user", "other"},
          {"host", "localhost"},
          {"dbname", "otherdb"},
          {"connect_timeout", "10"},
          {"application_name", "myapp"}}},
        {"postgresql://host1:123,host2:456/somedb?target_session_attrs=any&application_name=myapp",
         {{"host", "host1,host2"},
          {"port", "123,456"},
          {"dbname", "somedb"},
          {"target_session_attrs", "any"},
          {"application_name", "myapp"}}},
        {"postgresql:///mydb?host=localhost&port=5433",
         {{"dbname", "mydb"}, {"host", "localhost"}, {"port", "5433"}}},
        {"postgresql://user@localhost:5433/mydb?options=-c%20synchronous_commit%3Doff",
         {{"user", "user"},
          {"host", "localhost"},
          {"port", "5433"},
          {"dbname", "mydb"},
          {"options", "-c synchronous_commit=off"}}},
        {"postgresql://[2001:db8::1234]/database", {{"host", "2001:db8::1234"}, {"dbname", "database"}}},
        {"postgresql:///dbname?host=/var/lib/postgresql",
         {{"dbname", "dbname"}, {"host", "/var/lib/postgresql"}}},
        {"postgresql://%2Fvar%2Flib%2Fpostgresql/dbname",
         {{"host", "/var/lib/postgresql"}, {"dbname", "dbname"}}},
    };
    for (const auto& [uri, expected] : cases) {
        EXPECT_EQ(parse_ok(uri), expected) << uri;
    }
}

TEST(ConninfoUri, AcceptsTheShortPrefix) {
    EXPECT_EQ(parse_ok("postgres://u@h/db"), (settings{{"user", "u"}, {"host", "h"}, {"dbname", "db"}}));
}

TEST(ConninfoUri, HostListWithIpv6AndPortGaps) {
    EXPECT_EQ(parse_ok("postgresql://[::1]:5433,[fe80::1%25eth0]:5434,h3/db"),
              (settings{{"host", "::1,fe80::1%eth0,h3"}, {"port", "5433,5434,"}, {"dbname", "db"}}));
    EXPECT_EQ(parse_ok("postgresql://h1,h2:5/db"),
              (settings{{"host", "h1,h2"}, {"port", ",5"}, {"dbname", "db"}}));
    EXPECT_EQ(parse_ok("postgresql://,/db"), (settings{{"host", ","}, {"port", ","}, {"dbname", "db"}}));
}

TEST(ConninfoUri, EmptyPartsAreNotStored) {
    EXPECT_EQ(parse_ok("postgresql://h/"), (settings{{"host", "h"}}));
    EXPECT_EQ(parse_ok("postgresql://h/?sslmode=disable"), (settings{{"host", "h"}, {"sslmode", "disable"}}));
    EXPECT_EQ(parse_ok("postgresql://:@h"), (settings{{"host", "h"}}));
    EXPECT_EQ(parse_ok("postgresql://@h:"), (settings{{"host", "h"}}));
    EXPECT_EQ(parse_ok("postgresql://h?"), (settings{{"host", "h"}}));
    EXPECT_EQ(parse_ok("postgresql://h?sslmode=disable&"), (settings{{"host", "h"}, {"sslmode", "disable"}}));
}

TEST(ConninfoUri, PercentDecodesEveryPart) {
    EXPECT_EQ(parse_ok("postgresql://us%65r:p%40ss%3Aw@h%6Fst:54%33%32/d%62?application%5Fname=a%2fb"),
              (settings{{"user", "user"},
                        {"password", "p@ss:w"},
                        {"host", "host"},
                        {"port", "5432"},
                        {"dbname", "db"},
                        {"application_name", "a/b"}}));
    EXPECT_EQ(parse_ok("postgresql://h?application_name=a+b"),
              (settings{{"host", "h"}, {"application_name", "a+b"}}));
}

TEST(ConninfoUri, AtAfterSlashIsNotUserInfo) {
    EXPECT_EQ(parse_ok("postgresql://h/db@x"), (settings{{"host", "h"}, {"dbname", "db@x"}}));
}

TEST(ConninfoUri, QueryOverridesTheHierarchicalPart) {
    EXPECT_EQ(parse_ok("postgresql://h1/db1?host=h2&dbname=db2"),
              (settings{{"host", "h2"}, {"dbname", "db2"}}));
}

TEST(ConninfoUri, JdbcSslTrueMeansRequire) {
    EXPECT_EQ(parse_ok("postgresql://h?ssl=true"), (settings{{"host", "h"}, {"sslmode", "require"}}));
    EXPECT_EQ(parse_error("postgresql://h?ssl=false"), R"(invalid URI query parameter: "ssl")");
    EXPECT_EQ(parse_ok("postgresql://h?requiressl=1"), (settings{{"host", "h"}, {"sslmode", "require"}}));
}

TEST(ConninfoUri, RejectsMalformedUris) {
    EXPECT_EQ(
        parse_error("postgresql://[::1"),
        R"(end of string reached when looking for matching "]" in IPv6 host address in URI: "postgresql://[::1")");
    EXPECT_EQ(parse_error("postgresql://[]/db"),
              R"(IPv6 host address may not be empty in URI: "postgresql://[]/db")");
    EXPECT_EQ(
        parse_error("postgresql://[::1]x/db"),
        R"(unexpected character "x" at position 19 in URI (expected ":" or "/"): "postgresql://[::1]x/db")");
    EXPECT_EQ(parse_error("postgresql://h?foo"),
              R"(missing key/value separator "=" in URI query parameter: "foo")");
    EXPECT_EQ(parse_error("postgresql://h?&a=b"),
              R"(missing key/value separator "=" in URI query parameter: "")");
    EXPECT_EQ(parse_error("postgresql://h?a=b=c"),
              R"(extra key/value separator "=" in URI query parameter: "a")");
    EXPECT_EQ(parse_error("postgresql://h?foo=bar"), R"(invalid URI query parameter: "foo")");
    EXPECT_EQ(parse_error("postgresql://h/db%zz"), R"(invalid percent-encoded token: "db%zz")");
    EXPECT_EQ(parse_error("postgresql://h/db%4"), R"(invalid percent-encoded token: "db%4")");
    EXPECT_EQ(parse_error("postgresql://h?application_name=%"), R"(invalid percent-encoded token: "%")");
    EXPECT_EQ(parse_error("postgresql://h/db%00"),
              R"(forbidden value %00 in percent-encoded value: "db%00")");
}

// ---- hosts and ports ------------------------------------------------------------------------

TEST(ConnectOptionsHosts, DefaultIsTheUnixSocketDirectory) {
    const connect_options o = build_ok("");
    ASSERT_EQ(o.hosts.size(), 1U);
    EXPECT_EQ(o.hosts[0].host, "/var/run/postgresql");
    EXPECT_EQ(o.hosts[0].hostaddr, "");
    EXPECT_EQ(o.hosts[0].port, 5432);
    EXPECT_TRUE(o.hosts[0].is_unix_socket());
}

TEST(ConnectOptionsHosts, OnePortPerHost) {
    const connect_options o = build_ok("host=a,b,c port=1,2,3");
    ASSERT_EQ(o.hosts.size(), 3U);
    EXPECT_EQ(o.hosts[0].host, "a");
    EXPECT_EQ(o.hosts[1].host, "b");
    EXPECT_EQ(o.hosts[2].host, "c");
    EXPECT_EQ(o.hosts[0].port, 1);
    EXPECT_EQ(o.hosts[1].port, 2);
    EXPECT_EQ(o.hosts[2].port, 3);
    EXPECT_FALSE(o.hosts[0].is_unix_socket());
}

TEST(ConnectOptionsHosts, OnePortForAllHosts) {
    const connect_options o = build_ok("postgresql://a,b/db?port=6000");
    ASSERT_EQ(o.hosts.size(), 2U);
    EXPECT_EQ(o.hosts[0].port, 6000);
    EXPECT_EQ(o.hosts[1].port, 6000);
}

TEST(ConnectOptionsHosts, EmptyEntriesTakeTheDefaults) {
    const connect_options o = build_ok("host=a,,/tmp port=,5433,");
    ASSERT_EQ(o.hosts.size(), 3U);
    EXPECT_EQ(o.hosts[0].host, "a");
    EXPECT_EQ(o.hosts[0].port, 5432);
    EXPECT_EQ(o.hosts[1].host, "/var/run/postgresql");
    EXPECT_EQ(o.hosts[1].port, 5433);
    EXPECT_EQ(o.hosts[2].host, "/tmp");
    EXPECT_EQ(o.hosts[2].port, 5432);
}

TEST(ConnectOptionsHosts, UriHostsWithPorts) {
    const connect_options o = build_ok("postgresql://[::1]:5433,h2:5434,%2Ftmp/db");
    ASSERT_EQ(o.hosts.size(), 3U);
    EXPECT_EQ(o.hosts[0].host, "::1");
    EXPECT_FALSE(o.hosts[0].is_unix_socket());
    EXPECT_EQ(o.hosts[0].port, 5433);
    EXPECT_EQ(o.hosts[1].port, 5434);
    EXPECT_EQ(o.hosts[2].host, "/tmp");
    EXPECT_EQ(o.hosts[2].port, 5432);
    EXPECT_TRUE(o.hosts[2].is_unix_socket());
}

TEST(ConnectOptionsHosts, RejectsMismatchedPortCount) {
    EXPECT_EQ(build_error("host=a,b,c port=1,2"), "could not match 2 port numbers to 3 hosts");
    EXPECT_EQ(build_error("host=a port=1,2"), "could not match 2 port numbers to 1 hosts");
    EXPECT_EQ(build_ok("postgresql://a:1,b:2,c/db").hosts[2].port, 5432) << "ports \"1,2,\" are three";
}

TEST(ConnectOptionsHosts, HostaddrFixesTheNumberOfHosts) {
    connect_options o = build_ok("hostaddr=127.0.0.1,::1 host=a,b");
    ASSERT_EQ(o.hosts.size(), 2U);
    EXPECT_EQ(o.hosts[0].hostaddr, "127.0.0.1");
    EXPECT_EQ(o.hosts[1].host, "b");
    o = build_ok("hostaddr=127.0.0.1,::1");
    ASSERT_EQ(o.hosts.size(), 2U);
    EXPECT_EQ(o.hosts[0].host, "");
    EXPECT_FALSE(o.hosts[0].is_unix_socket());
    EXPECT_EQ(build_error("hostaddr=127.0.0.1,::1 host=a"),
              "could not match 1 host names to 2 hostaddr values");
    EXPECT_EQ(build_error("hostaddr=127.0.0.1 host=a,b"),
              "could not match 2 host names to 1 hostaddr values");
    o = build_ok("hostaddr=127.0.0.1 host=/tmp");
    EXPECT_FALSE(o.hosts[0].is_unix_socket()) << "hostaddr wins over a socket directory";
}

TEST(ConnectOptionsHosts, HostaddrMustBeNumeric) {
    for (const char* ok : {"127.0.0.1", "127.1", "::1", "::ffff:1.2.3.4", "fe80::1%eth0", "2001:db8::1234"}) {
        EXPECT_EQ(build_ok(std::string("hostaddr=") + ok).hosts[0].hostaddr, ok);
    }
    EXPECT_EQ(build_error("hostaddr=example.com"), R"(could not parse network address "example.com")");
    EXPECT_EQ(build_error("hostaddr='1.2.3.4 '"), R"(could not parse network address "1.2.3.4 ")");
    EXPECT_EQ(build_error("hostaddr=::1%"), R"(could not parse network address "::1%")");
    const connect_options o = build_ok("hostaddr=127.0.0.1,");
    ASSERT_EQ(o.hosts.size(), 2U);
    EXPECT_EQ(o.hosts[1].host, "/var/run/postgresql") << "an empty entry in both lists is the default host";
}

TEST(ConnectOptionsHosts, UnixSocketDetection) {
    EXPECT_TRUE(build_ok("host=/tmp").hosts[0].is_unix_socket());
    EXPECT_TRUE(build_ok("host=@abstract").hosts[0].is_unix_socket());
    EXPECT_FALSE(build_ok("host=localhost").hosts[0].is_unix_socket());
    EXPECT_FALSE(build_ok("host=10.0.0.1").hosts[0].is_unix_socket());
}

TEST(ConnectOptionsHosts, ValidatesPortNumbers) {
    EXPECT_EQ(build_ok("port=' 5433 '").hosts[0].port, 5433);
    EXPECT_EQ(build_ok("port=+5433").hosts[0].port, 5433);
    EXPECT_EQ(build_ok("port=65535").hosts[0].port, 65535);
    EXPECT_EQ(build_ok("port=1").hosts[0].port, 1);
    EXPECT_EQ(build_error("port=99999"), R"(invalid port number: "99999")");
    EXPECT_EQ(build_error("port=65536"), R"(invalid port number: "65536")");
    EXPECT_EQ(build_error("port=0"), R"(invalid port number: "0")");
    EXPECT_EQ(build_error("port=-1"), R"(invalid port number: "-1")");
    EXPECT_EQ(build_error("port=abc"), R"(invalid integer value "abc" for connection option "port")");
    EXPECT_EQ(build_error("port=5432x"), R"(invalid integer value "5432x" for connection option "port")");
    EXPECT_EQ(build_error("port=99999999999"),
              R"(invalid integer value "99999999999" for connection option "port")");
    EXPECT_EQ(build_error("host=a,b port=5432,x"),
              R"(invalid integer value "x" for connection option "port")");
}

// ---- other values ---------------------------------------------------------------------------

TEST(ConnectOptionsValues, UserAndDbnameDefaults) {
    connect_options o = build_ok("", "alice");
    EXPECT_EQ(o.user, "alice");
    EXPECT_EQ(o.dbname, "alice");
    o = build_ok("user=bob", "alice");
    EXPECT_EQ(o.user, "bob");
    EXPECT_EQ(o.dbname, "bob");
    o = build_ok("dbname=x", "alice");
    EXPECT_EQ(o.user, "alice");
    EXPECT_EQ(o.dbname, "x");
    o = build_ok("user='' dbname=''", "alice");
    EXPECT_EQ(o.user, "alice");
    EXPECT_EQ(o.dbname, "alice");
    o = build_ok("");
    EXPECT_EQ(o.user, "");
    EXPECT_EQ(o.dbname, "");
}

TEST(ConnectOptionsValues, LibpqDefaults) {
    const connect_options o = build_ok("");
    EXPECT_EQ(o.sslmode, pgring::ssl_mode::prefer);
    EXPECT_EQ(o.sslnegotiation, pgring::ssl_negotiation::postgres);
    EXPECT_EQ(o.sslcertmode, pgring::ssl_cert_mode::allow);
    EXPECT_EQ(o.channel_binding, pgring::channel_binding_mode::prefer);
    EXPECT_EQ(o.gssencmode, pgring::gss_enc_mode::prefer);
    EXPECT_EQ(o.target_session_attrs, pgring::target_server_type::any);
    EXPECT_EQ(o.load_balance_hosts, pgring::load_balance_mode::disable);
    EXPECT_EQ(o.ssl_min_protocol_version, pgring::tls_version::tls1_2);
    EXPECT_EQ(o.ssl_max_protocol_version, pgring::tls_version::any);
    EXPECT_EQ(o.connect_timeout, 0ms);
    EXPECT_TRUE(o.keepalives);
    EXPECT_FALSE(o.keepalives_idle);
    EXPECT_FALSE(o.keepalives_interval);
    EXPECT_FALSE(o.keepalives_count);
    EXPECT_FALSE(o.tcp_user_timeout);
    EXPECT_TRUE(o.sslsni);
    EXPECT_FALSE(o.sslcompression);
    EXPECT_FALSE(o.gssdelegation);
    EXPECT_EQ(o.krbsrvname, "postgres");
    EXPECT_TRUE(o.require_auth.methods.empty());
    EXPECT_TRUE(o.server_parameters.empty());
}

TEST(ConnectOptionsValues, CopiesStrings) {
    const connect_options o = build_ok(
        "password=pw passfile=/pf service=svc application_name=app fallback_application_name=fb "
        "options='-c geqo=off' replication=database sslcert=/c sslkey=/k sslpassword=kp sslrootcert=/r "
        "sslcrl=/crl sslcrldir=/crld requirepeer=postgres krbsrvname=kerb gsslib=gssapi");
    EXPECT_EQ(o.password, "pw");
    EXPECT_EQ(o.passfile, "/pf");
    EXPECT_EQ(o.service, "svc");
    EXPECT_EQ(o.application_name, "app");
    EXPECT_EQ(o.fallback_application_name, "fb");
    EXPECT_EQ(o.options, "-c geqo=off");
    EXPECT_EQ(o.replication, "database");
    EXPECT_EQ(o.sslcert, "/c");
    EXPECT_EQ(o.sslkey, "/k");
    EXPECT_EQ(o.sslpassword, "kp");
    EXPECT_EQ(o.sslrootcert, "/r");
    EXPECT_EQ(o.sslcrl, "/crl");
    EXPECT_EQ(o.sslcrldir, "/crld");
    EXPECT_EQ(o.requirepeer, "postgres");
    EXPECT_EQ(o.krbsrvname, "kerb");
    EXPECT_EQ(o.gsslib, "gssapi");
}

TEST(ConnectOptionsValues, SslMode) {
    using pgring::ssl_mode;
    const std::vector<std::pair<std::string, ssl_mode>> ok = {
        {"disable", ssl_mode::disable},     {"allow", ssl_mode::allow},
        {"prefer", ssl_mode::prefer},       {"require", ssl_mode::require},
        {"verify-ca", ssl_mode::verify_ca}, {"verify-full", ssl_mode::verify_full}};
    for (const auto& [text, value] : ok) {
        EXPECT_EQ(build_ok("sslmode=" + text).sslmode, value) << text;
        EXPECT_EQ(pgring::to_string(value), text);
    }
    EXPECT_EQ(build_error("sslmode=bogus"), R"(invalid sslmode value: "bogus")");
    EXPECT_EQ(build_error("sslmode=''"), R"(invalid sslmode value: "")");
    EXPECT_EQ(build_error("sslmode=VERIFY-FULL"), R"(invalid sslmode value: "VERIFY-FULL")");
    EXPECT_EQ(build_error("sslmode=verify_full"), R"(invalid sslmode value: "verify_full")");
}

TEST(ConnectOptionsValues, ChannelBinding) {
    using pgring::channel_binding_mode;
    EXPECT_EQ(build_ok("channel_binding=disable").channel_binding, channel_binding_mode::disable);
    EXPECT_EQ(build_ok("channel_binding=prefer").channel_binding, channel_binding_mode::prefer);
    EXPECT_EQ(build_ok("channel_binding=require").channel_binding, channel_binding_mode::require);
    EXPECT_EQ(build_error("channel_binding=always"), R"(invalid channel_binding value: "always")");
    EXPECT_EQ(pgring::to_string(channel_binding_mode::require), "require");
}

TEST(ConnectOptionsValues, TargetSessionAttrs) {
    using pgring::target_server_type;
    const std::vector<std::pair<std::string, target_server_type>> ok = {
        {"any", target_server_type::any},
        {"read-write", target_server_type::read_write},
        {"read-only", target_server_type::read_only},
        {"primary", target_server_type::primary},
        {"standby", target_server_type::standby},
        {"prefer-standby", target_server_type::prefer_standby}};
    for (const auto& [text, value] : ok) {
        EXPECT_EQ(build_ok("target_session_attrs=" + text).target_session_attrs, value) << text;
        EXPECT_EQ(pgring::to_string(value), text);
    }
    EXPECT_EQ(build_error("target_session_attrs=read_write"),
              R"(invalid target_session_attrs value: "read_write")");
    EXPECT_EQ(build_error("target_session_attrs=master"), R"(invalid target_session_attrs value: "master")");
}

TEST(ConnectOptionsValues, LoadBalanceHosts) {
    EXPECT_EQ(build_ok("load_balance_hosts=disable").load_balance_hosts, pgring::load_balance_mode::disable);
    EXPECT_EQ(build_ok("load_balance_hosts=random").load_balance_hosts, pgring::load_balance_mode::random);
    EXPECT_EQ(build_error("load_balance_hosts=shuffle"), R"(invalid load_balance_hosts value: "shuffle")");
}

TEST(ConnectOptionsValues, SslCertMode) {
    EXPECT_EQ(build_ok("sslcertmode=disable").sslcertmode, pgring::ssl_cert_mode::disable);
    EXPECT_EQ(build_ok("sslcertmode=allow").sslcertmode, pgring::ssl_cert_mode::allow);
    EXPECT_EQ(build_ok("sslcertmode=require").sslcertmode, pgring::ssl_cert_mode::require);
    EXPECT_EQ(build_error("sslcertmode=prefer"), R"(invalid sslcertmode value: "prefer")");
}

TEST(ConnectOptionsValues, SslNegotiation) {
    EXPECT_EQ(build_ok("sslnegotiation=postgres").sslnegotiation, pgring::ssl_negotiation::postgres);
    EXPECT_EQ(build_ok("sslnegotiation=direct sslmode=require").sslnegotiation,
              pgring::ssl_negotiation::direct);
    EXPECT_EQ(build_ok("sslnegotiation=direct sslmode=verify-ca").sslnegotiation,
              pgring::ssl_negotiation::direct);
    EXPECT_EQ(
        build_error("sslnegotiation=direct"),
        R"(weak sslmode "prefer" may not be used with sslnegotiation=direct (use "require", "verify-ca", or "verify-full"))");
    EXPECT_EQ(
        build_error("sslnegotiation=direct sslmode=disable"),
        R"(weak sslmode "disable" may not be used with sslnegotiation=direct (use "require", "verify-ca", or "verify-full"))");
    EXPECT_EQ(build_error("sslnegotiation=tls"), R"(invalid sslnegotiation value: "tls")");
}

TEST(ConnectOptionsValues, GssEncMode) {
    EXPECT_EQ(build_ok("gssencmode=disable").gssencmode, pgring::gss_enc_mode::disable);
    EXPECT_EQ(build_ok("gssencmode=prefer").gssencmode, pgring::gss_enc_mode::prefer);
    EXPECT_EQ(build_error("gssencmode=require"),
              R"(gssencmode value "require" is not supported (pgring has no GSSAPI encryption))");
    EXPECT_EQ(build_error("gssencmode=bogus"), R"(invalid gssencmode value: "bogus")");
}

TEST(ConnectOptionsValues, SslRootCertSystem) {
    EXPECT_EQ(build_ok("sslrootcert=system").sslmode, pgring::ssl_mode::verify_full);
    EXPECT_EQ(build_ok("sslrootcert=system sslmode=verify-full").sslmode, pgring::ssl_mode::verify_full);
    EXPECT_EQ(build_error("sslrootcert=system sslmode=require"),
              R"(weak sslmode "require" may not be used with sslrootcert=system (use "verify-full"))");
    EXPECT_EQ(build_error("sslrootcert=system sslmode=prefer"),
              R"(weak sslmode "prefer" may not be used with sslrootcert=system (use "verify-full"))");
}

TEST(ConnectOptionsValues, TlsProtocolVersions) {
    using pgring::tls_version;
    EXPECT_EQ(build_ok("ssl_min_protocol_version=TLSv1").ssl_min_protocol_version, tls_version::tls1_0);
    EXPECT_EQ(build_ok("ssl_min_protocol_version=TLSv1.1").ssl_min_protocol_version, tls_version::tls1_1);
    EXPECT_EQ(build_ok("ssl_min_protocol_version=tlsv1.3").ssl_min_protocol_version, tls_version::tls1_3);
    EXPECT_EQ(build_ok("ssl_min_protocol_version=''").ssl_min_protocol_version, tls_version::any);
    EXPECT_EQ(build_ok("ssl_max_protocol_version=TLSV1.3").ssl_max_protocol_version, tls_version::tls1_3);
    EXPECT_EQ(
        build_ok("ssl_min_protocol_version=TLSv1 ssl_max_protocol_version=TLSv1").ssl_max_protocol_version,
        tls_version::tls1_0);
    EXPECT_EQ(build_ok("ssl_min_protocol_version='' ssl_max_protocol_version=TLSv1").ssl_max_protocol_version,
              tls_version::tls1_0);
    EXPECT_EQ(build_error("ssl_min_protocol_version=TLSv1.4"),
              R"(invalid ssl_min_protocol_version value: "TLSv1.4")");
    EXPECT_EQ(build_error("ssl_max_protocol_version=SSLv3"),
              R"(invalid ssl_max_protocol_version value: "SSLv3")");
    EXPECT_EQ(build_error("ssl_min_protocol_version=TLSv1.3 ssl_max_protocol_version=TLSv1.2"),
              "invalid SSL protocol version range");
    EXPECT_EQ(build_error("ssl_max_protocol_version=TLSv1.1"), "invalid SSL protocol version range")
        << "the default minimum is TLSv1.2";
    EXPECT_EQ(pgring::to_string(tls_version::tls1_2), "TLSv1.2");
    EXPECT_EQ(pgring::to_string(tls_version::any), "");
}

TEST(ConnectOptionsValues, RequireAuthAllowList) {
    using pgring::auth_method;
    const connect_options o = build_ok("require_auth=md5,scram-sha-256");
    EXPECT_FALSE(o.require_auth.negated);
    EXPECT_EQ(o.require_auth.methods,
              (std::vector<auth_method>{auth_method::md5, auth_method::scram_sha_256}));
    EXPECT_TRUE(o.require_auth.allows(auth_method::md5));
    EXPECT_TRUE(o.require_auth.allows(auth_method::scram_sha_256));
    EXPECT_FALSE(o.require_auth.allows(auth_method::password));
    EXPECT_FALSE(o.require_auth.allows(auth_method::none));
    const connect_options none = build_ok("require_auth=none");
    EXPECT_TRUE(none.require_auth.allows(auth_method::none));
    EXPECT_FALSE(none.require_auth.allows(auth_method::md5));
    const connect_options all = build_ok("require_auth=password,md5,gss,sspi,scram-sha-256,none");
    EXPECT_EQ(all.require_auth.methods.size(), 6U);
    EXPECT_TRUE(build_ok("require_auth=''").require_auth.allows(auth_method::password));
}

TEST(ConnectOptionsValues, RequireAuthDenyList) {
    using pgring::auth_method;
    const connect_options o = build_ok("require_auth=!password,!md5");
    EXPECT_TRUE(o.require_auth.negated);
    EXPECT_FALSE(o.require_auth.allows(auth_method::password));
    EXPECT_FALSE(o.require_auth.allows(auth_method::md5));
    EXPECT_TRUE(o.require_auth.allows(auth_method::scram_sha_256));
    EXPECT_TRUE(o.require_auth.allows(auth_method::none));
    const connect_options not_none = build_ok("require_auth=!none");
    EXPECT_FALSE(not_none.require_auth.allows(auth_method::none));
    EXPECT_TRUE(not_none.require_auth.allows(auth_method::md5));
    EXPECT_TRUE(build_ok("require_auth=!gss,!sspi").require_auth.negated);
}

TEST(ConnectOptionsValues, RequireAuthErrors) {
    EXPECT_EQ(build_error("require_auth=md5,!password"),
              R"(negative require_auth method "!password" cannot be mixed with non-negative methods)");
    EXPECT_EQ(build_error("require_auth=!md5,password"),
              R"(require_auth method "password" cannot be mixed with negative methods)");
    EXPECT_EQ(build_error("require_auth=md5,md5"),
              R"(require_auth method "md5" is specified more than once)");
    EXPECT_EQ(build_error("require_auth=!md5,!md5"),
              R"(require_auth method "!md5" is specified more than once)");
    EXPECT_EQ(build_error("require_auth=none,none"),
              R"(require_auth method "none" is specified more than once)");
    EXPECT_EQ(build_error("require_auth=bogus"), R"(invalid require_auth value: "bogus")");
    EXPECT_EQ(build_error("require_auth=MD5"), R"(invalid require_auth value: "MD5")");
    EXPECT_EQ(build_error("require_auth=md5,"), R"(invalid require_auth value: "")");
    EXPECT_EQ(build_error("require_auth=!"), R"(invalid require_auth value: "")");
}

TEST(ConnectOptionsValues, ClientEncodingMustBeUtf8) {
    for (const char* ok : {"UTF8", "utf8", "UTF-8", "utf_8", "Unicode", "auto"}) {
        EXPECT_EQ(build_ok(std::string("client_encoding=") + ok).client_encoding, ok);
    }
    EXPECT_EQ(build_ok("client_encoding=''").client_encoding, "");
    EXPECT_EQ(build_error("client_encoding=LATIN1"),
              R"(client_encoding value "LATIN1" is not supported (pgring always uses UTF8))");
    EXPECT_EQ(build_error("client_encoding=SQL_ASCII"),
              R"(client_encoding value "SQL_ASCII" is not supported (pgring always uses UTF8))");
}

TEST(ConnectOptionsValues, ConnectTimeoutInLibpqSeconds) {
    EXPECT_EQ(build_ok("connect_timeout=10").connect_timeout, 10s);
    EXPECT_EQ(build_ok("connect_timeout=1").connect_timeout, 2s);
    EXPECT_EQ(build_ok("connect_timeout=2").connect_timeout, 2s);
    EXPECT_EQ(build_ok("connect_timeout=0").connect_timeout, 0ms);
    EXPECT_EQ(build_ok("connect_timeout=-5").connect_timeout, 0ms);
    EXPECT_EQ(build_ok("connect_timeout=' 7 '").connect_timeout, 7s);
    EXPECT_EQ(build_ok("connect_timeout=2147483647").connect_timeout, 2147483647s);
    EXPECT_EQ(build_error("connect_timeout=abc"),
              R"(invalid integer value "abc" for connection option "connect_timeout")");
    EXPECT_EQ(build_error("connect_timeout=''"),
              R"(invalid integer value "" for connection option "connect_timeout")");
    EXPECT_EQ(build_error("connect_timeout=2147483648"),
              R"(invalid integer value "2147483648" for connection option "connect_timeout")");
    EXPECT_EQ(build_error("connect_timeout=1.5"),
              R"(invalid integer value "1.5" for connection option "connect_timeout")");
}

TEST(ConnectOptionsValues, Keepalives) {
    EXPECT_FALSE(build_ok("keepalives=0").keepalives);
    EXPECT_FALSE(build_ok("keepalives=00").keepalives);
    EXPECT_FALSE(build_ok("keepalives=''").keepalives);
    EXPECT_TRUE(build_ok("keepalives=1").keepalives);
    EXPECT_TRUE(build_ok("keepalives=2").keepalives);
    EXPECT_TRUE(build_ok("keepalives=' 1'").keepalives);
    EXPECT_EQ(build_error("keepalives=yes"), "keepalives parameter must be an integer");
    EXPECT_EQ(build_error("keepalives='1 '"), "keepalives parameter must be an integer");
    EXPECT_EQ(build_error("keepalives=' '"), "keepalives parameter must be an integer");
    EXPECT_EQ(build_error("keepalives=-"), "keepalives parameter must be an integer");
}

TEST(ConnectOptionsValues, KeepaliveAndTcpParameters) {
    const connect_options o =
        build_ok("keepalives_idle=30 keepalives_interval=-1 keepalives_count=5 tcp_user_timeout=1500");
    EXPECT_EQ(o.keepalives_idle, 30s);
    EXPECT_EQ(o.keepalives_interval, 0s);
    EXPECT_EQ(o.keepalives_count, 5);
    EXPECT_EQ(o.tcp_user_timeout, 1500ms);
    EXPECT_EQ(build_ok("tcp_user_timeout=-3").tcp_user_timeout, 0ms);
    EXPECT_EQ(build_error("keepalives_idle=x"),
              R"(invalid integer value "x" for connection option "keepalives_idle")");
    EXPECT_EQ(build_error("keepalives_count=1e3"),
              R"(invalid integer value "1e3" for connection option "keepalives_count")");
    EXPECT_EQ(build_error("tcp_user_timeout=''"),
              R"(invalid integer value "" for connection option "tcp_user_timeout")");
}

TEST(ConnectOptionsValues, SwitchesLookAtTheFirstCharacter) {
    EXPECT_FALSE(build_ok("sslsni=0").sslsni);
    EXPECT_TRUE(build_ok("sslsni=1").sslsni);
    EXPECT_FALSE(build_ok("sslsni=yes").sslsni);
    EXPECT_FALSE(build_ok("sslsni=''").sslsni);
    EXPECT_TRUE(build_ok("sslcompression=1").sslcompression);
    EXPECT_TRUE(build_ok("gssdelegation=1").gssdelegation);
    EXPECT_FALSE(build_ok("gssdelegation=0").gssdelegation);
}

TEST(ConnectOptionsValues, BuildRejectsUnknownKeywords) {
    conninfo_values values;
    values.set("bogus", "x");
    connect_options out;
    std::string message;
    EXPECT_EQ(pgring::build_connect_options(values, "u", out, message), errc::invalid_conninfo);
    EXPECT_EQ(message, R"(invalid connection option "bogus")");
}

TEST(ConnectOptionsValues, ReportsProblemsInLibpqOrder) {
    EXPECT_EQ(build_error("sslmode=bogus channel_binding=bogus"),
              R"(invalid channel_binding value: "bogus")");
    EXPECT_EQ(build_error("port=0 sslmode=bogus"), R"(invalid sslmode value: "bogus")");
    EXPECT_EQ(build_error("host=a,b port=1,2,3 sslmode=bogus"), "could not match 3 port numbers to 2 hosts");
}

// ---- conninfo_values --------------------------------------------------------------------------

TEST(ConninfoValues, SetFindEraseKeepOrder) {
    conninfo_values v;
    EXPECT_EQ(v.find("host"), nullptr);
    v.set("host", "a");
    v.set("port", "1");
    v.set("host", "b");
    EXPECT_FALSE(v.set_if_absent("host", "c"));
    EXPECT_TRUE(v.set_if_absent("user", "u"));
    ASSERT_NE(v.find("host"), nullptr);
    EXPECT_EQ(*v.find("host"), "b");
    ASSERT_EQ(v.entries().size(), 3U);
    EXPECT_EQ(v.entries()[0].first, "host");
    EXPECT_EQ(v.entries()[2].first, "user");
    EXPECT_TRUE(v.erase("port"));
    EXPECT_FALSE(v.erase("port"));
    EXPECT_EQ(v.entries().size(), 2U);
}

// ---- environment ------------------------------------------------------------------------------

TEST(ConninfoEnvironment, FillsOnlyWhatIsMissing) {
    conninfo_values v;
    std::string message;
    ASSERT_FALSE(pgring::parse_conninfo("host=a user=explicit", v, message));
    pgring::apply_environment(v, env_from({{"PGHOST", "b"},
                                           {"PGUSER", "envuser"},
                                           {"PGPORT", "6000"},
                                           {"PGDATABASE", "envdb"},
                                           {"PGPASSWORD", "envpw"},
                                           {"PGAPPNAME", "envapp"},
                                           {"PGOPTIONS", "-c geqo=off"},
                                           {"PGCONNECT_TIMEOUT", "5"},
                                           {"PGSSLMODE", "require"},
                                           {"PGTARGETSESSIONATTRS", "read-only"},
                                           {"PGCLIENTENCODING", "UTF8"},
                                           {"PGUNRELATED", "x"}}));
    EXPECT_EQ(as_map(v), (settings{{"host", "a"},
                                   {"user", "explicit"},
                                   {"port", "6000"},
                                   {"dbname", "envdb"},
                                   {"password", "envpw"},
                                   {"application_name", "envapp"},
                                   {"options", "-c geqo=off"},
                                   {"connect_timeout", "5"},
                                   {"sslmode", "require"},
                                   {"target_session_attrs", "read-only"},
                                   {"client_encoding", "UTF8"}}));
}

TEST(ConninfoEnvironment, EveryVariableMapsToItsKeyword) {
    const std::vector<std::pair<std::string, std::string>> table = {
        {"PGHOST", "host"},
        {"PGHOSTADDR", "hostaddr"},
        {"PGPORT", "port"},
        {"PGDATABASE", "dbname"},
        {"PGUSER", "user"},
        {"PGPASSWORD", "password"},
        {"PGPASSFILE", "passfile"},
        {"PGSERVICE", "service"},
        {"PGOPTIONS", "options"},
        {"PGAPPNAME", "application_name"},
        {"PGCONNECT_TIMEOUT", "connect_timeout"},
        {"PGCLIENTENCODING", "client_encoding"},
        {"PGSSLMODE", "sslmode"},
        {"PGSSLNEGOTIATION", "sslnegotiation"},
        {"PGSSLCOMPRESSION", "sslcompression"},
        {"PGSSLCERT", "sslcert"},
        {"PGSSLKEY", "sslkey"},
        {"PGSSLCERTMODE", "sslcertmode"},
        {"PGSSLROOTCERT", "sslrootcert"},
        {"PGSSLCRL", "sslcrl"},
        {"PGSSLCRLDIR", "sslcrldir"},
        {"PGSSLSNI", "sslsni"},
        {"PGREQUIREPEER", "requirepeer"},
        {"PGREQUIREAUTH", "require_auth"},
        {"PGSSLMINPROTOCOLVERSION", "ssl_min_protocol_version"},
        {"PGSSLMAXPROTOCOLVERSION", "ssl_max_protocol_version"},
        {"PGGSSENCMODE", "gssencmode"},
        {"PGKRBSRVNAME", "krbsrvname"},
        {"PGGSSLIB", "gsslib"},
        {"PGGSSDELEGATION", "gssdelegation"},
        {"PGCHANNELBINDING", "channel_binding"},
        {"PGTARGETSESSIONATTRS", "target_session_attrs"},
        {"PGLOADBALANCEHOSTS", "load_balance_hosts"},
    };
    for (const auto& [variable, keyword] : table) {
        conninfo_values v;
        pgring::apply_environment(v, env_from({{variable, "value"}}));
        EXPECT_EQ(as_map(v), (settings{{keyword, "value"}})) << variable;
    }
    conninfo_values v;
    pgring::apply_environment(v, env_from({{"PGSERVICEFILE", "x"}, {"PGSYSCONFDIR", "x"}, {"PGTZ", "x"}}));
    EXPECT_TRUE(v.entries().empty());
}

TEST(ConninfoEnvironment, ExplicitEmptyValueBlocksTheEnvironment) {
    conninfo_values v;
    std::string message;
    ASSERT_FALSE(pgring::parse_conninfo("host=''", v, message));
    pgring::apply_environment(v, env_from({{"PGHOST", "envhost"}}));
    connect_options o;
    ASSERT_FALSE(pgring::build_connect_options(v, "u", o, message));
    EXPECT_EQ(o.hosts[0].host, "/var/run/postgresql");
}

TEST(ConninfoEnvironment, UriWithoutDbnameLeavesRoomForPgdatabase) {
    conninfo_values v;
    std::string message;
    ASSERT_FALSE(pgring::parse_conninfo("postgresql://h/", v, message));
    pgring::apply_environment(v, env_from({{"PGDATABASE", "envdb"}}));
    EXPECT_EQ(*v.find("dbname"), "envdb");
}

TEST(ConninfoEnvironment, ObsoleteRequiressl) {
    auto sslmode_with = [](std::string_view text, settings vars) {
        conninfo_values v;
        std::string message;
        EXPECT_FALSE(pgring::parse_conninfo(text, v, message));
        pgring::apply_environment(v, env_from(std::move(vars)));
        const std::string* mode = v.find("sslmode");
        return mode != nullptr ? *mode : std::string("<unset>");
    };
    EXPECT_EQ(sslmode_with("", {{"PGREQUIRESSL", "1"}}), "require");
    EXPECT_EQ(sslmode_with("", {{"PGREQUIRESSL", "0"}}), "<unset>");
    EXPECT_EQ(sslmode_with("", {{"PGREQUIRESSL", "1"}, {"PGSSLMODE", "disable"}}), "disable");
    EXPECT_EQ(sslmode_with("sslmode=allow", {{"PGREQUIRESSL", "1"}}), "allow");
}

TEST(ConninfoEnvironment, BadEnvironmentValueIsReportedByBuild) {
    conninfo_values v;
    pgring::apply_environment(v, env_from({{"PGSSLMODE", "bogus"}}));
    connect_options o;
    std::string message;
    EXPECT_EQ(pgring::build_connect_options(v, "u", o, message), errc::invalid_conninfo);
    EXPECT_EQ(message, R"(invalid sslmode value: "bogus")");
}

TEST(ConninfoEnvironment, EmptyEnvironmentDoesNothing) {
    conninfo_values v;
    pgring::apply_environment(v, pgring::environment{});
    EXPECT_TRUE(v.entries().empty());
    EXPECT_TRUE(pgring::environment_server_parameters(pgring::environment{}).empty());
}

TEST(ConninfoEnvironment, ServerParameters) {
    using parameters = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(pgring::environment_server_parameters(
                  env_from({{"PGDATESTYLE", "ISO, MDY"}, {"PGTZ", "UTC"}, {"PGGEQO", "DEFAULT"}})),
              (parameters{{"datestyle", "ISO, MDY"}, {"timezone", "UTC"}}));
    EXPECT_EQ(pgring::environment_server_parameters(env_from({{"PGGEQO", "off"}})),
              (parameters{{"geqo", "off"}}));
}

// ---- service files ----------------------------------------------------------------------------

namespace {

std::error_code service(std::string_view contents, std::string_view name, conninfo_values& values,
                        bool& found, std::string& message) {
    return pgring::parse_service_file(contents, name, "svc.conf", values, found, message);
}

}  // namespace

TEST(ServiceFile, ParsesTheDocumentationExample) {
    conninfo_values v;
    bool found = false;
    std::string message;
    ASSERT_FALSE(
        service("# comment\n[mydb]\nhost=somehost\nport=5433\nuser=admin\n", "mydb", v, found, message));
    EXPECT_TRUE(found);
    EXPECT_EQ(as_map(v), (settings{{"host", "somehost"}, {"port", "5433"}, {"user", "admin"}}));
}

TEST(ServiceFile, UsesOnlyTheNamedSection) {
    const std::string_view file = "[a]\nhost=ha\n[b]\nhost=hb\ndbname=db\n[c]\nuser=uc\n[b]\nuser=second\n";
    conninfo_values v;
    bool found = false;
    std::string message;
    ASSERT_FALSE(service(file, "b", v, found, message));
    EXPECT_TRUE(found);
    EXPECT_EQ(as_map(v), (settings{{"host", "hb"}, {"dbname", "db"}}));
}

TEST(ServiceFile, WhitespaceCommentsAndLineEndings) {
    const std::string_view file =
        "  # leading comment\r\n\r\n  [s]  \r\n\thost=h   \r\n# inside\n\n  options=-c geqo=off\n"
        "application_name= spaced value\nsslmode=";
    conninfo_values v;
    bool found = false;
    std::string message;
    ASSERT_FALSE(service(file, "s", v, found, message)) << message;
    EXPECT_TRUE(found);
    EXPECT_EQ(as_map(v), (settings{{"host", "h"},
                                   {"options", "-c geqo=off"},
                                   {"application_name", " spaced value"},
                                   {"sslmode", ""}}));
}

TEST(ServiceFile, DoesNotOverrideExistingSettings) {
    conninfo_values v;
    v.set("host", "explicit");
    bool found = false;
    std::string message;
    ASSERT_FALSE(service("[s]\nhost=svc\nport=1\nport=2\n", "s", v, found, message));
    EXPECT_EQ(as_map(v), (settings{{"host", "explicit"}, {"port", "1"}}));
}

TEST(ServiceFile, SectionNamesMatchLikeLibpq) {
    conninfo_values v;
    bool found = false;
    std::string message;
    ASSERT_FALSE(service("[mydbx]\nhost=a\n", "mydb", v, found, message));
    EXPECT_FALSE(found);
    ASSERT_FALSE(service("[my]\nhost=a\n", "mydb", v, found, message));
    EXPECT_FALSE(found);
    ASSERT_FALSE(service("[mydb] trailing\nhost=a\n", "mydb", v, found, message));
    EXPECT_TRUE(found);
    EXPECT_EQ(as_map(v), (settings{{"host", "a"}}));
}

TEST(ServiceFile, MissingSectionChangesNothing) {
    conninfo_values v;
    bool found = true;
    std::string message;
    ASSERT_FALSE(service("[a]\nhost=x\n", "b", v, found, message));
    EXPECT_FALSE(found);
    EXPECT_TRUE(v.entries().empty());
    ASSERT_FALSE(service("", "b", v, found, message));
    EXPECT_FALSE(found);
}

TEST(ServiceFile, Errors) {
    auto error = [](std::string_view file) {
        conninfo_values v;
        bool found = false;
        std::string message;
        EXPECT_EQ(service(file, "s", v, found, message), errc::invalid_conninfo) << file;
        return message;
    };
    EXPECT_EQ(error("[s]\nhost\n"), R"(syntax error in service file "svc.conf", line 2)");
    EXPECT_EQ(error("# c\n[s]\n\nfoo=bar\n"), R"(syntax error in service file "svc.conf", line 4)");
    EXPECT_EQ(error("[s]\nhost =x\n"), R"(syntax error in service file "svc.conf", line 2)");
    EXPECT_EQ(error("[s]\nrequiressl=1\n"), R"(syntax error in service file "svc.conf", line 2)");
    EXPECT_EQ(error("[s]\nservice=other\n"),
              R"(nested service specifications not supported in service file "svc.conf", line 2)");
    EXPECT_EQ(error("[s]\nldap://ldap.example.net/dc=example?uniqueMember?one?(cn=s)\n"),
              R"(LDAP service lookups are not supported in service file "svc.conf", line 2)");
}

TEST(ServiceFile, OtherSectionsAreNotChecked) {
    conninfo_values v;
    bool found = false;
    std::string message;
    ASSERT_FALSE(service("[other]\nbogus line\nfoo=bar\n[s]\nhost=a\n", "s", v, found, message));
    EXPECT_TRUE(found);
    EXPECT_EQ(as_map(v), (settings{{"host", "a"}}));
}

// ---- password files ---------------------------------------------------------------------------

TEST(Pgpass, MatchesAllFourFields) {
    const std::string_view file = "h:5432:db:u:secret\n";
    EXPECT_EQ(pgring::lookup_pgpass(file, "h", "5432", "db", "u"), "secret");
    EXPECT_EQ(pgring::lookup_pgpass(file, "h", "5433", "db", "u"), std::nullopt);
    EXPECT_EQ(pgring::lookup_pgpass(file, "h2", "5432", "db", "u"), std::nullopt);
    EXPECT_EQ(pgring::lookup_pgpass(file, "h", "5432", "db2", "u"), std::nullopt);
    EXPECT_EQ(pgring::lookup_pgpass(file, "h", "5432", "db", "u2"), std::nullopt);
    EXPECT_EQ(pgring::lookup_pgpass(file, "hx", "5432", "db", "u"), std::nullopt);
    EXPECT_EQ(pgring::lookup_pgpass("ho:5432:db:u:secret", "h", "5432", "db", "u"), std::nullopt);
}

TEST(Pgpass, Wildcards) {
    EXPECT_EQ(pgring::lookup_pgpass("*:*:*:*:pw", "any", "1", "d", "u"), "pw");
    EXPECT_EQ(pgring::lookup_pgpass("h:*:db:*:pw", "h", "6000", "db", "someone"), "pw");
    EXPECT_EQ(pgring::lookup_pgpass("h*:*:*:*:pw", "hx", "1", "d", "u"), std::nullopt);
    EXPECT_EQ(pgring::lookup_pgpass("h*:*:*:*:pw", "h*", "1", "d", "u"), "pw");
    EXPECT_EQ(pgring::lookup_pgpass(R"(\*:*:*:*:pw)", "*", "1", "d", "u"), "pw");
    EXPECT_EQ(pgring::lookup_pgpass(R"(\*:*:*:*:pw)", "x", "1", "d", "u"), std::nullopt);
}

TEST(Pgpass, FirstMatchWins) {
    const std::string_view file = "h:5432:db:u:first\n*:*:*:*:fallback\nh:5432:db:u:second\n";
    EXPECT_EQ(pgring::lookup_pgpass(file, "h", "5432", "db", "u"), "first");
    EXPECT_EQ(pgring::lookup_pgpass(file, "other", "5432", "db", "u"), "fallback");
}

TEST(Pgpass, Escapes) {
    EXPECT_EQ(pgring::lookup_pgpass(R"(\:\:1:5432:db:u:p\:w\\d)", "::1", "5432", "db", "u"), R"(p:w\d)");
    EXPECT_EQ(pgring::lookup_pgpass(R"(h:5432:d\\b:u:pw)", "h", "5432", R"(d\b)", "u"), "pw");
    EXPECT_EQ(pgring::lookup_pgpass("h:5432:db:u:pw:ignored:fields", "h", "5432", "db", "u"), "pw");
    EXPECT_EQ(pgring::lookup_pgpass(R"(h:5432:db:u:pw\)", "h", "5432", "db", "u"), R"(pw\)");
    EXPECT_EQ(pgring::lookup_pgpass("h:5432:db:u:", "h", "5432", "db", "u"), "");
    EXPECT_EQ(pgring::lookup_pgpass("h:5432:db:u", "h", "5432", "db", "u"), std::nullopt);
}

TEST(Pgpass, LocalhostMatchesTheDefaultSocketAndEmptyHost) {
    const std::string_view file = "localhost:5432:db:u:local\n/tmp:5432:db:u:tmp\n";
    EXPECT_EQ(pgring::lookup_pgpass(file, "/var/run/postgresql", "5432", "db", "u"), "local");
    EXPECT_EQ(pgring::lookup_pgpass(file, "", "5432", "db", "u"), "local");
    EXPECT_EQ(pgring::lookup_pgpass(file, "localhost", "5432", "db", "u"), "local");
    EXPECT_EQ(pgring::lookup_pgpass(file, "/tmp", "5432", "db", "u"), "tmp");
    EXPECT_EQ(pgring::lookup_pgpass(file, "/var/run/postgresql/", "5432", "db", "u"), std::nullopt);
    EXPECT_EQ(pgring::lookup_pgpass(file, "127.0.0.1", "5432", "db", "u"), std::nullopt);
}

TEST(Pgpass, EmptyPortMeansTheDefault) {
    EXPECT_EQ(pgring::lookup_pgpass("h:5432:db:u:pw", "h", "", "db", "u"), "pw");
}

TEST(Pgpass, EmptyDbnameOrUserNeverMatches) {
    EXPECT_EQ(pgring::lookup_pgpass("*:*:*:*:pw", "h", "1", "", "u"), std::nullopt);
    EXPECT_EQ(pgring::lookup_pgpass("*:*:*:*:pw", "h", "1", "d", ""), std::nullopt);
}

TEST(Pgpass, CommentsBlankLinesAndCrlf) {
    const std::string_view file = "#h:5432:db:u:commented\n\n\r\nh:5432:db:u:pw\r\n";
    EXPECT_EQ(pgring::lookup_pgpass(file, "h", "5432", "db", "u"), "pw");
    EXPECT_EQ(pgring::lookup_pgpass(" #h:5432:db:u:x", " #h", "5432", "db", "u"), "x")
        << "only a '#' in the first column starts a comment";
    EXPECT_EQ(pgring::lookup_pgpass("h:5432:db:u:last", "h", "5432", "db", "u"), "last");
}

TEST(Pgpass, ApplyFillsEveryHost) {
    connect_options o = build_ok(
        "host=a,b,,/tmp hostaddr=10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4 port=1,2,3,4 "
        "dbname=db user=u");
    o.hosts[2].host.clear();
    pgring::apply_pgpass(o, "a:1:db:u:pa\n10.0.0.3:3:db:u:p3\n/tmp:4:db:u:ptmp\n");
    EXPECT_EQ(o.hosts[0].password, "pa");
    EXPECT_EQ(o.hosts[1].password, "");
    EXPECT_EQ(o.hosts[2].password, "p3") << "keyed by hostaddr when host is empty";
    EXPECT_EQ(o.hosts[3].password, "ptmp");

    connect_options given = build_ok("host=a password=given dbname=db user=u");
    pgring::apply_pgpass(given, "*:*:*:*:pw");
    EXPECT_EQ(given.hosts[0].password, "");
}

// ---- resolve (sans-io) ------------------------------------------------------------------------

namespace {

struct fake_system {
    settings env;
    settings files;
    std::vector<std::pair<std::string, pgring::config_file>> reads;

    pgring::resolve_context context(std::string os_user = "alice", std::string home = "/home/alice") {
        pgring::resolve_context c;
        c.env = env_from(env);
        c.os_user = std::move(os_user);
        c.home_dir = std::move(home);
        c.read_file = [this](const std::string& path,
                             pgring::config_file kind) -> std::optional<std::string> {
            reads.emplace_back(path, kind);
            const auto it = files.find(path);
            if (it == files.end()) {
                return std::nullopt;
            }
            return it->second;
        };
        return c;
    }
};

connect_options resolve_ok(fake_system& sys, std::string_view conninfo) {
    connect_options out;
    std::string message;
    EXPECT_FALSE(pgring::resolve_connect_options(conninfo, sys.context(), out, message)) << message;
    return out;
}

std::string resolve_error(fake_system& sys, std::string_view conninfo) {
    connect_options out;
    std::string message;
    EXPECT_EQ(pgring::resolve_connect_options(conninfo, sys.context(), out, message), errc::invalid_conninfo);
    return message;
}

}  // namespace

TEST(ResolveConnectOptions, Defaults) {
    fake_system sys;
    const connect_options o = resolve_ok(sys, "");
    EXPECT_EQ(o.user, "alice");
    EXPECT_EQ(o.dbname, "alice");
    ASSERT_EQ(o.hosts.size(), 1U);
    EXPECT_EQ(o.hosts[0].host, "/var/run/postgresql");
    EXPECT_EQ(o.hosts[0].port, 5432);
    EXPECT_EQ(sys.reads, (std::vector<std::pair<std::string, pgring::config_file>>{
                             {"/home/alice/.pgpass", pgring::config_file::password}}));
}

TEST(ResolveConnectOptions, NeedsSomeUserName) {
    fake_system sys;
    connect_options out;
    std::string message;
    EXPECT_EQ(pgring::resolve_connect_options("", sys.context(""), out, message), errc::invalid_conninfo);
    EXPECT_EQ(message, "no user name given and the local user name is unknown");
    sys.env["PGUSER"] = "bob";
    EXPECT_FALSE(pgring::resolve_connect_options("", sys.context(""), out, message));
    EXPECT_EQ(out.user, "bob");
}

TEST(ResolveConnectOptions, ExplicitThenServiceThenEnvironmentThenDefaults) {
    fake_system sys;
    sys.files["/home/alice/.pg_service.conf"] = "[svc]\nhost=svchost\nport=7000\nuser=svcuser\n";
    sys.env = {{"PGHOST", "envhost"}, {"PGPORT", "8000"}, {"PGDATABASE", "envdb"}, {"PGUSER", "envuser"}};
    const connect_options o = resolve_ok(sys, "service=svc user=explicit");
    EXPECT_EQ(o.user, "explicit");
    EXPECT_EQ(o.hosts[0].host, "svchost");
    EXPECT_EQ(o.hosts[0].port, 7000);
    EXPECT_EQ(o.dbname, "envdb");
    EXPECT_EQ(o.service, "svc");
    EXPECT_EQ(o.sslmode, pgring::ssl_mode::prefer);
}

TEST(ResolveConnectOptions, ServiceNamedByPgservice) {
    fake_system sys;
    sys.files["/home/alice/.pg_service.conf"] = "[svc]\ndbname=svcdb\n";
    sys.env = {{"PGSERVICE", "svc"}};
    EXPECT_EQ(resolve_ok(sys, "").dbname, "svcdb");
}

TEST(ResolveConnectOptions, ServiceFileSearchOrder) {
    fake_system sys;
    sys.files["/home/alice/.pg_service.conf"] = "[other]\nhost=x\n";
    sys.files["/etc/postgresql-common/pg_service.conf"] = "[svc]\ndbname=systemdb\n";
    EXPECT_EQ(resolve_ok(sys, "service=svc").dbname, "systemdb");

    sys.env["PGSYSCONFDIR"] = "/opt/pg";
    sys.files["/opt/pg/pg_service.conf"] = "[svc]\ndbname=optdb\n";
    EXPECT_EQ(resolve_ok(sys, "service=svc").dbname, "optdb");

    sys.files["/home/alice/.pg_service.conf"] = "[svc]\ndbname=homedb\n";
    EXPECT_EQ(resolve_ok(sys, "service=svc").dbname, "homedb");

    sys.env["PGSERVICEFILE"] = "/srv/services.conf";
    sys.files["/srv/services.conf"] = "[svc]\ndbname=envfiledb\n";
    EXPECT_EQ(resolve_ok(sys, "service=svc").dbname, "envfiledb");
}

TEST(ResolveConnectOptions, ServiceErrors) {
    fake_system sys;
    EXPECT_EQ(resolve_error(sys, "service=nope"), R"(definition of service "nope" not found)");
    sys.env["PGSERVICEFILE"] = "/missing.conf";
    EXPECT_EQ(resolve_error(sys, "service=nope"), R"(service file "/missing.conf" not found)");
    sys.env.erase("PGSERVICEFILE");
    sys.files["/home/alice/.pg_service.conf"] = "[svc]\nbogus=1\n";
    EXPECT_EQ(resolve_error(sys, "service=svc"),
              R"(syntax error in service file "/home/alice/.pg_service.conf", line 2)");
}

TEST(ResolveConnectOptions, PasswordFile) {
    fake_system sys;
    sys.files["/home/alice/.pgpass"] = "h:5432:db:alice:homepw\n";
    sys.files["/etc/pgpass"] = "h:5432:db:alice:envpw\n";
    sys.files["/kw/pgpass"] = "h:5432:db:alice:kwpw\n";
    EXPECT_EQ(resolve_ok(sys, "host=h dbname=db").hosts[0].password, "homepw");
    sys.env["PGPASSFILE"] = "/etc/pgpass";
    EXPECT_EQ(resolve_ok(sys, "host=h dbname=db").hosts[0].password, "envpw");
    EXPECT_EQ(resolve_ok(sys, "host=h dbname=db passfile=/kw/pgpass").hosts[0].password, "kwpw");

    sys.reads.clear();
    const connect_options given = resolve_ok(sys, "host=h dbname=db password=pw");
    EXPECT_EQ(given.password, "pw");
    EXPECT_EQ(given.hosts[0].password, "");
    EXPECT_TRUE(sys.reads.empty()) << "no password file is read when a password is given";

    sys.env["PGPASSWORD"] = "fromenv";
    EXPECT_EQ(resolve_ok(sys, "host=h dbname=db").password, "fromenv");
}

TEST(ResolveConnectOptions, NoHomeDirectoryMeansNoHomeFiles) {
    fake_system sys;
    connect_options out;
    std::string message;
    ASSERT_FALSE(pgring::resolve_connect_options("host=h", sys.context("alice", ""), out, message))
        << message;
    EXPECT_TRUE(sys.reads.empty());
}

TEST(ResolveConnectOptions, ServerParametersFromTheEnvironment) {
    fake_system sys;
    sys.env = {{"PGTZ", "Europe/Paris"}};
    const connect_options o = resolve_ok(sys, "");
    EXPECT_EQ(o.server_parameters,
              (std::vector<std::pair<std::string, std::string>>{{"timezone", "Europe/Paris"}}));
}

TEST(ResolveConnectOptions, ErrorsOfEveryStepPropagate) {
    fake_system sys;
    EXPECT_EQ(resolve_error(sys, "bogus=1"), R"(invalid connection option "bogus")");
    EXPECT_EQ(resolve_error(sys, "sslmode=bogus"), R"(invalid sslmode value: "bogus")");
    sys.env["PGPORT"] = "0";
    EXPECT_EQ(resolve_error(sys, ""), R"(invalid port number: "0")");
}

TEST(ResolveConnectOptions, EmptyContext) {
    connect_options out;
    std::string message;
    pgring::resolve_context context;
    context.os_user = "alice";
    ASSERT_FALSE(pgring::resolve_connect_options("postgresql://h/db", context, out, message)) << message;
    EXPECT_EQ(out.hosts[0].host, "h");
    EXPECT_EQ(pgring::resolve_connect_options("service=s", context, out, message), errc::invalid_conninfo);
    EXPECT_EQ(message, R"(definition of service "s" not found)");
}

// ---- resolve (this process) -------------------------------------------------------------------

namespace {

// Sets environment variables for one test and restores them afterwards.
class scoped_env {
public:
    explicit scoped_env(std::vector<std::string> names) : names_(std::move(names)) {
        for (const std::string& n : names_) {
            const char* v = std::getenv(n.c_str());
            saved_.emplace_back(v != nullptr, v != nullptr ? v : "");
            ::unsetenv(n.c_str());
        }
    }
    scoped_env(const scoped_env&) = delete;
    scoped_env& operator=(const scoped_env&) = delete;
    ~scoped_env() {
        for (std::size_t i = 0; i < names_.size(); ++i) {
            if (saved_[i].first) {
                ::setenv(names_[i].c_str(), saved_[i].second.c_str(), 1);
            } else {
                ::unsetenv(names_[i].c_str());
            }
        }
    }

private:
    std::vector<std::string> names_;
    std::vector<std::pair<bool, std::string>> saved_;
};

std::string make_temp_dir() {
    std::string pattern = ::testing::TempDir() + "pgring_conninfo_XXXXXX";
    const char* dir = ::mkdtemp(pattern.data());
    return dir != nullptr ? std::string(dir) : std::string();
}

void write_file(const std::string& path, std::string_view contents, mode_t mode) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
    ::chmod(path.c_str(), mode);
}

}  // namespace

TEST(ResolveConnectOptionsSystem, ReadsTheEnvironmentAndFiles) {
    const scoped_env env({"PGHOST",           "PGHOSTADDR",
                          "PGPORT",           "PGUSER",
                          "PGDATABASE",       "PGPASSWORD",
                          "PGPASSFILE",       "PGSERVICE",
                          "PGSERVICEFILE",    "PGSYSCONFDIR",
                          "PGSSLMODE",        "PGREQUIRESSL",
                          "PGAPPNAME",        "PGTZ",
                          "PGDATESTYLE",      "PGGEQO",
                          "PGOPTIONS",        "PGCONNECT_TIMEOUT",
                          "PGCLIENTENCODING", "PGTARGETSESSIONATTRS"});
    const std::string dir = make_temp_dir();
    ASSERT_FALSE(dir.empty());
    const std::string pgpass = dir + "/pgpass";
    const std::string services = dir + "/services.conf";
    write_file(pgpass, "dbhost:6543:appdb:appuser:s3cret\n", 0600);
    write_file(services, "[app]\nhost=dbhost\nport=6543\ndbname=appdb\n", 0644);
    ::setenv("PGPASSFILE", pgpass.c_str(), 1);
    ::setenv("PGSERVICEFILE", services.c_str(), 1);
    ::setenv("PGSERVICE", "app", 1);
    ::setenv("PGUSER", "appuser", 1);
    ::setenv("PGAPPNAME", "tests", 1);
    ::setenv("PGTZ", "UTC", 1);

    connect_options o;
    std::string message;
    ASSERT_FALSE(pgring::resolve_connect_options("sslmode=disable", o, message)) << message;
    EXPECT_EQ(o.hosts[0].host, "dbhost");
    EXPECT_EQ(o.hosts[0].port, 6543);
    EXPECT_EQ(o.dbname, "appdb");
    EXPECT_EQ(o.user, "appuser");
    EXPECT_EQ(o.application_name, "tests");
    EXPECT_EQ(o.sslmode, pgring::ssl_mode::disable);
    EXPECT_EQ(o.hosts[0].password, "s3cret");
    EXPECT_EQ(o.server_parameters, (std::vector<std::pair<std::string, std::string>>{{"timezone", "UTC"}}));

    // A password file that others may read is ignored, as libpq does.
    ::chmod(pgpass.c_str(), 0640);
    ASSERT_FALSE(pgring::resolve_connect_options("", o, message)) << message;
    EXPECT_EQ(o.hosts[0].password, "");
    ::chmod(pgpass.c_str(), 0604);
    ASSERT_FALSE(pgring::resolve_connect_options("", o, message)) << message;
    EXPECT_EQ(o.hosts[0].password, "");

    // A directory is not a password file.
    ::setenv("PGPASSFILE", dir.c_str(), 1);
    ASSERT_FALSE(pgring::resolve_connect_options("", o, message)) << message;
    EXPECT_EQ(o.hosts[0].password, "");

    ::setenv("PGSERVICEFILE", (dir + "/missing.conf").c_str(), 1);
    EXPECT_EQ(pgring::resolve_connect_options("", o, message), errc::invalid_conninfo);
    EXPECT_EQ(message, "service file \"" + dir + "/missing.conf\" not found");

    ::unlink(pgpass.c_str());
    ::unlink(services.c_str());
    ::rmdir(dir.c_str());
}

TEST(ResolveConnectOptionsSystem, DefaultUserIsTheEffectiveUser) {
    const scoped_env env({"PGUSER", "PGSERVICE", "PGDATABASE"});
    const pgring::resolve_context context = pgring::system_resolve_context();
    ASSERT_FALSE(context.os_user.empty());
    connect_options o;
    std::string message;
    ASSERT_FALSE(pgring::resolve_connect_options("host=h", o, message)) << message;
    EXPECT_EQ(o.user, context.os_user);
    EXPECT_EQ(o.dbname, context.os_user);
}

// ---- robustness -------------------------------------------------------------------------------

TEST(ConninfoRobustness, ArbitraryInputGivesAResultOrAnError) {
    // Strings built from the characters that matter to the parsers, with the prefixes that
    // switch between them; every outcome must be success or invalid_conninfo with a message.
    const std::string_view alphabet = "ab=' \\%[]:/@?&,#!12\t\n*0fF";
    const std::vector<std::string_view> prefixes = {"", "postgresql://", "postgres://", "host=", "[s]\n"};
    std::uint32_t state = 12345;
    auto next = [&state] {
        state = state * 1664525U + 1013904223U;
        return state >> 8;
    };
    for (int round = 0; round < 20000; ++round) {
        std::string text(prefixes[next() % prefixes.size()]);
        const std::size_t length = next() % 24;
        for (std::size_t i = 0; i < length; ++i) {
            text += alphabet[next() % alphabet.size()];
        }
        conninfo_values values;
        std::string message;
        bool found = false;
        std::error_code ec = pgring::parse_service_file(text, "s", "f", values, found, message);
        ASSERT_TRUE(!ec || (ec == errc::invalid_conninfo && !message.empty())) << text;
        (void)pgring::lookup_pgpass(text, "a", "12", "b", "ab");
        values = conninfo_values{};
        ec = pgring::parse_conninfo(text, values, message);
        if (ec) {
            ASSERT_EQ(ec, errc::invalid_conninfo) << text;
            ASSERT_FALSE(message.empty()) << text;
            continue;
        }
        connect_options out;
        ec = pgring::build_connect_options(values, "u", out, message);
        if (ec) {
            ASSERT_EQ(ec, errc::invalid_conninfo) << text;
            ASSERT_FALSE(message.empty()) << text;
        } else {
            ASSERT_FALSE(out.hosts.empty()) << text;
        }
    }
}
