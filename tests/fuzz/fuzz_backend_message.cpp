// libFuzzer target for the backend message decoders.
//
// Input: [tag:1][body...]. backend::decode() runs on the body; when it succeeds, every view is
// walked through every iterator and accessor, and every byte a view points at is read, so ASan
// reports any view that reaches outside the body. Structural invariants (iteration count equals
// the column count, iteration ends exactly at end(), validated codes) trap when broken.

#include "wire/backend.hpp"

#include <pgring/diagnostics.hpp>
#include <pgring/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <variant>

namespace {

namespace be = pgring::wire::backend;

void check(bool ok) {
    if (!ok) {
        __builtin_trap();
    }
}

struct walker {
    std::span<const std::byte> body;
    std::uint64_t sum = 0;

    // Reads every byte of `b` and checks it lies inside the body.
    void touch(std::span<const std::byte> b) {
        if (b.empty()) {
            return;
        }
        check(b.data() >= body.data() && b.data() + b.size() <= body.data() + body.size());
        for (const std::byte x : b) {
            sum += std::to_integer<std::uint8_t>(x);
        }
    }
    void touch(std::string_view s) { touch(std::as_bytes(std::span<const char>(s.data(), s.size()))); }

    void operator()(const be::authentication& a) {
        touch(a.salt);
        touch(a.data);
        if (a.request == be::authentication::kind::md5_password) {
            check(a.salt.size() == 4);
        }
        if (a.request == be::authentication::kind::sasl) {
            check(!a.data.empty() && a.data.back() == std::byte{0});
        }
        sum += a.offers_mechanism("SCRAM-SHA-256") ? 1 : 0;
        sum += a.offers_mechanism("") ? 1 : 0;
    }
    void operator()(const be::backend_key_data& k) {
        sum += static_cast<std::uint32_t>(k.process_id) + static_cast<std::uint32_t>(k.secret_key);
    }
    void operator()(const be::command_complete& c) {
        touch(c.command_tag);
        check(c.command_tag.find('\0') == std::string_view::npos);
        std::uint64_t rows = 0;
        if (c.rows_affected(rows)) {
            sum += rows;
        }
    }
    void operator()(const be::copy_response& c) {
        check(c.format == 0 || c.format == 1);
        check(c.column_formats.size() == 2 * std::size_t{c.column_count});
        touch(c.column_formats);
        for (std::size_t i = 0; i < c.column_count; ++i) {
            const std::int16_t f = c.column_format(i);
            check(f == 0 || f == 1);
            check(c.format == 1 || f == 0);
        }
    }
    void operator()(const be::copy_data& d) { touch(d.data); }
    void operator()(const be::data_row& r) {
        touch(r.fields);
        std::size_t n = 0;
        auto it = r.begin();
        for (; it != r.end() && n <= r.column_count; ++it, ++n) {
            const be::field_view f = *it;
            check(!f.is_null || f.value.empty());
            touch(f.value);
        }
        check(n == r.column_count);
        check(it == r.end());
    }
    void operator()(const be::error_response& e) {
        touch(e.fields);
        check(!e.fields.empty() && e.fields.back() == std::byte{0});
        std::size_t n = 0;
        for (const be::notice_field f : e) {
            check(f.code != 0);
            touch(f.value);
            check(f.value.find('\0') == std::string_view::npos);
            ++n;
            check(n <= e.fields.size());
        }
        touch(e.field('M'));
        touch(e.field('C'));
        pgring::diagnostics d;
        e.to_diagnostics(d);
        sum += d.message.size() + d.sqlstate.size();
    }
    void operator()(const be::function_call_response& f) {
        check(!f.is_null || f.value.empty());
        touch(f.value);
    }
    void operator()(const be::negotiate_protocol_version& n) {
        check(n.option_count >= 0);
        touch(n.options);
        // option_count NUL-terminated names that fill the span exactly.
        std::size_t off = 0;
        for (std::int32_t i = 0; i < n.option_count; ++i) {
            check(off < n.options.size());
            const void* nul = std::memchr(n.options.data() + off, 0, n.options.size() - off);
            check(nul != nullptr);
            off = static_cast<std::size_t>(static_cast<const std::byte*>(nul) - n.options.data()) + 1;
        }
        check(off == n.options.size());
    }
    void operator()(const be::notification_response& n) {
        touch(n.channel);
        touch(n.payload);
        sum += static_cast<std::uint32_t>(n.process_id);
    }
    void operator()(const be::parameter_description& d) {
        check(d.oids.size() == 4 * std::size_t{d.count});
        touch(d.oids);
        for (std::size_t i = 0; i < d.count; ++i) {
            sum += d.oid(i);
        }
    }
    void operator()(const be::parameter_status& p) {
        touch(p.name);
        touch(p.value);
    }
    void operator()(const be::ready_for_query& r) {
        check(r.status == 'I' || r.status == 'T' || r.status == 'E');
    }
    void operator()(const be::row_description& d) {
        touch(d.fields);
        std::size_t n = 0;
        auto it = d.begin();
        for (; it != d.end() && n <= d.column_count; ++it, ++n) {
            const be::field_description f = *it;
            touch(f.name);
            check(f.format == 0 || f.format == 1);
            sum += f.table_oid + f.type_oid + static_cast<std::uint16_t>(f.column_attribute) +
                   static_cast<std::uint16_t>(f.type_size) + static_cast<std::uint32_t>(f.type_modifier);
        }
        check(n == d.column_count);
        check(it == d.end());
    }
    // The messages without a body.
    void operator()(const be::bind_complete&) { check(body.empty()); }
    void operator()(const be::close_complete&) { check(body.empty()); }
    void operator()(const be::copy_done&) { check(body.empty()); }
    void operator()(const be::empty_query_response&) { check(body.empty()); }
    void operator()(const be::no_data&) { check(body.empty()); }
    void operator()(const be::parse_complete&) { check(body.empty()); }
    void operator()(const be::portal_suspended&) { check(body.empty()); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const char tag = static_cast<char>(data[0]);
    const std::span<const std::byte> body(reinterpret_cast<const std::byte*>(data + 1), size - 1);

    be::message m;
    const std::error_code ec = be::decode(tag, body, m);
    const bool known = be::message_name(tag) != "unknown";
    if (!known) {
        check(ec == pgring::errc::unknown_message_type);
        return 0;
    }
    if (ec) {
        check(ec == pgring::errc::malformed_message ||
              (tag == be::tag::authentication && ec == pgring::errc::unsupported_authentication));
        return 0;
    }
    walker w{body};
    std::visit(w, m);
    // Keep the reads from being optimised away.
    volatile std::uint64_t sink = w.sum;
    (void)sink;
    return 0;
}
