// pgring-demo: connects to PostgreSQL through the sans-io session over a blocking socket,
// shows what the server reported at startup, runs a simple query, an extended query with binary
// parameters, and a pipeline of 10,000 `SELECT $1::int4`, and prints the queries per second.
//
//   pgring-demo DSN [--queries N] [--batch N]
//
// DSN: postgresql://user:password@host:port/dbname or "host=... port=... user=... password=...
// dbname=..." (a host starting with '/' is a unix-socket directory). Exits non-zero on any
// error or wrong result.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <pgring/error.hpp>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "socket_driver.hpp"
#include "wire/session.hpp"

namespace {

using pgring::test::connection_params;
using pgring::test::param;
using pgring::test::query_result;
using pgring::test::socket_driver;
namespace wire = pgring::wire;

int fail(const char* what, const std::error_code& ec, const pgring::diagnostics& d) {
    if (d.primary().empty()) {
        std::fprintf(stderr, "pgring-demo: %s failed: %s\n", what, ec.message().c_str());
    } else {
        std::fprintf(stderr, "pgring-demo: %s failed: %s [%s]\n", what, d.primary().c_str(),
                     ec.message().c_str());
    }
    return 1;
}

int fail(const char* what, const query_result& r) {
    return fail(what, r.ec, r.error);
}

void print_result(const query_result& r) {
    for (const auto& s : r.statements) {
        for (std::size_t i = 0; i < s.columns.size(); ++i) {
            std::printf("%s%s", i == 0 ? "  | " : " | ", s.columns[i].c_str());
        }
        if (!s.columns.empty()) {
            std::printf("\n");
        }
        for (const auto& row : s.rows) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                std::printf("%s%s", i == 0 ? "  | " : " | ", row[i] ? row[i]->c_str() : "NULL");
            }
            std::printf("\n");
        }
        std::printf("  (%s)\n", s.command_tag.c_str());
    }
}

int usage() {
    std::fprintf(stderr, "usage: pgring-demo DSN [--queries N] [--batch N]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        return usage();
    }
    int queries = 10000;
    int batch = 500;
    for (int i = 2; i < argc; ++i) {
        if (std::strcmp(argv[i], "--queries") == 0 && i + 1 < argc) {
            queries = std::atoi(argv[++i]);
        } else if (std::strcmp(argv[i], "--batch") == 0 && i + 1 < argc) {
            batch = std::atoi(argv[++i]);
        } else {
            return usage();
        }
    }
    if (queries < 1 || batch < 1) {
        return usage();
    }

    connection_params p;
    std::string why;
    if (pgring::test::parse_dsn(argv[1], p, &why)) {
        std::fprintf(stderr, "pgring-demo: invalid DSN: %s\n", why.c_str());
        return 2;
    }
    wire::session_options options = pgring::test::to_session_options(p);
    options.application_name = "pgring-demo";
    socket_driver db(std::move(options));

    // ---- connect and authenticate, keeping every ParameterStatus --------------------------
    if (auto ec = db.connect(p.host, p.port)) {
        std::fprintf(stderr, "pgring-demo: cannot connect to %s port %u: %s\n", p.host.c_str(), p.port,
                     ec.message().c_str());
        return 1;
    }
    if (auto ec = db.session().start(db.out())) {
        return fail("startup", ec, db.session().last_error());
    }
    std::vector<std::pair<std::string, std::string>> parameters;
    for (bool ready = false; !ready;) {
        const wire::event ev = db.next_event();
        switch (ev.kind) {
            case wire::event_kind::parameter_status:
                if (const auto* ps = std::get_if<wire::backend::parameter_status>(&ev.msg)) {
                    parameters.emplace_back(ps->name, ps->value);
                }
                break;
            case wire::event_kind::ready:
                ready = true;
                break;
            case wire::event_kind::error:
            case wire::event_kind::fatal:
                return fail("authentication", ev.ec, db.session().last_error());
            default:
                break;
        }
    }
    std::printf("connected to %s port %u as %s (database %s), backend pid %d\n", p.host.c_str(), p.port,
                p.user.c_str(), p.database.empty() ? p.user.c_str() : p.database.c_str(),
                db.session().backend_key().process_id);
    std::printf("server_version: %s\n",
                std::string(db.session().parameter("server_version").value_or("(not reported)")).c_str());
    std::printf("session parameters:\n");
    for (const auto& [name, value] : parameters) {
        std::printf("  %s = %s\n", name.c_str(), value.c_str());
    }

    // ---- simple query -------------------------------------------------------------------
    std::printf("simple query:\n");
    const query_result simple = db.simple_query(
        "SELECT current_user AS \"user\", current_database() AS database, 6 * 7 AS answer; "
        "SELECT g AS n, g * g AS square FROM generate_series(1, 3) g");
    if (!simple.ok()) {
        return fail("simple query", simple);
    }
    print_result(simple);
    if (simple.statements.size() != 2 || simple.statements[0].rows.at(0).at(2).value_or("") != "42" ||
        simple.statements[1].rows.size() != 3) {
        std::fprintf(stderr, "pgring-demo: simple query returned wrong results\n");
        return 1;
    }

    // ---- extended query with binary parameters ------------------------------------------
    const param params[] = {param::int4(40), param::int4(2), param::text("binary")};
    const query_result extended =
        db.extended_query("SELECT $1::int4 + $2::int4 AS sum, length($3::text) AS len", params, 1);
    if (!extended.ok()) {
        return fail("extended query", extended);
    }
    const auto& row = extended.rows().at(0);
    const std::int32_t sum = pgring::test::decode_int4(row.at(0).value_or(""));
    const std::int32_t len = pgring::test::decode_int4(row.at(1).value_or(""));
    std::printf("extended query (binary int4 parameters and results): sum = %d, len = %d\n", sum, len);
    if (sum != 42 || len != 6) {
        std::fprintf(stderr, "pgring-demo: extended query returned wrong results\n");
        return 1;
    }

    // ---- pipeline -------------------------------------------------------------------------
    const pgring::oid_t int4_type[] = {23};
    if (auto ec = db.session().send_parse(db.out(), "pgring_demo_echo", "SELECT $1::int4", int4_type)) {
        return fail("Parse", ec, db.session().last_error());
    }
    if (auto ec = db.session().send_sync(db.out())) {
        return fail("Sync", ec, db.session().last_error());
    }
    if (auto ec = db.flush()) {
        return fail("flush", ec, db.session().last_error());
    }
    if (const query_result prepared = db.collect(); !prepared.ok()) {
        return fail("Parse", prepared);
    }

    const auto start = std::chrono::steady_clock::now();
    int sent = 0;
    int received = 0;
    std::int64_t checksum = 0;
    while (received < queries) {
        // Keep at most two batches in flight: write the next batch before reading the current.
        if (sent < queries && sent - received <= batch) {
            const int end = std::min(queries, sent + batch);
            for (; sent < end; ++sent) {
                const param value[] = {param::int4(sent)};
                if (auto ec = db.queue_bind_execute_sync("pgring_demo_echo", value, 1)) {
                    return fail("Bind/Execute/Sync", ec, db.session().last_error());
                }
            }
            if (auto ec = db.flush()) {
                return fail("flush", ec, db.session().last_error());
            }
        }
        const query_result r = db.collect();
        if (!r.ok()) {
            return fail("pipelined query", r);
        }
        if (r.rows().size() != 1 || pgring::test::decode_int4(r.rows()[0].at(0).value_or("")) != received) {
            std::fprintf(stderr, "pgring-demo: pipelined query %d returned a wrong result\n", received);
            return 1;
        }
        checksum += received;
        ++received;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (checksum != std::int64_t{queries} * (queries - 1) / 2) {
        std::fprintf(stderr, "pgring-demo: pipeline checksum mismatch\n");
        return 1;
    }
    std::printf(
        "pipeline: %d x SELECT $1::int4 (Bind/Execute/Sync each, batches of %d): %.3f s, %.0f queries/s\n",
        queries, batch, seconds, queries / seconds);
    std::printf("reassembly copies: %llu bytes\n",
                static_cast<unsigned long long>(db.session().copied_bytes()));

    db.close();
    std::printf("ok\n");
    return 0;
}
