// Micro benchmarks of the facade's CPU paths that need no server:
//
//   statement_cache/*   the per-connection LRU of prepared statements (src/client): a lookup
//                       that hits among 100 entries, one that misses, and an insert into a full
//                       cache that evicts the least recently used entry;
//   rows/*              reading a pgring::rows of 1000 rows, built in memory the way the driver
//                       fills it (rows::builder::add_copied, src/driver/rows_builder.hpp):
//                       typed iteration, decoding the whole result into tuples, and field
//                       access by name.
//
// Inputs are fixed (no clock is read: the cache is given fixed time points), so callgrind
// counts are stable. Each benchmark checks its result once before timing.

#include <pgring/connection.hpp>
#include <pgring/oid.hpp>
#include <pgring/row.hpp>

#include <pgring/detail/shared_block.hpp>

#include "bench_support.hpp"
#include "client/statement_cache.hpp"
#include "driver/rows_builder.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace {

using namespace pgring;
using bench::bytes;
using clock_point = std::chrono::steady_clock::time_point;

// ---- statement cache ----------------------------------------------------------------------

constexpr std::size_t cache_size = 100;

/// A fixed instant at which every statement was prepared, and "now" 10 s later: well inside
/// the default max_lifetime (300 s), so nothing expires.
const clock_point prepared_time = clock_point{} + std::chrono::hours(1);
const clock_point now_time = prepared_time + std::chrono::seconds(10);

/// `n` distinct statements of a realistic length (about 90 bytes), as an application issues.
std::vector<std::string> statement_texts(std::size_t n) {
    std::vector<std::string> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back("SELECT id, customer_id, total, created_at FROM orders_" + std::to_string(i) +
                      " WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 20");
    }
    return out;
}

/// A ready statement for `sql`, as the connection inserts it once Parse/Describe completed.
detail::block_ptr<detail::prepared_statement> make_statement(const std::string& sql, std::size_t serial) {
    auto st = detail::prepared_statement::make();
    st->name = "pgring_s" + std::to_string(serial);
    st->sql = sql;
    st->parameter_types = {oid::int4};
    st->prepared_at = prepared_time;
    st->ready = true;
    return st;
}

/// A cache holding one ready statement per text in `texts` (in order, so the last is the most
/// recently used).
void fill(detail::statement_cache& cache, const std::vector<std::string>& texts) {
    detail::statement_cache::retired_list retired;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        cache.insert(make_statement(texts[i], i), retired);
    }
}

/// find() hitting an entry of a full cache, cycling over all 100 (each hit moves the entry to
/// the front of the LRU).
void BM_statement_cache_find_hit(benchmark::State& state) {
    const std::vector<std::string> texts = statement_texts(cache_size);
    detail::statement_cache cache(statement_cache_options{});
    fill(cache, texts);
    detail::statement_cache::retired_list retired;
    for (const std::string& t : texts) {
        const detail::prepared_statement* st = cache.find(t, now_time, retired);
        if (st == nullptr || st->sql != t || !retired.empty() || cache.size() != cache_size) {
            bench::fail(state, "statement_cache::find missed a cached statement");
            return;
        }
    }
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(cache.find(texts[i], now_time, retired));
        i = i + 1 == cache_size ? 0 : i + 1;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_statement_cache_find_hit)->Apply(bench::fixed_iterations);

/// find() of a text that is not cached (the first call of a new statement).
void BM_statement_cache_find_miss(benchmark::State& state) {
    const std::vector<std::string> texts = statement_texts(cache_size + 1);
    detail::statement_cache cache(statement_cache_options{});
    fill(cache, std::vector<std::string>(texts.begin(), texts.begin() + cache_size));
    const std::string& absent = texts.back();
    detail::statement_cache::retired_list retired;
    if (cache.find(absent, now_time, retired) != nullptr) {
        bench::fail(state, "statement_cache::find found an absent statement");
        return;
    }
    for (auto _ : state) {
        benchmark::DoNotOptimize(cache.find(absent, now_time, retired));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_statement_cache_find_miss)->Apply(bench::fixed_iterations);

/// insert() of a new statement into a full cache: the least recently used one is evicted and
/// retired. Includes making the statement object, as the connection does on a miss. The 200
/// texts cycle, so each inserted text was evicted 100 inserts earlier and is new again.
void BM_statement_cache_insert_evict(benchmark::State& state) {
    const std::vector<std::string> texts = statement_texts(2 * cache_size);
    detail::statement_cache cache(statement_cache_options{});
    fill(cache, std::vector<std::string>(texts.begin(), texts.begin() + cache_size));
    detail::statement_cache::retired_list retired;
    cache.insert(make_statement(texts[cache_size], cache_size), retired);
    if (cache.size() != cache_size || retired.size() != 1 || retired[0]->sql != texts[0] ||
        cache.find(texts[0], now_time, retired) != nullptr) {
        bench::fail(state, "statement_cache::insert did not evict the least recently used entry");
        return;
    }
    retired.clear();
    std::size_t serial = cache_size + 1;
    for (auto _ : state) {
        cache.insert(make_statement(texts[serial % texts.size()], serial), retired);
        retired.clear();  // the connection would queue a Close for it
        ++serial;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_statement_cache_insert_evict)->Apply(bench::fixed_iterations);

// ---- rows ---------------------------------------------------------------------------------

constexpr std::int32_t result_rows = 1000;

/// A result of 1000 typical rows (id int4, total int8, name text, price float8, active bool,
/// all binary) filled as the driver fills one when it copies rows out of receive buffers.
void build_rows(rows& out) {
    auto columns = detail::column_set::make();
    for (const bench::column_spec& c : bench::typical_columns) {
        column col;
        col.name = std::string(c.name);
        col.type = c.type;
        col.type_size = c.type_size;
        col.format = c.format;
        columns->columns.push_back(std::move(col));
    }
    rows::builder::set_columns(out, std::move(columns));
    for (std::int32_t i = 0; i < result_rows; ++i) {
        const bytes body = bench::typical_row_body(i);
        // The driver keeps DataRow.fields: the body after its Int16 column count.
        rows::builder::add_copied(out, body.data() + 2, body.size() - 2);
    }
    rows::builder::set_tag(out, "SELECT 1000", result_rows);
}

using typical_tuple = std::tuple<std::int32_t, std::int64_t, std::string_view, double, bool>;

/// True when `t` holds the values typical_row_body(i) encoded.
template <class Tuple>
bool is_typical(const Tuple& t, std::int32_t i) {
    return std::get<0>(t) == i && std::get<1>(t) == std::int64_t{i} * 1000 &&
           std::get<2>(t) == "customer_" + std::to_string(100000 + i) && std::get<3>(t) == 3.14 &&
           std::get<4>(t) == ((i & 1) != 0);
}

/// Iterates the rows and decodes every field of each with row_view::get_all into borrowing
/// types (string_view for the text): the zero-copy way to read a result. Items are rows.
void BM_rows_iterate_get_all(benchmark::State& state) {
    rows rs;
    build_rows(rs);
    {
        std::int32_t i = 0;
        bool ok = rs.size() == result_rows &&
                  !rs.check_types<std::int32_t, std::int64_t, std::string_view, double, bool>();
        for (const row_view r : rs) {
            typical_tuple t;
            ok = ok && !r.get_all(t) && is_typical(t, i++);
        }
        if (!ok || i != result_rows) {
            bench::fail(state, "rows did not give back the values they were built from");
            return;
        }
    }
    for (auto _ : state) {
        std::int64_t sum = 0;
        for (const row_view r : rs) {
            typical_tuple t;
            if (r.get_all(t)) {
                bench::fail(state, "row_view::get_all failed");
                break;
            }
            sum += std::get<1>(t) + static_cast<std::int64_t>(std::get<2>(t).size());
        }
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(state.iterations() * result_rows);
}
BENCHMARK(BM_rows_iterate_get_all)->Apply(bench::fixed_iterations);

/// rows::get_all into a vector of owning tuples (std::string for the text): types checked once,
/// every row decoded and copied out. Items are rows.
void BM_rows_get_all_owned(benchmark::State& state) {
    using owned_tuple = std::tuple<std::int32_t, std::int64_t, std::string, double, bool>;
    rows rs;
    build_rows(rs);
    {
        std::vector<owned_tuple> out;
        bool ok = !rs.get_all(out) && out.size() == result_rows;
        for (std::int32_t i = 0; ok && i < result_rows; ++i) {
            ok = is_typical(out[static_cast<std::size_t>(i)], i);
        }
        if (!ok) {
            bench::fail(state, "rows::get_all did not give back the values the rows were built from");
            return;
        }
    }
    for (auto _ : state) {
        std::vector<owned_tuple> out;
        if (rs.get_all(out)) {
            bench::fail(state, "rows::get_all failed");
            break;
        }
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * result_rows);
}
BENCHMARK(BM_rows_get_all_owned)->Apply(bench::fixed_iterations);

/// Field access by column name (row["name"], a linear search over the columns, then a walk to
/// the field) and a decode: the convenient, slower way. Items are rows.
void BM_rows_field_by_name(benchmark::State& state) {
    rows rs;
    build_rows(rs);
    {
        std::string_view name;
        if (rs[7]["name"].get(name) || name != "customer_100007") {
            bench::fail(state, "row_view[name] gave the wrong field");
            return;
        }
    }
    for (auto _ : state) {
        std::size_t total = 0;
        for (const row_view r : rs) {
            std::string_view name;
            if (r["name"].get(name)) {
                bench::fail(state, "field_view::get failed");
                break;
            }
            total += name.size();
        }
        benchmark::DoNotOptimize(total);
    }
    state.SetItemsProcessed(state.iterations() * result_rows);
}
BENCHMARK(BM_rows_field_by_name)->Apply(bench::fixed_iterations);

}  // namespace

int main(int argc, char** argv) {
    return pgring::bench::run_main(argc, argv);
}
