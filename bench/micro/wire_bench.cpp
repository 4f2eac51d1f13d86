// Micro benchmarks of the sans-io protocol core (src/wire): framing, backend message decoding,
// a session consuming a whole result, and Bind encoding. Everything runs on fixed in-memory
// bytes (no sockets, no clock, no randomness), so `valgrind --tool=callgrind` counts are stable.
//
// Each benchmark checks its result once before the timed loop (frame counts, decoded values,
// event sequence, encoded length) and reports an error instead of numbers when the path is
// broken.

#include <pgring/codec.hpp>
#include <pgring/datetime.hpp>
#include <pgring/oid.hpp>

#include "bench_support.hpp"
#include "wire/backend.hpp"
#include "wire/framing.hpp"
#include "wire/frontend.hpp"
#include "wire/session.hpp"
#include "wire/write_buffer.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using namespace pgring;
namespace backend = pgring::wire::backend;
using bench::bytes;
using bench::typical_columns;
using bench::typical_row_body;

// ---- fixed input --------------------------------------------------------------------------

/// `n` DataRow frames back to back, as they arrive for a large result.
bytes data_row_stream(std::int32_t n) {
    bytes out;
    for (std::int32_t i = 0; i < n; ++i) {
        bench::put_frame(out, 'D', typical_row_body(i));
    }
    return out;
}

constexpr std::int32_t stream_rows = 1000;

// ---- framing ------------------------------------------------------------------------------

/// Counts the frames in `input` fed as consecutive chunks of `chunk` bytes (the receive
/// buffers); returns -1 on a framing error.
std::int64_t count_frames(wire::frame_reader& reader, std::span<const std::byte> input, std::size_t chunk) {
    std::int64_t frames = 0;
    for (std::size_t at = 0; at < input.size(); at += chunk) {
        std::span<const std::byte> in = input.subspan(at, std::min(chunk, input.size() - at));
        // As the driver does: call until need_more (which also lets the reader drop a frame it
        // handed out from its reassembly buffer), even when the input is already used up.
        while (true) {
            wire::frame f;
            const wire::frame_reader::result r = reader.next(in, f);
            in = in.subspan(r.consumed);
            if (r.st == wire::frame_reader::status::error) {
                return -1;
            }
            if (r.st == wire::frame_reader::status::need_more) {
                break;
            }
            benchmark::DoNotOptimize(f.body.data());
            ++frames;
        }
    }
    return frames;
}

/// frame_reader over 1000 DataRows delivered in receive buffers of state.range(0) bytes (a
/// buffer larger than the stream means one buffer: no frame straddles, nothing is copied;
/// smaller buffers make some frames straddle and go through the reassembly copy).
void BM_frame_reader(benchmark::State& state) {
    const bytes input = data_row_stream(stream_rows);
    const auto chunk = static_cast<std::size_t>(state.range(0));
    {
        wire::frame_reader check;
        if (count_frames(check, input, chunk) != stream_rows || check.has_partial()) {
            bench::fail(state, "frame_reader did not return every DataRow");
            return;
        }
    }
    std::uint64_t copied = 0;
    for (auto _ : state) {
        wire::frame_reader reader;
        benchmark::DoNotOptimize(count_frames(reader, input, chunk));
        copied = reader.copied_bytes();
    }
    state.SetItemsProcessed(state.iterations() * stream_rows);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(input.size()));
    state.counters["copied_bytes"] = static_cast<double>(copied);
}
BENCHMARK(BM_frame_reader)->Apply(bench::fixed_iterations)->Arg(1 << 20)->Arg(16 * 1024)->Arg(1024)->Arg(64);

// ---- backend decoders ---------------------------------------------------------------------

/// decode_data_row of one typical row, then a walk over its fields (what row access does).
void BM_decode_data_row(benchmark::State& state) {
    const bytes body = typical_row_body(7);
    {
        backend::data_row row;
        std::size_t n = 0;
        bool ok = !backend::decode_data_row(body, row) && row.column_count == typical_columns.size();
        for (const backend::field_view f : row) {
            ok = ok && !f.is_null;
            ++n;
        }
        if (!ok || n != typical_columns.size()) {
            bench::fail(state, "decode_data_row gave the wrong fields");
            return;
        }
    }
    for (auto _ : state) {
        backend::data_row row;
        if (backend::decode_data_row(body, row)) {
            bench::fail(state, "decode_data_row failed");
            break;
        }
        std::size_t total = 0;
        for (const backend::field_view f : row) {
            total += f.value.size();
        }
        benchmark::DoNotOptimize(total);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_decode_data_row)->Apply(bench::fixed_iterations);

/// decode_row_description of state.range(0) columns, then a walk over the columns.
void BM_decode_row_description(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    std::vector<std::string> names;
    std::vector<bench::column_spec> columns;
    names.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        names.push_back("column_" + std::to_string(i));
    }
    for (std::size_t i = 0; i < n; ++i) {
        columns.push_back(typical_columns[i % typical_columns.size()]);
        columns.back().name = names[i];
    }
    const bytes body = bench::row_description_body(columns);
    {
        backend::row_description d;
        bool ok = !backend::decode_row_description(body, d) && d.column_count == n;
        std::size_t i = 0;
        for (const backend::field_description f : d) {
            ok = ok && i < n && f.name == names[i] && f.type_oid == columns[i].type;
            ++i;
        }
        if (!ok || i != n) {
            bench::fail(state, "decode_row_description gave the wrong columns");
            return;
        }
    }
    for (auto _ : state) {
        backend::row_description d;
        if (backend::decode_row_description(body, d)) {
            bench::fail(state, "decode_row_description failed");
            break;
        }
        oid_t sum = 0;
        for (const backend::field_description f : d) {
            sum += f.type_oid + static_cast<oid_t>(f.name.size());
        }
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_decode_row_description)->Apply(bench::fixed_iterations)->Arg(5)->Arg(20);

// ---- session ------------------------------------------------------------------------------

/// A session driven through trust authentication to `ready`, as the tests do in memory.
/// Returns false when startup did not end in the `ready` event.
bool start_session(wire::session& s, wire::write_buffer& out) {
    if (s.start(out)) {
        return false;
    }
    bytes in;
    bytes auth_ok;
    bench::put_i32(auth_ok, 0);
    bench::put_frame(in, 'R', auth_ok);
    for (const auto& [name, value] : {std::pair<std::string_view, std::string_view>{"server_version", "15.8"},
                                      {"client_encoding", "UTF8"},
                                      {"TimeZone", "UTC"}}) {
        bytes ps;
        bench::put_cstr(ps, name);
        bench::put_cstr(ps, value);
        bench::put_frame(in, 'S', ps);
    }
    bytes key;
    bench::put_i32(key, 4242);
    bench::put_i32(key, 1717);
    bench::put_frame(in, 'K', key);
    bench::put_frame(in, 'Z', bytes{std::byte{'I'}});
    std::span<const std::byte> rest(in);
    bool ready = false;
    while (true) {
        const wire::event ev = s.consume(rest, out);
        if (ev.kind == wire::event_kind::need_more || ev.kind == wire::event_kind::fatal) {
            break;
        }
        ready = ready || ev.kind == wire::event_kind::ready;
    }
    out.consume(out.pending_bytes());
    return ready && s.idle();
}

/// The server's whole answer to a simple Query returning `n` rows of five text columns:
/// RowDescription, n DataRows, CommandComplete, ReadyForQuery.
bytes simple_query_result(std::int32_t n) {
    std::array<bench::column_spec, 5> text_columns = typical_columns;
    for (auto& c : text_columns) {
        c.format = 0;
    }
    bytes out;
    bench::put_frame(out, 'T', bench::row_description_body(text_columns));
    for (std::int32_t i = 0; i < n; ++i) {
        const std::array<bytes, 5> fields{bench::to_bytes(std::to_string(i)),
                                          bench::to_bytes(std::to_string(i * 1000)),
                                          bench::to_bytes("customer_" + std::to_string(100000 + i)),
                                          bench::to_bytes("3.14"), bench::to_bytes(i % 2 ? "t" : "f")};
        bench::put_frame(out, 'D', bench::data_row_body(fields));
    }
    bytes tag;
    bench::put_cstr(tag, "SELECT " + std::to_string(n));
    bench::put_frame(out, 'C', tag);
    bench::put_frame(out, 'Z', bytes{std::byte{'I'}});
    return out;
}

/// One round of a simple query on a ready session: send_query, then consume the whole result
/// (given as one receive buffer). Returns the DataRow events seen, or -1 when the event sequence
/// is not RowDescription, DataRow*, CommandComplete, ReadyForQuery.
std::int64_t run_query(wire::session& s, wire::write_buffer& out, std::span<const std::byte> result) {
    if (s.send_query(out, "SELECT id, total, name, price, active FROM orders")) {
        return -1;
    }
    out.consume(out.pending_bytes());  // "sent"
    std::int64_t rows = 0;
    int stage = 0;  // 0 want RowDescription, 1 rows, 2 after CommandComplete, 3 done
    while (true) {
        const wire::event ev = s.consume(result, out);
        switch (ev.kind) {
            case wire::event_kind::row_description:
                stage = stage == 0 ? 1 : 9;
                break;
            case wire::event_kind::data_row:
                rows += stage == 1 ? 1 : 0;
                stage = stage == 1 ? 1 : 9;
                break;
            case wire::event_kind::command_complete:
                stage = stage == 1 ? 2 : 9;
                break;
            case wire::event_kind::ready_for_query:
                stage = stage == 2 ? 3 : 9;
                break;
            case wire::event_kind::need_more:
                return stage == 3 ? rows : -1;
            default:
                return -1;
        }
    }
}

/// wire::session consuming a realistic result of state.range(0) rows (five text columns),
/// including the send_query that expects it. Items are rows.
void BM_session_result(benchmark::State& state) {
    const auto n = static_cast<std::int32_t>(state.range(0));
    const bytes result = simple_query_result(n);
    wire::session_options options;
    options.user = "bench";
    options.database = "bench";
    wire::session s(options);
    wire::write_buffer out;
    if (!start_session(s, out)) {
        bench::fail(state, "session startup did not reach ready");
        return;
    }
    if (run_query(s, out, result) != n || !s.idle()) {
        bench::fail(state, "session returned the wrong events for the result");
        return;
    }
    for (auto _ : state) {
        if (run_query(s, out, result) != n) {
            bench::fail(state, "session returned the wrong events for the result");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * n);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(result.size()));
}
BENCHMARK(BM_session_result)->Apply(bench::fixed_iterations)->Arg(1)->Arg(100)->Arg(1000);

// ---- Bind encoding ------------------------------------------------------------------------

/// Encodes parameter `value` of type `type` through its codec straight into the Bind.
template <class T>
void bind_value(wire::frontend::bind_encoder& b, const T& value, oid_t type) {
    const std::size_t n = codec<T>::encoded_size(value, type);
    if (const std::error_code ec = codec<T>::encode(value, type, b.reserve(n))) {
        b.fail(ec);
    }
}

/// Checks that `out` holds exactly one message with tag 'B' whose length field matches its size.
bool one_bind_message(const wire::write_buffer& out) {
    std::array<std::span<const std::byte>, 8> spans;
    const std::size_t n = out.pending(spans.data(), spans.size());
    if (n != 1 || spans[0].size() < 5 || spans[0][0] != std::byte{'B'}) {
        return false;
    }
    return static_cast<std::size_t>(wire::load_i32(spans[0].data() + 1)) + 1 == spans[0].size();
}

constexpr std::array<std::int16_t, 1> all_binary{1};

/// A Bind of the unnamed portal for a named statement, parameters encoded by `fill`.
template <class Fill>
std::error_code encode_bind(wire::write_buffer& out, std::size_t count, Fill&& fill) {
    wire::frontend::bind_encoder b(out, "", "s_17", all_binary, count);
    fill(b);
    return b.finish(all_binary);
}

/// Bind encode with `fill`'s parameters into a warm write buffer; items are Bind messages.
template <class Fill>
void run_bind(benchmark::State& state, std::size_t count, std::size_t expected_size, Fill fill) {
    wire::write_buffer out;
    if (encode_bind(out, count, fill) || !one_bind_message(out) || out.pending_bytes() != expected_size) {
        bench::fail(state, "Bind encoded to unexpected bytes");
        return;
    }
    out.consume(out.pending_bytes());
    for (auto _ : state) {
        if (encode_bind(out, count, fill)) {
            bench::fail(state, "Bind encoding failed");
            break;
        }
        out.consume(out.pending_bytes());  // "sent": the chunk is reused, nothing allocates
    }
    state.SetItemsProcessed(state.iterations());
}

/// Size of a Bind of the unnamed portal, statement "s_17", one format code each way and
/// parameters of `sizes` bytes: tag, length, portal, statement, formats, count, values, results.
constexpr std::size_t bind_size(std::initializer_list<std::size_t> sizes) {
    std::size_t n = 1 + 4 + 1 + 5 + 2 + 2 + 2 + 2 + 2;
    for (std::size_t s : sizes) {
        n += 4 + s;
    }
    return n;
}

/// One int4 parameter: `WHERE id = $1`.
void BM_bind_encode_one_int4(benchmark::State& state) {
    run_bind(state, 1, bind_size({4}),
             [](wire::frontend::bind_encoder& b) { bind_value<std::int32_t>(b, 42, oid::int4); });
}
BENCHMARK(BM_bind_encode_one_int4)->Apply(bench::fixed_iterations);

/// An insert's mix: int8, a 32-byte text, timestamptz, float8, NULL.
void BM_bind_encode_mixed5(benchmark::State& state) {
    static const std::string name = "a reasonably sized text value..";  // 31 bytes
    run_bind(state, 5, bind_size({8, name.size(), 8, 8, 0}), [](wire::frontend::bind_encoder& b) {
        bind_value<std::int64_t>(b, 1234567890123, oid::int8);
        bind_value<std::string>(b, name, oid::text);
        bind_value<timestamptz>(b, timestamptz{773'454'896'789'012}, oid::timestamptz);
        bind_value<double>(b, 99.95, oid::float8);
        b.null();
    });
}
BENCHMARK(BM_bind_encode_mixed5)->Apply(bench::fixed_iterations);

/// Ten int8 parameters (a multi-row key lookup).
void BM_bind_encode_ten_int8(benchmark::State& state) {
    run_bind(state, 10, bind_size({8, 8, 8, 8, 8, 8, 8, 8, 8, 8}), [](wire::frontend::bind_encoder& b) {
        for (std::int64_t i = 0; i < 10; ++i) {
            bind_value<std::int64_t>(b, 1000 + i, oid::int8);
        }
    });
}
BENCHMARK(BM_bind_encode_ten_int8)->Apply(bench::fixed_iterations);

/// A 4 KiB bytea parameter (a blob upload): dominated by the copy.
void BM_bind_encode_bytea_4k(benchmark::State& state) {
    static const std::vector<std::byte> blob(4096, std::byte{0x5A});
    run_bind(state, 1, bind_size({blob.size()}), [](wire::frontend::bind_encoder& b) {
        bind_value<std::vector<std::byte>>(b, blob, oid::bytea);
    });
}
BENCHMARK(BM_bind_encode_bytea_4k)->Apply(bench::fixed_iterations);

}  // namespace

int main(int argc, char** argv) {
    return pgring::bench::run_main(argc, argv);
}
