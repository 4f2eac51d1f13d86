// pgring's connection-string handling against libpq's own: the same strings must be accepted
// or rejected alike, with the same settings and the same messages. Only libpq's parser and
// option checks run here: every connection attempt goes to a Unix-socket directory that does
// not exist, so nothing leaves the process.

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <pgring/connect_options.hpp>
#include <pgring/error.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view nowhere = "/nonexistent/pgring-xcheck";

using settings = std::map<std::string, std::string>;

std::string first_line(std::string s) {
    const std::size_t eol = s.find('\n');
    if (eol != std::string::npos) {
        s.resize(eol);
    }
    return s;
}

struct parse_outcome {
    bool ok = false;
    settings values;
    std::string error;
};

parse_outcome libpq_parse(const std::string& text) {
    parse_outcome r;
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(text.c_str(), &error);
    if (options == nullptr) {
        r.error = first_line(error != nullptr ? error : "");
        PQfreemem(error);
        return r;
    }
    r.ok = true;
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
        if (o->val != nullptr) {
            r.values.emplace(o->keyword, o->val);
        }
    }
    PQconninfoFree(options);
    return r;
}

parse_outcome pgring_parse(const std::string& text) {
    parse_outcome r;
    pgring::conninfo_values values;
    const std::error_code ec = pgring::parse_conninfo(text, values, r.error);
    r.ok = !ec;
    for (const auto& [k, v] : values.entries()) {
        r.values.emplace(k, v);
    }
    return r;
}

// Neither libpq nor pgring may see the environment of whoever runs the tests.
class LibpqCrossCheck : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        PQconninfoOption* defaults = PQconndefaults();
        ASSERT_NE(defaults, nullptr);
        for (PQconninfoOption* o = defaults; o->keyword != nullptr; ++o) {
            if (o->envvar != nullptr) {
                ::unsetenv(o->envvar);
            }
        }
        PQconninfoFree(defaults);
        for (const char* v : {"PGREQUIRESSL", "PGSERVICEFILE", "PGSYSCONFDIR", "PGDATESTYLE", "PGTZ",
                              "PGGEQO", "PGSSLNEGOTIATION", "PGSSLCERTMODE", "PGREQUIREAUTH",
                              "PGGSSDELEGATION", "PGLOADBALANCEHOSTS"}) {
            ::unsetenv(v);
        }
    }
};

TEST_F(LibpqCrossCheck, ParsesLikePQconninfoParse) {
    const std::vector<std::string> cases = {
        // keyword/value
        "",
        "   ",
        "host=localhost port=5432 dbname=mydb connect_timeout=10",
        "host = localhost  port= 5432\tdbname =mydb",
        "\n\thost=a\r\fport=1\v",
        "application_name = 'a value'",
        "options='-c geqo=off' host=h",
        "dbname='' user= host=h",
        "user=",
        R"(password='it\'s \\ ok')",
        R"(password=a\ b\\c\'d host=h)",
        R"(password=abc\)",
        "host='x'port=5",
        "password=ab'cd",
        "host='a'b'",
        "host=\"x\"",
        "host=a port=1 host=b",
        "requiressl=1",
        "requiressl=0",
        "requiressl=yes",
        "requiressl=",
        "sslmode=disable requiressl=1",
        "dbname=postgresql://x",
        "host==x",
        "host= =x",
        "host=a foo=bar",
        "HOST=a",
        "=x",
        "= =",
        "'host'=x",
        "host",
        "host localhost",
        "host =",
        "mydb",
        "POSTGRESQL://h",
        "postgresql:/h",
        "password='abc",
        R"(password='abc\')",
        "password='",
        "password='' '",
        "sslmode=bogus port=99999 connect_timeout=x keepalives=y",
        // URIs: the documentation's examples
        "postgresql://",
        "postgresql://localhost",
        "postgresql://localhost:5433",
        "postgresql://localhost/mydb",
        "postgresql://user@localhost",
        "postgresql://user:secret@localhost",
        "postgresql://other@localhost/otherdb?connect_timeout=10&application_name=myapp",
        "postgresql://host1:123,host2:456/somedb?target_session_attrs=any&application_name=myapp",
        "postgresql:///mydb?host=localhost&port=5433",
        "postgresql://user@localhost:5433/mydb?options=-c%20synchronous_commit%3Doff",
        "postgresql://[2001:db8::1234]/database",
        "postgresql:///dbname?host=/var/lib/postgresql",
        "postgresql://%2Fvar%2Flib%2Fpostgresql/dbname",
        // URIs: everything else
        "postgres://u@h/db",
        "postgres:///db",
        "postgresql://[::1]:5433,[fe80::1%25eth0]:5434,h3/db",
        "postgresql://h1,h2:5/db",
        "postgresql://,/db",
        "postgresql://[::1]:,[::2]",
        "postgresql://[::1]?",
        "postgresql://[::1],",
        "postgresql://h/",
        "postgresql://h/?sslmode=disable",
        "postgresql://:@h",
        "postgresql://@h:",
        "postgresql://h?",
        "postgresql://h?&",
        "postgresql://h?sslmode=disable&",
        "postgresql://h?sslmode=require&sslmode=disable",
        "postgresql://us%65r:p%40ss%3Aw@h%6Fst:54%33%32/d%62?application%5Fname=a%2fb",
        "postgresql://h?application_name=a+b",
        "postgresql://h/db@x",
        "postgresql://h/db/more",
        "postgresql://h#frag",
        "postgresql://h:port/db",
        "postgresql://h?user=a@b",
        "postgresql://a:b@c@d/e",
        "postgresql://host:5432@x",
        "postgresql://h1/db1?host=h2&dbname=db2",
        "postgresql://h/db?host=%2Ftmp",
        "postgresql://h/db?options=a%3Db%26c",
        "postgresql://h?ssl=true",
        "postgresql://h?ssl=false",
        "postgresql://h?requiressl=1",
        "postgresql://h?requiressl=0",
        "postgresql://[::1",
        "postgresql://u@[::1",
        "postgresql://[]/db",
        "postgresql://[::1]x/db",
        "postgresql://h?foo",
        "postgresql://h?&a=b",
        "postgresql://h?x=1&y",
        "postgresql://h?a=b=c",
        "postgresql://h?foo=bar",
        "postgresql://h/db?=x",
        "postgresql://h/db%zz",
        "postgresql://h/db%4",
        "postgresql://h/db%00",
        "postgresql://h?application_name=%",
        "postgresql://%",
        "postgresql://h%zz",
        "postgresql://u%00@h",
    };
    for (const std::string& text : cases) {
        const parse_outcome theirs = libpq_parse(text);
        const parse_outcome ours = pgring_parse(text);
        EXPECT_EQ(ours.ok, theirs.ok)
            << "[" << text << "] libpq: " << theirs.error << " pgring: " << ours.error;
        if (theirs.ok && ours.ok) {
            EXPECT_EQ(ours.values, theirs.values) << "[" << text << "]";
        } else if (!theirs.ok && !ours.ok) {
            EXPECT_EQ(ours.error, theirs.error) << "[" << text << "]";
        }
    }
}

TEST_F(LibpqCrossCheck, KnowsEveryLibpqKeywordAndVariable) {
    PQconninfoOption* defaults = PQconndefaults();
    ASSERT_NE(defaults, nullptr);
    for (PQconninfoOption* o = defaults; o->keyword != nullptr; ++o) {
        EXPECT_TRUE(pgring::is_conninfo_keyword(o->keyword)) << o->keyword;
        if (o->envvar == nullptr) {
            continue;
        }
        const std::string variable = o->envvar;
        pgring::conninfo_values values;
        pgring::apply_environment(values, [&](std::string_view name) -> std::optional<std::string> {
            if (name == variable) {
                return "x";
            }
            return std::nullopt;
        });
        ASSERT_EQ(values.entries().size(), 1U) << variable;
        EXPECT_EQ(values.entries()[0].first, o->keyword) << variable;
    }
    PQconninfoFree(defaults);
}

// libpq checks option values in PQconnectStart(); a connection that gets past the checks fails
// at once with "connection to server on socket ... failed".
struct start_outcome {
    bool options_ok = false;
    std::string error;
    std::string password;
};

start_outcome libpq_start(const std::string& text) {
    start_outcome r;
    PGconn* conn = PQconnectStart(text.c_str());
    if (conn == nullptr) {
        r.error = "out of memory";
        return r;
    }
    const std::string message = first_line(PQerrorMessage(conn));
    r.options_ok =
        message.rfind("connection to server on socket", 0) == 0 || PQstatus(conn) != CONNECTION_BAD;
    r.error = message;
    const char* password = PQpass(conn);
    r.password = password != nullptr ? password : "";
    PQfinish(conn);
    return r;
}

std::string with_nowhere_host(const std::string& text) {
    if (text.find("host=") != std::string::npos || text.rfind("postgresql://", 0) == 0) {
        return text;
    }
    return text + " host=" + std::string(nowhere);
}

TEST_F(LibpqCrossCheck, ValidatesLikePQconnectStart) {
    const std::vector<std::string> cases = {
        "",
        "sslmode=disable",
        "sslmode=allow",
        "sslmode=prefer",
        "sslmode=require",
        "sslmode=verify-ca",
        "sslmode=verify-full",
        "sslmode=bogus",
        "sslmode=''",
        "sslmode=Require",
        "requiressl=1",
        "channel_binding=disable",
        "channel_binding=require",
        "channel_binding=maybe",
        "target_session_attrs=any",
        "target_session_attrs=read-write",
        "target_session_attrs=read-only",
        "target_session_attrs=primary",
        "target_session_attrs=standby",
        "target_session_attrs=prefer-standby",
        "target_session_attrs=read_write",
        "gssencmode=disable",
        "gssencmode=prefer",
        "gssencmode=bogus",
        "ssl_min_protocol_version=TLSv1",
        "ssl_min_protocol_version=tlsv1.3",
        "ssl_min_protocol_version=''",
        "ssl_min_protocol_version=TLSv1.4",
        "ssl_max_protocol_version=SSLv3",
        "ssl_min_protocol_version=TLSv1.3 ssl_max_protocol_version=TLSv1.2",
        "ssl_max_protocol_version=TLSv1.1",
        "ssl_max_protocol_version=TLSv1",
        "ssl_min_protocol_version=TLSv1 ssl_max_protocol_version=TLSv1",
        "ssl_min_protocol_version='' ssl_max_protocol_version=TLSv1",
        "port=5433",
        "port=' 5433 '",
        "port=+5433",
        "port=99999",
        "port=65536",
        "port=0",
        "port=-1",
        "port=abc",
        "port=5432x",
        "port=99999999999",
        "host=/nonexistent/a,/nonexistent/b,/nonexistent/c port=1,2",
        "host=/nonexistent/a,/nonexistent/b port=1,2,3",
        "host=/nonexistent/a,/nonexistent/b port=7",
        "host=/nonexistent/a,,/nonexistent/c port=,5433,",
        "hostaddr=127.0.0.1,::1 host=/nonexistent/a",
        "hostaddr=127.0.0.1 host=/nonexistent/a,/nonexistent/b",
        "postgresql://%2Fnonexistent%2Fa,%2Fnonexistent%2Fb:1,%2Fnonexistent%2Fc/db",
        "postgresql://%2Fnonexistent%2Fa:1,%2Fnonexistent%2Fb:2/db?port=3,4,5",
        "user=u dbname=d sslmode=bogus channel_binding=bogus",
        "port=0 sslmode=bogus",
        "options='-c geqo=off' application_name=app fallback_application_name=fb",
        "client_encoding=UTF8",
        "client_encoding=auto",
        "replication=database",
        "sslsni=0 sslcompression=1",
        "krbsrvname=x",
    };
    for (const std::string& raw : cases) {
        const std::string text = with_nowhere_host(raw);
        const start_outcome theirs = libpq_start(text);
        pgring::connect_options options;
        std::string message;
        const std::error_code ec = pgring::parse_conninfo(text, options, message);
        EXPECT_EQ(!ec, theirs.options_ok)
            << "[" << text << "] libpq: " << theirs.error << " pgring: " << message;
        if (ec && !theirs.options_ok) {
            EXPECT_EQ(theirs.error.substr(0, message.size()), message) << "[" << text << "]";
        }
    }
}

TEST_F(LibpqCrossCheck, FindsTheSamePasswordInThePasswordFile) {
    const std::string dir_pattern = ::testing::TempDir() + "pgring_xcheck_XXXXXX";
    std::string dir = dir_pattern;
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    const std::string passfile = dir + "/pgpass";
    const std::string contents =
        "# comment\n"
        "/nonexistent/a:1:db:u:first\n"
        "/nonexistent/a:1:db:u:second\n"
        "/nonexistent/b:*:db:*:wild\n"
        "localhost:1:db:u:local\n"
        R"(/nonexistent/c\:x:1:db:u:esc\:aped\\)"
        "\n"
        "/nonexistent/d:2:*:u:pw:extra\r\n"
        "*:5432:db:u:defaultport\n";
    std::ofstream(passfile, std::ios::binary) << contents;
    ASSERT_EQ(::chmod(passfile.c_str(), 0600), 0);

    struct lookup {
        std::string host;
        std::string port;
        std::string dbname;
        std::string user;
    };
    const std::vector<lookup> lookups = {
        {"/nonexistent/a", "1", "db", "u"},   {"/nonexistent/a", "2", "db", "u"},
        {"/nonexistent/b", "9", "db", "zz"},  {"/var/run/postgresql", "1", "db", "u"},
        {"/nonexistent/c:x", "1", "db", "u"}, {"/nonexistent/d", "2", "other", "u"},
        {"/nonexistent/e", "", "db", "u"},    {"/nonexistent/e", "5433", "db", "u"},
        {"/nonexistent/a", "01", "db", "u"},
    };
    for (const lookup& l : lookups) {
        std::string text =
            "host='" + l.host + "' dbname=" + l.dbname + " user=" + l.user + " passfile=" + passfile;
        if (!l.port.empty()) {
            text += " port=" + l.port;
        }
        const start_outcome theirs = libpq_start(text);
        ASSERT_TRUE(theirs.options_ok) << text << ": " << theirs.error;
        const std::optional<std::string> ours =
            pgring::lookup_pgpass(contents, l.host, l.port, l.dbname, l.user);
        EXPECT_EQ(ours.value_or(""), theirs.password) << text;
    }
    ::unlink(passfile.c_str());
    ::rmdir(dir.c_str());
}

}  // namespace
