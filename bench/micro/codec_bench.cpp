// Micro benchmarks of the value codecs: for each main type, the cost of one value through
//
//   decode/<type>   pgring::codec<T>::decode from the binary wire form (what row.as<T>() does
//                   after locating the field);
//   encode/<type>   codec<T>::encoded_size + codec<T>::encode into a ready buffer (what a Bind
//                   parameter costs beyond the message framing);
//   render/<type>   pgring::render_text from the binary form, as the CLI prints a value
//                   (DateStyle ISO, IntervalStyle postgres, TimeZone America/New_York).
//
// One iteration handles one value and items/s is reported, so the time column reads directly as
// ns per value. Inputs are fixed values, so callgrind counts are stable:
//
//   PGRING_BENCH_ITERATIONS=100000 valgrind --tool=callgrind build/bench/micro_codec
//       --benchmark_filter='^decode/int4/'
//
// (one command line; PGRING_BENCH_ITERATIONS fixes the iteration count, see bench_support.hpp,
// and appends "/iterations:N" to the names, hence the filter's trailing '/').
//
// Every benchmark checks its path once before timing: decode and encode round-trip the value
// (decoded == original), render produces exactly the text PostgreSQL prints for it.

#include <pgring/codec.hpp>
#include <pgring/datetime.hpp>
#include <pgring/network.hpp>
#include <pgring/numeric.hpp>
#include <pgring/oid.hpp>
#include <pgring/range.hpp>
#include <pgring/text.hpp>
#include <pgring/uuid.hpp>

#include "bench_support.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace {

using namespace pgring;
using bench::bytes;

/// The session settings render/* uses: the server's defaults, but TimeZone America/New_York so
/// timestamptz goes through a real zone's rules (daylight saving time included).
const text_settings& render_settings() {
    static const text_settings settings = [] {
        text_settings s;
        s.apply("TimeZone", "America/New_York");  // checked by render/timestamptz's expected text
        return s;
    }();
    return settings;
}

/// One benchmarked value: its type, the C++ value, its binary form and its expected text.
template <class T>
struct sample {
    oid_t type = 0;
    T value{};
    std::string text;       // what PostgreSQL's output function prints for it
    bytes wire;             // codec<T>::encode of value
    std::error_code setup;  // an encode failure while building `wire`
};

/// Encodes `value` as `type` into `out` (sized by encoded_size).
template <class T>
std::error_code encode_into(const T& value, oid_t type, bytes& out) {
    out.resize(codec<T>::encoded_size(value, type));
    return codec<T>::encode(value, type, out);
}

/// decode/<type>: decodes the value into a fresh T per iteration, as field_view::as<T>() does.
template <class T>
void run_decode(benchmark::State& state, const sample<T>& s) {
    T check{};
    if (s.setup || codec<T>::decode(s.type, s.wire, check) || !(check == s.value)) {
        bench::fail(state, "decode does not give back the encoded value");
        return;
    }
    for (auto _ : state) {
        T out{};
        const std::error_code ec = codec<T>::decode(s.type, s.wire, out);
        benchmark::DoNotOptimize(ec);
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(state.iterations());
}

/// encode/<type>: encoded_size, then encode into a buffer that is already large enough.
template <class T>
void run_encode(benchmark::State& state, const sample<T>& s) {
    bytes again;
    T check{};
    if (s.setup || encode_into(s.value, s.type, again) || again != s.wire ||
        codec<T>::decode(s.type, again, check) || !(check == s.value)) {
        bench::fail(state, "encode does not round-trip the value");
        return;
    }
    bytes buffer(s.wire.size() + 64);
    for (auto _ : state) {
        const std::size_t n = codec<T>::encoded_size(s.value, s.type);
        const std::error_code ec = codec<T>::encode(s.value, s.type, std::span<std::byte>(buffer.data(), n));
        benchmark::DoNotOptimize(ec);
        benchmark::DoNotOptimize(buffer.data());
    }
    state.SetItemsProcessed(state.iterations());
}

/// render/<type>: render_text of the binary value into a reused line buffer (as the CLI appends
/// values to its output line; the buffer's capacity stays, so this measures the formatting).
template <class T>
void run_render(benchmark::State& state, const sample<T>& s) {
    const text_settings& settings = render_settings();
    std::string out;
    if (s.setup || render_text(s.type, binary_format_code, s.wire, settings, nullptr, out) || out != s.text) {
        bench::fail(state, "render_text gave '" + out + "', not '" + s.text + "'");
        return;
    }
    for (auto _ : state) {
        out.clear();
        const std::error_code ec = render_text(s.type, binary_format_code, s.wire, settings, nullptr, out);
        benchmark::DoNotOptimize(ec);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations());
}

/// The benchmarks to register, by kind, so the output lists all decodes, then encodes, then
/// renders.
struct registry {
    using fn = std::function<void(benchmark::State&)>;
    std::vector<std::pair<std::string, fn>> decode, encode, render;

    /// Adds decode/<name>, encode/<name> and render/<name> for `value` of PostgreSQL type
    /// `type`, whose text output is `text`.
    template <class T>
    void add(const std::string& name, oid_t type, T value, std::string text) {
        auto s = std::make_shared<sample<T>>();
        s->type = type;
        s->value = std::move(value);
        s->text = std::move(text);
        s->setup = encode_into(s->value, type, s->wire);
        decode.emplace_back("decode/" + name, [s](benchmark::State& st) { run_decode(st, *s); });
        encode.emplace_back("encode/" + name, [s](benchmark::State& st) { run_encode(st, *s); });
        render.emplace_back("render/" + name, [s](benchmark::State& st) { run_render(st, *s); });
    }

    void register_all() const {
        for (const auto* group : {&decode, &encode, &render}) {
            for (const auto& [name, f] : *group) {
                benchmark::RegisterBenchmark(name.c_str(), f)->Apply(bench::fixed_iterations);
            }
        }
    }
};

numeric numeric_of(std::string_view text) {
    numeric n;
    (void)numeric::from_string(text, n);  // a bad literal shows up as a failed round trip
    return n;
}

/// Days since 2000-01-01 of a calendar day.
constexpr std::int32_t days_of(std::chrono::year_month_day ymd) {
    using namespace std::chrono;
    return static_cast<std::int32_t>((sys_days(ymd) - sys_days(2000y / January / 1)).count());
}

/// Registers every type's samples.
void add_samples(registry& r) {
    using namespace std::chrono;
    r.add<bool>("bool", oid::bool_, true, "t");
    r.add<std::int32_t>("int4", oid::int4, 123456789, "123456789");
    r.add<std::int64_t>("int8", oid::int8, -9000000000000000000, "-9000000000000000000");
    r.add<double>("float8", oid::float8, 3.141592653589793, "3.141592653589793");
    r.add<numeric>("numeric_small", oid::numeric, numeric_of("123.45"), "123.45");
    r.add<numeric>("numeric_30digits", oid::numeric, numeric_of("12345678901234567890.1234567890"),
                   "12345678901234567890.1234567890");
    r.add<std::string>("text_short", oid::text, "hello, world", "hello, world");
    std::string long_text;
    while (long_text.size() < 1000) {
        long_text += "The quick brown fox jumps over the lazy dog. ";
    }
    long_text.resize(1000);
    r.add<std::string>("text_long", oid::text, long_text, long_text);
    // The same 1000 bytes borrowed (no copy): codec<std::string_view>.
    static const std::string long_text_kept = long_text;
    r.add<std::string_view>("text_long_view", oid::text, long_text_kept, long_text);

    std::vector<std::byte> blob;
    std::string blob_text = "\\x";
    for (int i = 0; i < 32; ++i) {
        blob.push_back(static_cast<std::byte>(i * 7));
        constexpr char hex[] = "0123456789abcdef";
        blob_text += hex[(i * 7) >> 4 & 15];
        blob_text += hex[(i * 7) & 15];
    }
    r.add<std::vector<std::byte>>("bytea_32", oid::bytea, blob, blob_text);

    uuid u;
    (void)uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a", u);
    r.add<uuid>("uuid", oid::uuid, u, "a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a");
    r.add<date>("date", oid::date, date{days_of(2024y / February / 29)}, "2024-02-29");
    // 2024-07-04 12:34:56.789012 UTC, shown in New York (EDT, UTC-4).
    const std::int64_t stamp = std::int64_t{days_of(2024y / July / 4)} * 86'400'000'000 +
                               (12 * 3600 + 34 * 60 + 56) * std::int64_t{1'000'000} + 789'012;
    r.add<timestamptz>("timestamptz", oid::timestamptz, timestamptz{stamp}, "2024-07-04 08:34:56.789012-04");
    r.add<interval>("interval", oid::interval,
                    interval{14, 3, (4 * 3600 + 5 * 60 + 6) * 1'000'000LL + 500'000},
                    "1 year 2 mons 3 days 04:05:06.5");
    r.add<inet>("inet", oid::inet, inet::v4(192, 168, 1, 10, 24), "192.168.1.10/24");
    const std::string json = R"({"id": 42, "name": "pgring", "tags": ["a", "b"], "active": true})";
    r.add<std::string>("jsonb", oid::jsonb, json, json);
    r.add<std::vector<std::int32_t>>("int4_array_10", oid::int4_array, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
                                     "{1,2,3,4,5,6,7,8,9,10}");
    r.add<std::vector<std::string>>(
        "text_array_10", oid::text_array,
        {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"},
        "{alpha,bravo,charlie,delta,echo,foxtrot,golf,hotel,india,juliet}");
    r.add<range<std::int32_t>>("int4range", oid::int4range, range<std::int32_t>::half_open(10, 20),
                               "[10,20)");
}

}  // namespace

int main(int argc, char** argv) {
    registry r;
    add_samples(r);
    r.register_all();
    return pgring::bench::run_main(argc, argv);
}
