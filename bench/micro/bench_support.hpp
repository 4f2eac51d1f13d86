#pragma once

// Helpers shared by the micro benchmarks: building backend messages in memory (the bytes a
// server would send), so every benchmark runs on fixed input and callgrind counts are stable.
//
// Also the common main(): like BENCHMARK_MAIN, but the exit status is 1 when any benchmark
// failed its result check (bench::fail), so the `bench` smoke tests fail on a broken path.
//
// These are deliberately small and independent of tests/support (which links gtest): a
// benchmark binary depends on pgring and Google Benchmark only.

#include <pgring/oid.hpp>

#include "wire/byte_order.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pgring::bench {

using bytes = std::vector<std::byte>;

/// Appends `v` big-endian to `out`.
inline void put_i16(bytes& out, std::int16_t v) {
    // resize + store rather than insert: g++ 12 warns falsely (-Wstringop-overflow) about
    // inserting into a vector that may be empty.
    const std::size_t at = out.size();
    out.resize(at + 2);
    wire::store_be(out.data() + at, v);
}

/// Appends `v` big-endian to `out`.
inline void put_i32(bytes& out, std::int32_t v) {
    const std::size_t at = out.size();
    out.resize(at + 4);
    wire::store_be(out.data() + at, v);
}

/// Appends the bytes of `s` (no NUL).
inline void put_str(bytes& out, std::string_view s) {
    const std::size_t at = out.size();
    out.resize(at + s.size());
    if (!s.empty()) {
        std::memcpy(out.data() + at, s.data(), s.size());
    }
}

/// Appends `s` and its terminating NUL.
inline void put_cstr(bytes& out, std::string_view s) {
    put_str(out, s);
    out.push_back(std::byte{0});
}

/// Appends one whole backend frame: `tag`, Int32 length (body + 4), `body`.
inline void put_frame(bytes& out, char tag, std::span<const std::byte> body) {
    out.push_back(static_cast<std::byte>(tag));
    put_i32(out, static_cast<std::int32_t>(body.size() + 4));
    out.insert(out.end(), body.begin(), body.end());
}

/// The bytes of `s`.
inline bytes to_bytes(std::string_view s) {
    bytes out;
    put_str(out, s);
    return out;
}

/// One column of a RowDescription to build.
struct column_spec {
    std::string_view name;
    oid_t type;
    std::int16_t type_size;
    std::int16_t format;  // 0 text, 1 binary
};

/// RowDescription ('T') body for `columns`.
inline bytes row_description_body(std::span<const column_spec> columns) {
    bytes body;
    put_i16(body, static_cast<std::int16_t>(columns.size()));
    std::int16_t attribute = 1;
    for (const column_spec& c : columns) {
        put_cstr(body, c.name);
        put_i32(body, 16384);  // table OID: any user table
        put_i16(body, attribute++);
        put_i32(body, static_cast<std::int32_t>(c.type));
        put_i16(body, c.type_size);
        put_i32(body, -1);  // type modifier
        put_i16(body, c.format);
    }
    return body;
}

/// DataRow ('D') body whose fields are `fields` (none NULL).
inline bytes data_row_body(std::span<const bytes> fields) {
    bytes body;
    put_i16(body, static_cast<std::int16_t>(fields.size()));
    for (const bytes& f : fields) {
        put_i32(body, static_cast<std::int32_t>(f.size()));
        body.insert(body.end(), f.begin(), f.end());
    }
    return body;
}

/// The bytes of `v` in int4's binary format.
inline bytes int4_bytes(std::int32_t v) {
    bytes out;
    put_i32(out, v);
    return out;
}

/// The five binary columns of the typical row used throughout: (id int4, total int8,
/// name text, price float8, active bool).
constexpr std::array<column_spec, 5> typical_columns{{
    {"id", oid::int4, 4, 1},
    {"total", oid::int8, 8, 1},
    {"name", oid::text, -1, 1},
    {"price", oid::float8, 8, 1},
    {"active", oid::bool_, 1, 1},
}};

/// The body of one DataRow of `typical_columns` (binary values), varying with `i`.
inline bytes typical_row_body(std::int32_t i) {
    std::vector<bytes> fields;
    fields.push_back(int4_bytes(i));
    bytes total;
    put_i32(total, 0);
    put_i32(total, i * 1000);
    fields.push_back(total);
    fields.push_back(to_bytes("customer_" + std::to_string(100000 + i)));
    bytes price;
    put_i32(price, 0x40091EB8);  // 3.14 as a double, high word
    put_i32(price, 0x51EB851F);  // low word
    fields.push_back(price);
    fields.push_back(bytes{std::byte{static_cast<unsigned char>(i & 1)}});
    return data_row_body(fields);
}

/// The environment variable that fixes every benchmark's iteration count (a positive integer).
/// Google Benchmark 1.7 picks the count from timings, which vary under valgrind; a fixed count
/// makes callgrind totals identical from run to run:
///   PGRING_BENCH_ITERATIONS=10000 valgrind --tool=callgrind build/bench/micro_codec ...
/// Google Benchmark then appends "/iterations:N" to every name (mind a filter anchored with $).
inline constexpr const char* iterations_variable = "PGRING_BENCH_ITERATIONS";

/// For Benchmark::Apply: sets the iteration count from PGRING_BENCH_ITERATIONS when it is set;
/// otherwise leaves the timing-based count. Exits with a message for a value that is not a
/// positive integer.
inline void fixed_iterations(benchmark::internal::Benchmark* b) {
    const char* value = std::getenv(iterations_variable);
    if (value == nullptr || *value == '\0') {
        return;
    }
    char* end = nullptr;
    const long long n = std::strtoll(value, &end, 10);
    if (*end != '\0' || n <= 0) {
        std::fprintf(stderr, "%s must be a positive integer, not '%s'\n", iterations_variable, value);
        std::exit(2);
    }
    b->Iterations(static_cast<benchmark::IterationCount>(n));
}

/// Benchmarks that failed their result check in this process.
inline std::atomic<int> failures{0};

/// Fails the running benchmark: reports `why` instead of timings (SkipWithError) and makes
/// run_main() return 1. Call it before or instead of continuing the timed loop.
inline void fail(benchmark::State& state, const std::string& why) {
    failures.fetch_add(1);
    state.SkipWithError(why.c_str());
}

/// The benchmark programs' main(): BENCHMARK_MAIN's, with every --benchmark_* flag, but the
/// exit status is 1 when a benchmark failed its check (fail()) or the filter matched none, 2
/// for an unknown flag.
inline int run_main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 2;
    }
    const std::size_t ran = benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return failures.load() == 0 && ran > 0 ? 0 : 1;
}

}  // namespace pgring::bench
