// Fuzz target for the session's input path: wire::session::consume() and, for odd seeds, the
// DataRow fast path next_data_row() before each consume().
//
// Input: [split seed: 1 byte][server byte stream]. A session starts as the scripted conversation
// (session_script.hpp) and is fed the stream in pieces whose sizes come from the seed, issuing the
// script's commands whenever it is idle, so mutated real-server conversations reach every state.
// Each event's views are walked so ASan sees any read outside the input. The session must never
// crash, hang or grow without bound; after a fatal event it must keep saying so.

#include "session_script.hpp"

#include "wire/session.hpp"
#include "wire/write_buffer.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

namespace {

volatile std::size_t sink;

struct toucher {
    std::size_t n = 0;
    void bytes(std::span<const std::byte> b) {
        for (std::byte c : b) {
            n += static_cast<std::size_t>(c);
        }
    }
    void operator()(const pgring::wire::backend::data_row& r) {
        for (auto f : r) {
            n += f.is_null;
            bytes(f.value);
        }
    }
    void operator()(const pgring::wire::backend::row_description& d) {
        for (auto f : d) {
            n += f.name.size() + f.type_oid + static_cast<std::size_t>(f.format);
        }
    }
    void operator()(const pgring::wire::backend::error_response& e) {
        for (auto f : e) {
            n += f.value.size() + static_cast<std::size_t>(f.code);
        }
    }
    void operator()(const pgring::wire::backend::command_complete& c) {
        std::uint64_t rows = 0;
        n += c.command_tag.size() + c.rows_affected(rows) + rows;
    }
    void operator()(const pgring::wire::backend::copy_data& d) { bytes(d.data); }
    void operator()(const pgring::wire::backend::parameter_description& d) {
        for (std::size_t i = 0; i < d.count; ++i) {
            n += d.oid(i);
        }
    }
    void operator()(const pgring::wire::backend::copy_response& c) {
        for (std::size_t i = 0; i < c.column_count; ++i) {
            n += static_cast<std::size_t>(c.column_format(i));
        }
    }
    void operator()(const pgring::wire::backend::notification_response& x) { n += x.channel.size() + x.payload.size(); }
    void operator()(const pgring::wire::backend::parameter_status& p) { n += p.name.size() + p.value.size(); }
    template <class T>
    void operator()(const T&) {}
};

void drain(pgring::wire::write_buffer& out) {
    std::span<const std::byte> spans[16];
    while (!out.empty()) {
        const std::size_t k = out.pending(spans, 16);
        std::size_t total = 0;
        for (std::size_t i = 0; i < k; ++i) {
            total += spans[i].size();
        }
        out.consume(total);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace pgring;
    if (size < 1) {
        return 0;
    }
    const std::size_t piece = 1 + data[0] * 7u;
    const bool fast_rows = (data[0] & 1) != 0;
    std::span<const std::byte> stream(reinterpret_cast<const std::byte*>(data + 1), size - 1);

    wire::session_options options = fuzz::conversation_options("pgring_scram", "pgring-secret", "pgring_test");
    options.max_message_size = 1 << 20;
    wire::session s(std::move(options));
    wire::write_buffer out(256);
    (void)s.start(out);
    int step = 0;
    toucher t;
    bool fatal_seen = false;

    while (true) {
        std::span<const std::byte> input = stream.first(std::min(piece, stream.size()));
        stream = stream.subspan(input.size());
        for (;;) {
            // Odd seeds also take rows through the fast path, as the channel does.
            wire::backend::data_row row;
            while (fast_rows && s.next_data_row(input, row)) {
                t(row);
            }
            wire::event ev = s.consume(input, out);
            if (ev.kind == wire::event_kind::need_more) {
                break;
            }
            std::visit(t, ev.msg);
            if (ev.kind == wire::event_kind::fatal) {
                fatal_seen = true;
                break;
            }
            if (ev.kind == wire::event_kind::copy_in_response) {
                fuzz::copy_in_reply(s, out);
            }
            if ((ev.kind == wire::event_kind::ready || ev.kind == wire::event_kind::ready_for_query) && s.idle()) {
                fuzz::session_script_step(s, out, step++);
            }
            drain(out);
        }
        drain(out);
        if (fatal_seen || stream.empty()) {
            break;
        }
    }
    if (fatal_seen) {
        // A failed session stays failed, and refuses commands.
        std::span<const std::byte> none;
        if (s.consume(none, out).kind != wire::event_kind::fatal || !s.send_query(out, "SELECT 1")) {
            __builtin_trap();
        }
    } else {
        (void)s.connection_lost();
    }
    sink = t.n;
    return 0;
}
