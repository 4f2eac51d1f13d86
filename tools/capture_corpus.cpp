// pgring-capture-corpus: records what a real PostgreSQL sends during fixed, scripted
// conversations and writes it as libFuzzer seed corpora:
//
//   tests/fuzz/corpus/framing/          [max:2][seed:2][stream] as fuzz_framing reads it: whole
//                                       received streams (one per conversation and per operation
//                                       of the main conversation), default size limit, varied
//                                       chunking seeds; the whole conversation also with a small
//                                       limit
//   tests/fuzz/corpus/backend_message/  single backend messages: tag byte + body, deduplicated,
//                                       at most 200, spread over the message types
//   tests/fuzz/corpus/session_consume/  [split seed byte][stream] of the conversation of
//                                       tests/fuzz/session_script.hpp, as fuzz_session_consume
//                                       replays it, whole and cut at each idle point
//
//   pgring-capture-corpus [DSN] [--out DIR]
//
// DSN must name a server made by tools/pgcluster (it uses the pgring_* roles); without one the
// tool starts a throwaway cluster itself and stops it at the end. DIR defaults to the source
// tree's tests/fuzz/corpus. The three folders are emptied first: they hold captured seeds only.

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <pgring/error.hpp>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "session_script.hpp"
#include "socket_driver.hpp"
#include "wire/backend.hpp"
#include "wire/session.hpp"

#ifndef PGRING_SOURCE_ROOT
#error "capture_corpus.cpp needs PGRING_SOURCE_ROOT"
#endif

namespace {

namespace fs = std::filesystem;
namespace wire = pgring::wire;
using pgring::test::connection_params;
using pgring::test::param;
using pgring::test::query_result;
using pgring::test::socket_driver;
using bytes = std::vector<std::byte>;

constexpr const char* password = "pgring-secret";
constexpr std::size_t max_backend_messages = 200;

struct stream {
    std::string name;
    bytes data;
};

std::uint64_t fnv1a(const bytes& b) {
    std::uint64_t h = 1469598103934665603ull;
    for (std::byte c : b) {
        h ^= std::to_integer<std::uint64_t>(c);
        h *= 1099511628211ull;
    }
    return h;
}

std::string hex64(std::uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "pgring-capture-corpus: %s\n", what.c_str());
    std::exit(1);
}

void write_file(const fs::path& p, const bytes& b) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    if (!out) {
        die("cannot write " + p.string());
    }
}

void empty_folder(const fs::path& dir) {
    fs::create_directories(dir);
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.is_regular_file()) {
            fs::remove(e.path());
        }
    }
}

// Splits a stream into (tag, body) frames; stops at a partial frame.
std::vector<std::pair<char, bytes>> frames_of(const bytes& s) {
    std::vector<std::pair<char, bytes>> out;
    std::size_t at = 0;
    while (at + 5 <= s.size()) {
        const char tag = static_cast<char>(s[at]);
        const std::uint32_t len = (std::to_integer<std::uint32_t>(s[at + 1]) << 24) |
                                  (std::to_integer<std::uint32_t>(s[at + 2]) << 16) |
                                  (std::to_integer<std::uint32_t>(s[at + 3]) << 8) |
                                  std::to_integer<std::uint32_t>(s[at + 4]);
        if (len < 4 || at + 1 + len > s.size()) {
            break;
        }
        out.emplace_back(tag, bytes(s.begin() + static_cast<std::ptrdiff_t>(at + 5),
                                    s.begin() + static_cast<std::ptrdiff_t>(at + 1 + len)));
        at += 1 + len;
    }
    return out;
}

// ---- the throwaway cluster, when no DSN is given ------------------------------------------

std::string g_cluster_dir;

void stop_cluster() {
    if (!g_cluster_dir.empty()) {
        const std::string cmd =
            "/bin/bash '" PGRING_SOURCE_ROOT "/tools/pgcluster' stop '" + g_cluster_dir + "'";
        if (std::system(cmd.c_str()) != 0) {
            std::fprintf(stderr, "pgring-capture-corpus: could not stop the cluster in %s\n",
                         g_cluster_dir.c_str());
        }
        g_cluster_dir.clear();
    }
}

std::string start_cluster() {
    char dir[] = "/tmp/pgring-capture.XXXXXX";
    if (mkdtemp(dir) == nullptr) {
        die("mkdtemp failed");
    }
    chmod(dir, 0755);
    g_cluster_dir = dir;
    std::atexit(stop_cluster);
    const std::string cmd =
        "/bin/bash '" PGRING_SOURCE_ROOT "/tools/pgcluster' start '" + g_cluster_dir + "'";
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) {
        die("cannot run tools/pgcluster");
    }
    std::string out;
    char buf[1024];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) {
        out.append(buf, n);
    }
    if (pclose(p) != 0) {
        die("tools/pgcluster start failed");
    }
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
        const std::string key = "export PGRING_TEST_DSN=";
        if (line.rfind(key, 0) == 0) {
            return line.substr(key.size());
        }
    }
    die("tools/pgcluster printed no PGRING_TEST_DSN");
}

// ---- conversations --------------------------------------------------------------------------

connection_params role(const connection_params& server, const std::string& user, const std::string& pass) {
    connection_params p = server;
    p.user = user;
    p.password = pass;
    p.database = "pgring_test";
    return p;
}

// A connection as `p` that runs `sql` (if any) and terminates; returns what the server sent.
bytes record_login(const connection_params& p, const std::string& sql, bool expect_failure) {
    socket_driver d(pgring::test::to_session_options(p));
    d.set_recording(true);
    const std::error_code ec = d.open(p);
    if (expect_failure != static_cast<bool>(ec)) {
        die("login as " + p.user + (expect_failure ? " succeeded unexpectedly" : " failed: " + ec.message()));
    }
    if (!ec && !sql.empty()) {
        (void)d.simple_query(sql);
    }
    d.close();
    return d.recorded();
}

struct operation {
    std::string name;
    std::function<void(socket_driver&)> run;
};

void expect_ok(const query_result& r, const std::string& what) {
    if (!r.ok()) {
        die(what + " failed: " + r.error.primary());
    }
}

void expect_error(const query_result& r, const std::string& what) {
    if (r.ok() || r.fatal) {
        die(what + " did not fail as expected");
    }
}

std::vector<operation> main_operations() {
    std::vector<operation> ops;
    ops.push_back(
        {"simple_types", [](socket_driver& d) {
             expect_ok(d.simple_query("SELECT 1 AS one, 'two' AS two, NULL AS three, 4.5::numeric AS num, "
                                      "true AS yes, ARRAY[1, 2, NULL] AS arr, '{\"a\": 1}'::jsonb AS doc, "
                                      "'\\x00ff'::bytea AS raw, '2024-01-02 03:04:05+00'::timestamptz AS ts, "
                                      "'1 day'::interval AS iv, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid "
                                      "AS id, 1.5::float8 AS f, 'NaN'::float4 AS nan"),
                       "simple types");
         }});
    ops.push_back(
        {"multi_statement", [](socket_driver& d) {
             expect_ok(
                 d.simple_query("CREATE TEMP TABLE cap_t (a int4 PRIMARY KEY, b text); "
                                "INSERT INTO cap_t SELECT g, 'row ' || g FROM generate_series(1, 40) g; "
                                "UPDATE cap_t SET b = NULL WHERE a % 7 = 0; DELETE FROM cap_t WHERE a > 30; "
                                "SELECT * FROM cap_t ORDER BY a"),
                 "multi statement");
         }});
    ops.push_back(
        {"errors", [](socket_driver& d) {
             expect_error(d.simple_query("SELECT * FROM no_such_table"), "undefined table");
             expect_error(d.simple_query("SELEC 1"), "syntax error");
             expect_error(d.simple_query("INSERT INTO cap_t VALUES (1, 'dup')"), "unique violation");
             expect_error(d.simple_query("DO $$BEGIN RAISE EXCEPTION 'boom' USING DETAIL = 'a detail', "
                                         "HINT = 'a hint', ERRCODE = 'P0001'; END$$"),
                          "raise exception");
             expect_error(d.simple_query("SELECT 1; SELECT 1/0; SELECT 3"), "division by zero");
         }});
    ops.push_back({"notices", [](socket_driver& d) {
                       expect_ok(
                           d.simple_query("DO $$BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful' "
                                          "USING HINT = 'a hint'; END$$"),
                           "notices");
                   }});
    ops.push_back({"parameter_status", [](socket_driver& d) {
                       expect_ok(
                           d.simple_query("SET application_name = 'pgring-capture'; SET TimeZone = 'UTC'"),
                           "SET");
                   }});
    ops.push_back({"listen_notify", [](socket_driver& d) {
                       expect_ok(d.simple_query("LISTEN cap_chan; NOTIFY cap_chan, 'payload'; "
                                                "SELECT pg_notify('cap_chan', 'second'); UNLISTEN cap_chan"),
                                 "LISTEN/NOTIFY");
                   }});
    ops.push_back({"copy_out", [](socket_driver& d) {
                       expect_ok(d.simple_query("COPY (SELECT a, b FROM cap_t ORDER BY a) TO STDOUT"),
                                 "COPY TO");
                       expect_ok(d.simple_query("COPY (SELECT a, b FROM cap_t ORDER BY a LIMIT 5) TO STDOUT "
                                                "(FORMAT binary)"),
                                 "COPY TO binary");
                   }});
    ops.push_back({"copy_in", [](socket_driver& d) {
                       expect_ok(d.copy_in("COPY cap_t FROM STDIN", "100\thundred\n101\t\\N\n"), "COPY FROM");
                       expect_error(d.simple_query("COPY cap_t FROM STDIN"), "COPY FROM with CopyFail");
                   }});
    ops.push_back({"empty_query", [](socket_driver& d) {
                       expect_ok(d.simple_query(""), "empty query");
                       expect_ok(d.simple_query(";"), "empty statement");
                   }});
    ops.push_back({"transaction_status", [](socket_driver& d) {
                       expect_ok(d.simple_query("BEGIN"), "BEGIN");
                       expect_error(d.simple_query("SELECT 1/0"), "error in transaction");
                       expect_error(d.simple_query("SELECT 1"), "in failed transaction");
                       expect_ok(d.simple_query("ROLLBACK"), "ROLLBACK");
                   }});
    ops.push_back(
        {"extended_binary", [](socket_driver& d) {
             const param p[] = {param::int4(40), param::int8(-5), param::text("text"), param::null(23)};
             expect_ok(d.extended_query("SELECT $1::int4 + 2, $2::int8, $3::text, $4::int4", p, 1),
                       "extended binary");
             const param q[] = {param::text("7")};
             expect_ok(d.extended_query("SELECT g, g::text FROM generate_series(1, $1::int4) g", q, 0),
                       "extended text");
         }});
    ops.push_back({"describe_statement", [](socket_driver& d) {
                       wire::session& s = d.session();
                       (void)s.send_parse(d.out(), "cap_stmt", "SELECT $1::int8 AS big, $2::text AS t");
                       (void)s.send_describe_statement(d.out(), "cap_stmt");
                       (void)s.send_close(d.out(), 'S', "cap_stmt");
                       (void)s.send_sync(d.out());
                       (void)d.flush();
                       expect_ok(d.collect(), "describe statement");
                   }});
    ops.push_back({"pipeline_with_error", [](socket_driver& d) {
                       wire::session& s = d.session();
                       (void)s.send_parse(d.out(), "cap_div", "SELECT 100 / $1::int4");
                       for (int v : {4, 0, 5, 10, 0, 20}) {
                           const param p[] = {param::int4(v)};
                           (void)d.queue_bind_execute_sync("cap_div", p, 1);
                       }
                       (void)s.send_parse(d.out(), "", "SELEC 1");
                       (void)s.send_sync(d.out());
                       (void)d.flush();
                       for (int i = 0; i < 7; ++i) {
                           const query_result r = d.collect();
                           if (r.fatal) {
                               die("pipeline failed: " + r.error.primary());
                           }
                       }
                   }});
    ops.push_back({"portal_suspended", [](socket_driver& d) {
                       wire::session& s = d.session();
                       expect_ok(d.simple_query("BEGIN"), "BEGIN");
                       (void)s.send_parse(d.out(), "", "SELECT g FROM generate_series(1, 5) g");
                       (void)s.send_bind(d.out(), "cap_portal", "", {}, {}, {});
                       (void)s.send_describe_portal(d.out(), "cap_portal");
                       (void)s.send_execute(d.out(), "cap_portal", 2);
                       (void)s.send_execute(d.out(), "cap_portal", 0);
                       (void)s.send_close(d.out(), 'P', "cap_portal");
                       (void)s.send_sync(d.out());
                       (void)d.flush();
                       expect_ok(d.collect(), "portal");
                       expect_ok(d.simple_query("COMMIT"), "COMMIT");
                   }});
    ops.push_back({"big_row", [](socket_driver& d) {
                       expect_ok(d.simple_query("SELECT repeat('x', 20000) AS big, 'tail' AS t"), "big row");
                   }});
    return ops;
}

// The conversation of tests/fuzz/session_script.hpp, driven exactly as fuzz_session_consume
// drives it. Returns the stream and the stream offsets at each idle point.
std::pair<bytes, std::vector<std::size_t>> record_session_script(const connection_params& server) {
    wire::session_options o = pgring::fuzz::conversation_options("pgring_scram", password, "pgring_test");
    socket_driver d(std::move(o));
    d.set_recording(true);
    if (auto ec = d.connect(server.host, server.port)) {
        die("connect failed: " + ec.message());
    }
    if (auto ec = d.session().start(d.out())) {
        die("start failed: " + ec.message());
    }
    std::vector<std::size_t> cuts;
    int step = 0;
    for (;;) {
        const wire::event ev = d.next_event();
        if (ev.kind == wire::event_kind::fatal) {
            die("the session script failed: " + ev.ec.message() + " " + d.session().last_error().primary());
        }
        if (ev.kind == wire::event_kind::copy_in_response) {
            pgring::fuzz::copy_in_reply(d.session(), d.out());
        }
        if ((ev.kind == wire::event_kind::ready || ev.kind == wire::event_kind::ready_for_query) &&
            d.session().idle()) {
            cuts.push_back(d.recorded().size());
            if (!pgring::fuzz::session_script_step(d.session(), d.out(), step++)) {
                break;
            }
        }
    }
    d.close();
    return {d.recorded(), cuts};
}

int usage() {
    std::fprintf(stderr, "usage: pgring-capture-corpus [DSN] [--out DIR]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string dsn;
    fs::path out_root = fs::path(PGRING_SOURCE_ROOT) / "tests" / "fuzz" / "corpus";
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out_root = argv[++i];
        } else if (argv[i][0] == '-' || !dsn.empty()) {
            return usage();
        } else {
            dsn = argv[i];
        }
    }
    if (dsn.empty()) {
        dsn = start_cluster();
    }
    connection_params server;
    std::string why;
    if (pgring::test::parse_dsn(dsn, server, &why)) {
        die("invalid DSN: " + why);
    }

    std::vector<stream> streams;

    // Logins with every authentication method, good and bad passwords.
    for (const char* r : {"pgring_trust", "pgring_password", "pgring_md5", "pgring_scram"}) {
        const std::string user = r;
        streams.push_back(
            {"login_" + user.substr(7), record_login(role(server, user, password), "SELECT 1", false)});
        if (user != "pgring_trust") {
            streams.push_back(
                {"badlogin_" + user.substr(7), record_login(role(server, user, "wrong"), "", true)});
        }
    }
    {
        connection_params nodb = role(server, "postgres", "");
        nodb.database = "no_such_database";
        streams.push_back({"badlogin_database", record_login(nodb, "", true)});
    }

    // The main conversation, one stream per operation and one for the whole.
    {
        connection_params p = server;
        socket_driver d(pgring::test::to_session_options(p));
        d.set_recording(true);
        if (auto ec = d.open(p)) {
            die("login failed: " + ec.message() + " " + d.session().last_error().primary());
        }
        stream whole{"conversation", d.recorded()};
        for (const operation& op : main_operations()) {
            d.clear_recorded();
            op.run(d);
            if (!d.session().idle()) {
                die("operation " + op.name + " left the session busy");
            }
            streams.push_back({"op_" + op.name, d.recorded()});
            whole.data.insert(whole.data.end(), d.recorded().begin(), d.recorded().end());
        }
        d.clear_recorded();
        // The backend terminates itself: FATAL 57P01, then EOF.
        const query_result r = d.simple_query("SELECT pg_terminate_backend(pg_backend_pid())");
        if (!r.fatal) {
            die("pg_terminate_backend did not end the connection");
        }
        streams.push_back({"op_terminated", d.recorded()});
        whole.data.insert(whole.data.end(), d.recorded().begin(), d.recorded().end());
        streams.push_back(std::move(whole));
    }

    const std::pair<bytes, std::vector<std::size_t>> script = record_session_script(server);
    const bytes& script_stream = script.first;
    const std::vector<std::size_t>& cuts = script.second;
    streams.push_back({"session_script", script_stream});

    // ---- write ----------------------------------------------------------------------------
    const fs::path framing = out_root / "framing";
    const fs::path messages = out_root / "backend_message";
    const fs::path session = out_root / "session_consume";
    empty_folder(framing);
    empty_folder(messages);
    empty_folder(session);

    // fuzz_framing input: [max_message_size:2, 0xFFFF = default][chunking seed:2][stream]; the low
    // two bits of the seed pick the chunk scale (3, 16 or 300 bytes).
    std::size_t framing_files = 0;
    auto write_framing = [&](const stream& s, std::uint16_t max, std::uint16_t seed) {
        bytes b;
        b.reserve(4 + s.data.size());
        b.push_back(static_cast<std::byte>(max >> 8));
        b.push_back(static_cast<std::byte>(max & 0xFF));
        b.push_back(static_cast<std::byte>(seed >> 8));
        b.push_back(static_cast<std::byte>(seed & 0xFF));
        b.insert(b.end(), s.data.begin(), s.data.end());
        write_file(framing / (s.name + "-" + hex64(fnv1a(b)).substr(0, 12)), b);
        ++framing_files;
    };
    std::map<char, std::vector<bytes>> by_tag;
    std::set<std::uint64_t> seen;
    std::uint16_t stream_index = 0;
    for (const stream& s : streams) {
        if (s.data.empty()) {
            continue;
        }
        write_framing(s, 0xFFFF, static_cast<std::uint16_t>((stream_index * 0x0105u) ^ (stream_index % 3)));
        ++stream_index;
        if (s.name == "conversation") {
            write_framing(s, 256, 0x0101);
        }
        for (auto& [tag, body] : frames_of(s.data)) {
            bytes m;
            m.reserve(1 + body.size());
            m.push_back(static_cast<std::byte>(tag));
            m.insert(m.end(), body.begin(), body.end());
            // Big messages add bytes, not coverage: keep one per type at most.
            auto& list = by_tag[tag];
            if ((m.size() <= 4096 || list.empty()) && seen.insert(fnv1a(m)).second) {
                list.push_back(std::move(m));
            }
        }
    }
    // Spread the cap over the message types: round-robin, first occurrences first.
    std::size_t message_files = 0;
    for (std::size_t round = 0; message_files < max_backend_messages; ++round) {
        bool any = false;
        for (auto& [tag, list] : by_tag) {
            if (round < list.size() && message_files < max_backend_messages) {
                const std::string name(wire::backend::message_name(tag));
                write_file(messages / (name + "-" + hex64(fnv1a(list[round])).substr(0, 12)), list[round]);
                ++message_files;
                any = true;
            }
        }
        if (!any) {
            break;
        }
    }

    // fuzz_session_consume input: [split seed][stream]; piece size = 1 + 7 * seed.
    std::size_t session_files = 0;
    auto write_session = [&](const std::string& name, std::uint8_t seed, std::size_t length) {
        bytes b;
        b.reserve(1 + length);
        b.push_back(static_cast<std::byte>(seed));
        b.insert(b.end(), script_stream.begin(), script_stream.begin() + static_cast<std::ptrdiff_t>(length));
        write_file(session / (name + "-" + hex64(fnv1a(b)).substr(0, 12)), b);
        ++session_files;
    };
    for (std::uint8_t seed : {std::uint8_t{0}, std::uint8_t{3}, std::uint8_t{36}, std::uint8_t{255}}) {
        write_session("conversation", seed, script_stream.size());
    }
    for (std::size_t i = 0; i < cuts.size(); ++i) {
        if (cuts[i] > 0 && cuts[i] < script_stream.size()) {
            write_session("upto_step" + std::to_string(i), 255, cuts[i]);
        }
    }

    std::printf("pgring-capture-corpus: %zu framing, %zu backend_message, %zu session_consume seeds in %s\n",
                framing_files, message_files, session_files, out_root.c_str());
    stop_cluster();
    return 0;
}
