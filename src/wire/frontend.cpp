#include "wire/frontend.hpp"

#include <cstring>

// Every variable-length encoder checks its input (NULs, counts, the length limit) before it
// writes a byte, so the usual failure costs nothing and never copies a big payload only to drop
// it. The writes are still wrapped in a rollback_guard: if an allocation throws halfway, or
// end_message() refuses the length anyway, the buffer goes back to the mark taken on entry.
//
// Error choices not spelled out by the protocol:
//   - a Describe/Close kind other than 'S' or 'P'                     -> value_out_of_range
//   - a Bind format-code count other than 0, 1 or the parameter count -> value_out_of_range
//   - a startup parameter with an empty name (it would end the list)  -> value_out_of_range
//   - a StartupMessage over 10000 bytes, the server's
//     MAX_STARTUP_PACKET_LENGTH (it would drop the connection)        -> message_too_large
//   - bind_encoder::fail() given an empty error_code                  -> invalid_state
//   - bind_encoder::reserve() after an error, or refused              -> an empty span

namespace pgring::wire::frontend {

namespace {

constexpr std::size_t max_count = 65535;  // Int16 counts are read as unsigned by the server
constexpr std::size_t max_value_length = 0x7FFFFFFF;
constexpr std::size_t max_startup_length = 10000;

bool has_nul(std::string_view s) noexcept {
    // An empty view may have a null data(), which memchr must not get.
    return !s.empty() && std::memchr(s.data(), 0, s.size()) != nullptr;
}

// Is a message whose body (everything after the length field) is `body` bytes too long?
bool too_long(const write_buffer& out, std::size_t body) noexcept {
    return body > out.max_length() - 4;
}

void put_cstring(write_buffer& out, std::string_view s) {
    out.append(s);
    out.append_u8(0);
}

// Rolls the buffer back to where it was at construction unless seal() succeeded.
class rollback_guard {
public:
    explicit rollback_guard(write_buffer& out) noexcept : out_(out), mark_(out.get_mark()) {}
    rollback_guard(const rollback_guard&) = delete;
    rollback_guard& operator=(const rollback_guard&) = delete;
    ~rollback_guard() {
        if (armed_) {
            out_.rollback(mark_);
        }
    }

    std::error_code seal() {
        std::error_code ec = out_.end_message();
        armed_ = static_cast<bool>(ec);
        return ec;
    }

private:
    write_buffer& out_;
    write_buffer::mark mark_;
    bool armed_ = true;
};

// A message that is only a tag and a length (Sync, Flush, CopyDone, Terminate): it fits any
// max_length, so end_message() cannot fail.
void encode_empty(write_buffer& out, char tag) {
    out.begin_message(tag);
    (void)out.end_message();
}

std::error_code encode_kind_and_name(write_buffer& out, char tag, char kind, std::string_view name) {
    if (kind != 'S' && kind != 'P') {
        return errc::value_out_of_range;
    }
    if (has_nul(name)) {
        return errc::embedded_nul;
    }
    if (too_long(out, 1 + name.size() + 1)) {
        return errc::message_too_large;
    }
    rollback_guard guard(out);
    out.begin_message(tag);
    out.append_u8(static_cast<std::uint8_t>(kind));
    put_cstring(out, name);
    return guard.seal();
}

std::error_code encode_one_cstring(write_buffer& out, char tag, std::string_view s) {
    if (has_nul(s)) {
        return errc::embedded_nul;
    }
    if (too_long(out, s.size() + 1)) {
        return errc::message_too_large;
    }
    rollback_guard guard(out);
    out.begin_message(tag);
    put_cstring(out, s);
    return guard.seal();
}

std::error_code encode_bytes(write_buffer& out, char tag, std::span<const std::byte> data) {
    if (too_long(out, data.size())) {
        return errc::message_too_large;
    }
    rollback_guard guard(out);
    out.begin_message(tag);
    out.append(data);
    return guard.seal();
}

}  // namespace

// --- startup, cancel, authentication ------------------------------------------------------

std::error_code encode_startup(write_buffer& out, std::span<const startup_parameter> parameters) {
    std::size_t body = 4 + 1;  // protocol version, list terminator
    for (const auto& [name, value] : parameters) {
        if (name.empty()) {
            return errc::value_out_of_range;
        }
        if (has_nul(name) || has_nul(value)) {
            return errc::embedded_nul;
        }
        body += name.size() + 1 + value.size() + 1;
    }
    if (too_long(out, body) || 4 + body > max_startup_length) {
        return errc::message_too_large;
    }
    rollback_guard guard(out);
    out.begin_message('\0');
    out.append_i32(protocol_version_3_0);
    for (const auto& [name, value] : parameters) {
        put_cstring(out, name);
        put_cstring(out, value);
    }
    out.append_u8(0);
    return guard.seal();
}

void encode_ssl_request(write_buffer& out) {
    out.begin_message('\0');
    out.append_i32(ssl_request_code);
    (void)out.end_message();
}

void encode_cancel_request(write_buffer& out, std::int32_t process_id, std::int32_t secret_key) {
    out.begin_message('\0');
    out.append_i32(cancel_request_code);
    out.append_i32(process_id);
    out.append_i32(secret_key);
    (void)out.end_message();
}

std::error_code encode_password(write_buffer& out, std::string_view password) {
    return encode_one_cstring(out, tag::password, password);
}

std::error_code encode_sasl_initial_response(write_buffer& out, std::string_view mechanism,
                                             std::span<const std::byte> data) {
    if (has_nul(mechanism)) {
        return errc::embedded_nul;
    }
    if (too_long(out, mechanism.size() + 1 + 4 + data.size())) {
        return errc::message_too_large;
    }
    rollback_guard guard(out);
    out.begin_message(tag::password);
    put_cstring(out, mechanism);
    out.append_i32(static_cast<std::int32_t>(data.size()));
    out.append(data);
    return guard.seal();
}

std::error_code encode_sasl_response(write_buffer& out, std::span<const std::byte> data) {
    return encode_bytes(out, tag::password, data);
}

// --- simple and extended query ------------------------------------------------------------

std::error_code encode_query(write_buffer& out, std::string_view sql) {
    return encode_one_cstring(out, tag::query, sql);
}

std::error_code encode_parse(write_buffer& out, std::string_view statement, std::string_view sql,
                             std::span<const oid_t> parameter_types) {
    if (has_nul(statement) || has_nul(sql)) {
        return errc::embedded_nul;
    }
    if (parameter_types.size() > max_count) {
        return errc::too_many_parameters;
    }
    if (too_long(out, statement.size() + 1 + sql.size() + 1 + 2 + 4 * parameter_types.size())) {
        return errc::message_too_large;
    }
    rollback_guard guard(out);
    out.begin_message(tag::parse);
    put_cstring(out, statement);
    put_cstring(out, sql);
    out.append_i16(static_cast<std::int16_t>(parameter_types.size()));
    for (const oid_t type : parameter_types) {
        out.append_u32(type);
    }
    return guard.seal();
}

// bind_encoder states: working (!done_), finished (done_ && !ec_), failed (done_ && ec_). Once
// done_, the message is no longer this encoder's: it was sealed, or rolled back to mark_.

bind_encoder::bind_encoder(write_buffer& out, std::string_view portal, std::string_view statement,
                           std::span<const std::int16_t> parameter_formats, std::size_t parameter_count)
    : out_(out), mark_(out.get_mark()), expected_(parameter_count) {
    if (has_nul(portal) || has_nul(statement)) {
        fail(errc::embedded_nul);
        return;
    }
    if (parameter_count > max_count || parameter_formats.size() > max_count) {
        fail(errc::too_many_parameters);
        return;
    }
    if (parameter_formats.size() > 1 && parameter_formats.size() != parameter_count) {
        fail(errc::value_out_of_range);
        return;
    }
    // The fixed part, with 4 bytes per parameter (NULLs) and an empty result-format list.
    if (too_long(out, portal.size() + 1 + statement.size() + 1 + 2 + 2 * parameter_formats.size() + 2 +
                          4 * parameter_count + 2)) {
        fail(errc::message_too_large);
        return;
    }
    // A constructor that throws gets no destructor call, so undo by hand on bad_alloc.
    try {
        out.begin_message(tag::bind);
        put_cstring(out, portal);
        put_cstring(out, statement);
        out.append_i16(static_cast<std::int16_t>(parameter_formats.size()));
        for (const std::int16_t format : parameter_formats) {
            out.append_i16(format);
        }
        out.append_i16(static_cast<std::int16_t>(parameter_count));
    } catch (...) {
        out.rollback(mark_);
        throw;
    }
}

bind_encoder::~bind_encoder() {
    if (!done_) {
        out_.rollback(mark_);
    }
}

void bind_encoder::fail(std::error_code ec) {
    if (done_) {
        return;
    }
    out_.rollback(mark_);
    ec_ = ec ? ec : make_error_code(errc::invalid_state);
    done_ = true;
}

void bind_encoder::null() {
    if (done_) {
        return;
    }
    if (written_ == expected_) {
        fail(errc::value_out_of_range);
        return;
    }
    ++written_;
    out_.append_i32(-1);
}

// value() and reserve() differ only in how the bytes arrive: value() appends them, so a value
// larger than a chunk spans chunks instead of needing an oversized one.
void bind_encoder::value(std::span<const std::byte> bytes) {
    if (done_) {
        return;
    }
    if (written_ == expected_ || bytes.size() > max_value_length) {
        fail(errc::value_out_of_range);
        return;
    }
    if (out_.message_size() - 1 + 4 + bytes.size() + 2 > out_.max_length()) {
        fail(errc::message_too_large);
        return;
    }
    ++written_;
    out_.append_i32(static_cast<std::int32_t>(bytes.size()));
    out_.append(bytes);
}

std::span<std::byte> bind_encoder::reserve(std::size_t n) {
    if (done_) {
        return {};
    }
    if (written_ == expected_ || n > max_value_length) {
        fail(errc::value_out_of_range);
        return {};
    }
    // message_size() counts the tag, the length field does not; 2 more for the result-format
    // count that finish() must still write.
    if (out_.message_size() - 1 + 4 + n + 2 > out_.max_length()) {
        fail(errc::message_too_large);
        return {};
    }
    ++written_;
    out_.append_i32(static_cast<std::int32_t>(n));
    return out_.reserve(n);
}

std::error_code bind_encoder::finish(std::span<const std::int16_t> result_formats) {
    if (done_) {
        return ec_;
    }
    if (written_ != expected_) {
        fail(errc::value_out_of_range);
        return ec_;
    }
    if (result_formats.size() > max_count) {
        fail(errc::too_many_parameters);
        return ec_;
    }
    out_.append_i16(static_cast<std::int16_t>(result_formats.size()));
    for (const std::int16_t format : result_formats) {
        out_.append_i16(format);
    }
    if (std::error_code ec = out_.end_message()) {
        fail(ec);
        return ec_;
    }
    done_ = true;
    return {};
}

std::error_code encode_bind(write_buffer& out, std::string_view portal, std::string_view statement,
                            std::span<const std::int16_t> parameter_formats,
                            std::span<const raw_parameter> parameters,
                            std::span<const std::int16_t> result_formats) {
    bind_encoder b(out, portal, statement, parameter_formats, parameters.size());
    for (const raw_parameter& p : parameters) {
        if (b.error()) {
            break;
        }
        if (p.is_null) {
            b.null();
        } else {
            b.value(p.value);
        }
    }
    return b.finish(result_formats);
}

std::error_code encode_describe(write_buffer& out, char kind, std::string_view name) {
    return encode_kind_and_name(out, tag::describe, kind, name);
}

std::error_code encode_execute(write_buffer& out, std::string_view portal, std::int32_t max_rows) {
    if (has_nul(portal)) {
        return errc::embedded_nul;
    }
    if (too_long(out, portal.size() + 1 + 4)) {
        return errc::message_too_large;
    }
    rollback_guard guard(out);
    out.begin_message(tag::execute);
    put_cstring(out, portal);
    out.append_i32(max_rows);
    return guard.seal();
}

std::error_code encode_close(write_buffer& out, char kind, std::string_view name) {
    return encode_kind_and_name(out, tag::close, kind, name);
}

void encode_sync(write_buffer& out) {
    encode_empty(out, tag::sync);
}

void encode_flush(write_buffer& out) {
    encode_empty(out, tag::flush);
}

// --- COPY and termination -----------------------------------------------------------------

std::error_code encode_copy_data(write_buffer& out, std::span<const std::byte> data) {
    return encode_bytes(out, tag::copy_data, data);
}

void encode_copy_done(write_buffer& out) {
    encode_empty(out, tag::copy_done);
}

std::error_code encode_copy_fail(write_buffer& out, std::string_view message) {
    return encode_one_cstring(out, tag::copy_fail, message);
}

void encode_terminate(write_buffer& out) {
    encode_empty(out, tag::terminate);
}

}  // namespace pgring::wire::frontend
