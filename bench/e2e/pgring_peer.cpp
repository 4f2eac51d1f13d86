// pgring_peer: pgring in the shared peer benchmark harness (../shared/peers, "Peer contract").
//
//   pgring_peer --dsn DSN --workload NAME --concurrency N --seconds S [--warmup S] [--rows N] [--ops N]
//
// N connections on one loop (this thread), one coroutine each running a closed loop of ops:
// a warm-up, then S seconds measured (ops that start inside the window count). Every value is
// decoded and checked. Prints exactly one JSON line on stdout.
//
// Workloads: select1 (SELECT $1::int4, value echoed), pg_type (~600 rows of pg_type, count and
// oid checksum stable), series (generate_series(1, rows), count and sum). Others report
// "unsupported" for now.

#include <pgring/connection.hpp>
#include <pgring/loop.hpp>

#include "driver/loop_impl.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

struct settings {
    std::string dsn;
    std::string workload = "select1";
    int concurrency = 1;
    double seconds = 5;
    double warmup = 1;
    long rows = -1;
    long max_ops = -1;
};

struct worker_state {
    long ops = 0;
    long rows = 0;
    std::vector<double> latencies_us;
    clock_type::time_point last_end{};
    bool failed = false;
    std::string error;
    long expect_rows = -1;
    std::uint64_t expect_checksum = 0;
};

struct shared_state {
    const settings* s = nullptr;
    clock_type::time_point start;  // measured window
    clock_type::time_point end;
    int finished = 0;
};

double cpu_seconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// One op; returns rows, or -1 after setting w.error.
pgring::task<long> one_op(pgring::connection& conn, const settings& s, worker_state& w, std::int32_t i) {
    if (s.workload == "select1") {
        auto r = co_await conn.try_query_value<std::int32_t>("SELECT $1::int4", i);
        if (!r || *r != i) {
            w.error = r ? "wrong value" : r.diag().primary();
            co_return -1;
        }
        co_return 1;
    }
    if (s.workload == "pg_type") {
        auto r = co_await conn.try_query(
            "SELECT typname, typnamespace, typowner, typlen, typbyval, typcategory, typispreferred, "
            "typisdefined, typdelim, typrelid, typelem, typarray FROM pg_type WHERE typtypmod = $1 AND "
            "typisdefined = $2",
            std::int32_t{-1}, true);
        if (!r) {
            w.error = r.diag().primary();
            co_return -1;
        }
        std::uint64_t sum = 0;
        for (const pgring::row_view row : *r) {
            auto [name, ns, owner, len, byval, cat, pref, def, delim, relid, elem, arr] =
                row.as<std::string_view, std::uint32_t, std::uint32_t, std::int16_t, bool, std::string_view, bool,
                       bool, std::string_view, std::uint32_t, std::uint32_t, std::uint32_t>();
            sum += ns + owner + static_cast<std::uint64_t>(len) + byval + cat.size() + pref + def + delim.size() +
                   relid + elem + arr + name.size();
        }
        const long n = static_cast<long>(r->size());
        if (w.expect_rows < 0) {
            w.expect_rows = n;
            w.expect_checksum = sum;
        } else if (n != w.expect_rows || sum != w.expect_checksum) {
            w.error = "pg_type result changed";
            co_return -1;
        }
        co_return n;
    }
    if (s.workload == "series") {
        const long n = s.rows > 0 ? s.rows : 1000000;
        auto r = co_await conn.try_query("SELECT i FROM generate_series(1, $1) AS i", static_cast<std::int32_t>(n));
        if (!r) {
            w.error = r.diag().primary();
            co_return -1;
        }
        std::int64_t sum = 0;
        for (const pgring::row_view row : *r) {
            std::int32_t v = 0;
            if ((*row.begin()).get(v)) {
                w.error = "decode failed";
                co_return -1;
            }
            sum += v;
        }
        if (static_cast<long>(r->size()) != n || sum != static_cast<std::int64_t>(n) * (n + 1) / 2) {
            w.error = "wrong series";
            co_return -1;
        }
        co_return n;
    }
    w.error = "unsupported: " + s.workload + " is not implemented in pgring_peer yet";
    co_return -1;
}

pgring::task<void> worker(pgring::loop& lp, shared_state& sh, worker_state& w) {
    const settings& s = *sh.s;
    auto c = co_await pgring::connection::try_connect(lp, s.dsn);
    if (!c) {
        w.failed = true;
        w.error = c.diag().primary();
        ++sh.finished;
        co_return;
    }
    pgring::connection conn = std::move(*c);
    std::int32_t i = 0;
    for (;;) {
        const auto t0 = clock_type::now();
        if (t0 >= sh.end || (s.max_ops >= 0 && w.ops >= s.max_ops)) {
            break;
        }
        const long rows = co_await one_op(conn, s, w, ++i);
        const auto t1 = clock_type::now();
        if (rows < 0) {
            w.failed = true;
            break;
        }
        if (t0 >= sh.start) {
            ++w.ops;
            w.rows += rows;
            w.latencies_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
            w.last_end = t1;
        }
    }
    ++sh.finished;
}

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) {
        return 0;
    }
    const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

std::string json_escape(const std::string& in) {
    std::string out;
    for (const char c : in) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    settings s;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        const char* v = argv[i + 1];
        if (k == "--dsn") {
            s.dsn = v;
        } else if (k == "--workload") {
            s.workload = v;
        } else if (k == "--concurrency") {
            s.concurrency = std::max(1, std::atoi(v));
        } else if (k == "--seconds") {
            s.seconds = std::atof(v);
        } else if (k == "--warmup") {
            s.warmup = std::atof(v);
        } else if (k == "--rows") {
            s.rows = std::atol(v);
        } else if (k == "--ops") {
            s.max_ops = std::atol(v);
        } else {
            std::fprintf(stderr, "pgring_peer: unknown option %s\n", k.c_str());
            return 2;
        }
    }
    if (s.rows < 0 && std::getenv("PEER_ROWS") != nullptr) {
        s.rows = std::atol(std::getenv("PEER_ROWS"));
    }
    pgring::loop lp;
    shared_state sh;
    sh.s = &s;
    const auto now = clock_type::now();
    sh.start = now + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s.warmup));
    sh.end = sh.start + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s.seconds));
    std::vector<worker_state> workers(static_cast<std::size_t>(s.concurrency));
    double cpu_start = -1;
    for (auto& w : workers) {
        lp.spawn(worker(lp, sh, w));
    }
    // Run until the window opens, take the CPU reading, then run to the end.
    while (sh.finished < s.concurrency && clock_type::now() < sh.start) {
        lp.impl().turn(false);
    }
    cpu_start = cpu_seconds();
    lp.run();
    const double cpu = cpu_seconds() - cpu_start;

    long ops = 0;
    long rows = 0;
    bool ok = true;
    std::string note;
    std::vector<double> lat;
    clock_type::time_point last = sh.start;
    for (auto& w : workers) {
        ops += w.ops;
        rows += w.rows;
        if (w.failed) {
            ok = false;
            note = w.error;
        }
        lat.insert(lat.end(), w.latencies_us.begin(), w.latencies_us.end());
        last = std::max(last, w.last_end);
    }
    const double wall = std::chrono::duration<double>(last - sh.start).count();
    const double p50 = percentile(lat, 0.5);
    const double p99 = percentile(lat, 0.99);
    std::printf(
        "{\"peer\":\"pgring\",\"workload\":\"%s\",\"concurrency\":%d,\"ops\":%ld,\"rows\":%ld,\"wall_s\":%.3f,"
        "\"client_cpu_s\":%.3f,\"ops_per_s\":%.1f,\"rows_per_s\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"ok\":%s,"
        "\"note\":\"%s\"}\n",
        s.workload.c_str(), s.concurrency, ops, rows, wall, cpu, wall > 0 ? ops / wall : 0.0,
        wall > 0 ? rows / wall : 0.0, p50, p99, ok ? "true" : "false", json_escape(note).c_str());
    return 0;
}
