// pgring-peer: pgring in the shared peer benchmark harness (../shared/peers, "Peer contract").
//
//   pgring-peer --dsn DSN --workload NAME --concurrency N --seconds S [--warmup S] [--rows N] [--ops N]
//
// N connections, one coroutine each running a closed loop of ops, on one loop per core (a
// pgring::runtime; --loops L sets how many; with concurrency 1, on this thread's loop):
// a warm-up, then S seconds measured (ops that start inside the window count). Written with the
// public coroutine API as a user would write it. Every value is decoded and checked; a wrong
// result prints "ok":false with a note and exits 1. Prints exactly one JSON line on stdout.
//
// Workloads (sizes: --rows):
//   select1       SELECT $1::int4, the value echoed back
//   pg_type       ~600 rows of pg_type, row count and oid checksum stable
//   series        generate_series(1, 1,000,000): count and sum
//   wide          200,000 rows of _bench_wide (int8, float8, text, timestamptz, numeric, bool,
//                 int4[]): count, sum(id), sum(a), sum(len(b)), count(e), sum(f)
//   insert_batch  1,000 INSERTs of 7 values as one execute_many (one Sync); the table's growth
//                 is checked at the end
//   copy_in       1,000,000 typed rows through copy_records (binary COPY encoded by the codecs)
//   pipeline      10,000 x SELECT $1::int4 as one query_many (one Sync): count and sum
//
// --fetch-size N (series): stream the rows in batches of N through conn.stream() instead of
// holding the whole result, so memory stays flat whatever the row count.

#include <pgring/connection.hpp>
#include <pgring/cursor.hpp>
#include <pgring/loop.hpp>
#include <pgring/numeric.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ranges>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
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
    long fetch_size = 0;  // series: stream in batches of this many rows (0: query() all at once)
    long loops = 0;       // loop threads (0: one per core when concurrency > 1, else 1)
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

// Shared by the workers, which may run on several loop threads (--loops).
struct shared_state {
    const settings* s = nullptr;
    clock_type::time_point start;  // measured window
    clock_type::time_point end;
    std::atomic<double> cpu_start{-1};  // process CPU time when the first op of the window started
    std::atomic<long> all_ops{0};       // ops of every connection, warm-up included (insert_batch check)
    std::atomic<int> finished{0};
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
    if (s.workload == "series" && s.fetch_size > 0) {
        // Streamed in batches (memory bounded by one batch): --fetch-size N.
        const long n = s.rows > 0 ? s.rows : 1000000;
        auto st = co_await conn.try_stream(pgring::stream_options{.fetch_size = static_cast<std::size_t>(s.fetch_size)},
                                           "SELECT i FROM generate_series(1, $1) AS i", static_cast<std::int32_t>(n));
        if (!st) {
            w.error = st.diag().primary();
            co_return -1;
        }
        std::int64_t sum = 0;
        long count = 0;
        for (;;) {
            auto batch = co_await st->try_next();
            if (!batch) {
                w.error = batch.diag().primary();
                co_return -1;
            }
            if (!*batch) {
                break;
            }
            for (const pgring::row_view row : **batch) {
                std::int32_t v = 0;
                if ((*row.begin()).get(v)) {
                    w.error = "decode failed";
                    co_return -1;
                }
                sum += v;
                ++count;
            }
        }
        if (count != n || sum != static_cast<std::int64_t>(n) * (n + 1) / 2) {
            w.error = "wrong series";
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
    if (s.workload == "wide") {
        const long n = s.rows > 0 ? s.rows : 200000;
        auto r = co_await conn.try_query("SELECT id, a, b, c, d, e, f FROM _bench_wide WHERE id <= $1",
                                         static_cast<std::int64_t>(n));
        if (!r) {
            w.error = r.diag().primary();
            co_return -1;
        }
        std::uint64_t sum_id = 0;
        std::uint64_t sum_len = 0;
        std::uint64_t count_e = 0;
        std::int64_t sum_f = 0;
        double sum_a = 0;
        double sum_d = 0;
        std::int64_t sum_c = 0;
        std::vector<std::int32_t> f;  // reused: decoding into it keeps its capacity
        pgring::numeric d;
        for (const pgring::row_view row : *r) {
            std::int64_t id = 0;
            double a = 0;
            std::string_view b;
            pgring::timestamptz c;
            bool e = false;
            if (row[0].get(id) || row[1].get(a) || row[2].get(b) || row[3].get(c) || row[4].get(d) ||
                row[5].get(e) || row[6].get(f)) {
                w.error = "wide: decode failed";
                co_return -1;
            }
            sum_id += static_cast<std::uint64_t>(id);
            sum_a += a;
            sum_len += b.size();
            sum_c += c.microseconds;
            sum_d += d.to_double_lossy();
            count_e += e ? 1 : 0;
            for (const std::int32_t v : f) {
                sum_f += v;
            }
        }
        const auto expect_id = static_cast<std::uint64_t>(n) * static_cast<std::uint64_t>(n + 1) / 2;
        std::int64_t expect_f = 0;
        for (long g = 1; g <= n; ++g) {
            expect_f += 5 * (g % 10) + 10;
        }
        if (static_cast<long>(r->size()) != n || sum_id != expect_id || sum_len != 20ull * static_cast<std::uint64_t>(n) ||
            count_e != static_cast<std::uint64_t>(n / 2) || sum_a != 0.5 * static_cast<double>(expect_id) ||
            sum_f != expect_f || sum_c == 0 || sum_d <= 0) {
            w.error = "wide: wrong row count or checksum";
            co_return -1;
        }
        co_return n;
    }
    if (s.workload == "insert_batch") {
        const long n = s.rows > 0 ? s.rows : 1000;
        const auto one = std::make_tuple(std::int32_t{10}, std::int32_t{11}, std::int32_t{10},
                                         std::string_view("TESTTESTTEST"), 10.333, std::int32_t{12341234},
                                         std::string_view("123412341234"));
        auto rows = std::views::iota(0L, n) | std::views::transform([&one](long) { return one; });
        auto r = co_await conn.try_execute_many("INSERT INTO _bench_ins(a, b, c, d, e, f, g) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                                                rows);
        if (!r) {
            w.error = r.diag().primary();
            co_return -1;
        }
        if (r->rows_affected != static_cast<std::uint64_t>(n)) {
            w.error = "insert_batch: " + std::to_string(r->rows_affected) + " rows inserted, not " + std::to_string(n);
            co_return -1;
        }
        co_return n;
    }
    if (s.workload == "copy_in") {
        const long n = s.rows > 0 ? s.rows : 1000000;
        constexpr std::int64_t ts0 = 757382400000000LL;  // 2024-01-01 UTC, microseconds since 2000
        auto rows = std::views::iota(0L, n) | std::views::transform([](long i) {
                        return std::make_tuple(static_cast<std::int64_t>(i), std::string_view("copy-row-payload-xyz"),
                                               static_cast<double>(i) * 0.25,
                                               pgring::timestamptz{ts0 + static_cast<std::int64_t>(i) * 1000000});
                    });
        std::vector<std::string> columns{"a", "b", "c", "d"};
        auto r = co_await conn.try_copy_records("_bench_copy", std::move(columns), rows);
        if (!r) {
            w.error = r.diag().primary();
            co_return -1;
        }
        if (r->rows_affected != static_cast<std::uint64_t>(n)) {
            w.error = "copy_in: wrong row count";
            co_return -1;
        }
        co_return n;
    }
    if (s.workload == "pipeline") {
        const long n = s.rows > 0 ? s.rows : 10000;
        const long base = static_cast<long>(i) * 7919;
        std::uint64_t expect = 0;
        auto values = std::views::iota(0L, n) | std::views::transform([base, &expect](long k) {
                          const auto v = static_cast<std::int32_t>((base + k) & 0x7fffffff);
                          expect += static_cast<std::uint64_t>(v);
                          return v;
                      });
        auto r = co_await conn.try_query_many("SELECT $1::int4", values);
        if (!r) {
            w.error = r.diag().primary();
            co_return -1;
        }
        std::uint64_t sum = 0;
        for (const pgring::row_view row : *r) {
            std::int32_t v = 0;
            if (row[0].get(v)) {
                w.error = "pipeline: decode failed";
                co_return -1;
            }
            sum += static_cast<std::uint64_t>(v);
        }
        if (static_cast<long>(r->size()) != n || sum != expect) {
            w.error = "pipeline: wrong count or checksum";
            co_return -1;
        }
        co_return n;
    }
    w.error = "unsupported: unknown workload " + s.workload;
    co_return -1;
}

pgring::task<std::int64_t> count_inserted(pgring::connection& conn) {
    auto r = co_await conn.try_query_value<std::int64_t>("SELECT count(*) FROM _bench_ins");
    co_return r ? *r : -1;
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
        auto t0 = clock_type::now();
        if (t0 >= sh.end || (s.max_ops >= 0 && w.ops >= s.max_ops)) {
            break;
        }
        if (t0 < sh.start && s.warmup <= 0) {
            t0 = sh.start;  // no warm-up: the window opens with the first op
        }
        if (t0 >= sh.start && sh.cpu_start.load(std::memory_order_relaxed) < 0) {
            double unset = -1;
            sh.cpu_start.compare_exchange_strong(unset, cpu_seconds());
        }
        const long rows = co_await one_op(conn, s, w, ++i);
        const auto t1 = clock_type::now();
        if (rows < 0) {
            w.failed = true;
            break;
        }
        ++sh.all_ops;
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
        } else if (k == "--fetch-size") {
            s.fetch_size = std::atol(v);
        } else if (k == "--loops") {
            s.loops = std::atol(v);
        } else {
            std::fprintf(stderr, "pgring_peer: unknown option %s\n", k.c_str());
            return 2;
        }
    }
    if (s.rows < 0 && std::getenv("PEER_ROWS") != nullptr) {
        s.rows = std::atol(std::getenv("PEER_ROWS"));
    }
    if (s.dsn.empty()) {
        std::fprintf(stderr, "pgring-peer: --dsn is required\n");
        return 2;
    }
    if (s.loops <= 0) {
        s.loops = s.concurrency > 1 ? std::max(1L, std::min(static_cast<long>(s.concurrency),
                                                           static_cast<long>(std::thread::hardware_concurrency())))
                                    : 1;
    }
    pgring::loop lp;
    shared_state sh;
    sh.s = &s;
    // With --ops and no warm-up the window has no end in time (a callgrind run is slow).
    const double seconds = s.max_ops >= 0 && s.warmup <= 0 ? 1e9 : s.seconds;
    const auto now = clock_type::now();
    sh.start = now + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s.warmup));
    sh.end = sh.start + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(seconds));
    std::vector<worker_state> workers(static_cast<std::size_t>(s.concurrency));
    std::int64_t inserted_before = -1;
    if (s.workload == "insert_batch") {
        lp.run([](pgring::loop& l, const std::string& dsn, std::int64_t& out) -> pgring::task<void> {
            auto c = co_await pgring::connection::try_connect(l, dsn);
            if (c) {
                out = co_await count_inserted(*c);
            }
        }(lp, s.dsn, inserted_before));
    }
    if (s.loops <= 1) {
        for (auto& w : workers) {
            lp.spawn(worker(lp, sh, w));
        }
        lp.run();
    } else {
        // One loop per core, the connections spread over them: a thread never touches another
        // thread's connections.
        pgring::runtime rt(static_cast<std::size_t>(s.loops));
        for (std::size_t k = 0; k < workers.size(); ++k) {
            worker_state* w = &workers[k];
            rt.spawn(k, [&sh, w](pgring::loop& l) { return worker(l, sh, *w); });
        }
        rt.wait();
        rt.stop();
    }
    const double cpu = sh.cpu_start < 0 ? 0.0 : cpu_seconds() - sh.cpu_start;

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
    bool wrong = !ok && note.rfind("unsupported", 0) != 0;
    if (ok && s.workload == "insert_batch") {
        std::int64_t inserted_after = -1;
        lp.run([](pgring::loop& l, const std::string& dsn, std::int64_t& out) -> pgring::task<void> {
            auto c = co_await pgring::connection::try_connect(l, dsn);
            if (c) {
                out = co_await count_inserted(*c);
            }
        }(lp, s.dsn, inserted_after));
        const long n = s.rows > 0 ? s.rows : 1000;
        if (inserted_before < 0 || inserted_after - inserted_before != sh.all_ops * n) {
            ok = false;
            wrong = true;
            note = "insert_batch: the table grew by " + std::to_string(inserted_after - inserted_before) +
                   " rows, expected " + std::to_string(sh.all_ops * n);
        }
    }
    if (ok && ops == 0) {
        ok = false;
        note = "no op completed in the measured window";
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
    return wrong ? 1 : 0;
}
