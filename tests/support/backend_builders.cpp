#include "backend_builders.hpp"

#include <cstdio>

namespace pgring::test {

namespace {

void put_i8(bytes& out, std::int8_t v) {
    out.push_back(static_cast<std::byte>(v));
}

void put_i16(bytes& out, std::int16_t v) {
    const auto u = static_cast<std::uint16_t>(v);
    out.push_back(static_cast<std::byte>(u >> 8));
    out.push_back(static_cast<std::byte>(u & 0xFF));
}

void put_u32(bytes& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<std::byte>((v >> shift) & 0xFF));
    }
}

void put_i32(bytes& out, std::int32_t v) {
    put_u32(out, static_cast<std::uint32_t>(v));
}

void put_raw(bytes& out, std::span<const std::byte> b) {
    out.insert(out.end(), b.begin(), b.end());
}

void put_raw(bytes& out, std::string_view s) {
    for (char c : s) {
        out.push_back(static_cast<std::byte>(c));
    }
}

// A protocol String: the bytes and a NUL.
void put_string(bytes& out, std::string_view s) {
    put_raw(out, s);
    out.push_back(std::byte{0});
}

bytes copy_response(char tag, std::int8_t format, std::initializer_list<std::int16_t> column_formats) {
    bytes body;
    put_i8(body, format);
    put_i16(body, static_cast<std::int16_t>(column_formats.size()));
    for (std::int16_t f : column_formats) {
        put_i16(body, f);
    }
    return backend::frame(tag, body);
}

}  // namespace

bytes to_bytes(std::string_view s) {
    bytes out;
    put_raw(out, s);
    return out;
}

bytes from_hex(std::string_view hex) {
    bytes out;
    int high = -1;
    for (char c : hex) {
        int v = 0;
        if (c >= '0' && c <= '9') {
            v = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            v = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            v = c - 'A' + 10;
        } else {
            continue;
        }
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<std::byte>(high * 16 + v));
            high = -1;
        }
    }
    return out;
}

std::string to_hex(std::span<const std::byte> b) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t line = 0; line < b.size(); line += 16) {
        char offset[24];
        std::snprintf(offset, sizeof offset, "%06zx  ", line);
        out += offset;
        std::string ascii;
        for (std::size_t i = line; i < line + 16; ++i) {
            if (i < b.size()) {
                const auto v = static_cast<unsigned char>(b[i]);
                out += digits[v >> 4];
                out += digits[v & 0xF];
                out += ' ';
                ascii += (v >= 0x20 && v < 0x7F) ? static_cast<char>(v) : '.';
            } else {
                out += "   ";
            }
            if (i == line + 7) {
                out += ' ';
            }
        }
        out += " |";
        out += ascii;
        out += "|\n";
    }
    if (b.empty()) {
        out = "(empty)\n";
    }
    return out;
}

namespace backend {

bytes frame(char tag, std::span<const std::byte> body) {
    bytes out;
    out.reserve(5 + body.size());
    out.push_back(static_cast<std::byte>(tag));
    put_u32(out, static_cast<std::uint32_t>(body.size() + 4));
    put_raw(out, body);
    return out;
}

bytes frame(char tag, std::initializer_list<std::byte> body) {
    return frame(tag, std::span<const std::byte>(body.begin(), body.size()));
}

bytes concat(std::initializer_list<std::span<const std::byte>> parts) {
    bytes out;
    for (std::span<const std::byte> p : parts) {
        put_raw(out, p);
    }
    return out;
}

// ---- DataRow ----

data_row_builder& data_row_builder::text(std::string_view s) {
    put_i32(fields_, static_cast<std::int32_t>(s.size()));
    put_raw(fields_, s);
    ++count_;
    return *this;
}

data_row_builder& data_row_builder::bytes(std::span<const std::byte> b) {
    put_i32(fields_, static_cast<std::int32_t>(b.size()));
    put_raw(fields_, b);
    ++count_;
    return *this;
}

data_row_builder& data_row_builder::null() {
    put_i32(fields_, -1);
    ++count_;
    return *this;
}

data_row_builder& data_row_builder::raw_field(std::int32_t length, std::span<const std::byte> b) {
    put_i32(fields_, length);
    put_raw(fields_, b);
    ++count_;
    return *this;
}

data_row_builder& data_row_builder::trailing(std::span<const std::byte> b) {
    put_raw(trailing_, b);
    return *this;
}

data_row_builder& data_row_builder::column_count(std::int16_t n) {
    count_override_ = n;
    return *this;
}

std::vector<std::byte> data_row_builder::frame() const {
    std::vector<std::byte> body;
    put_i16(body, count_override_.value_or(count_));
    put_raw(body, fields_);
    put_raw(body, trailing_);
    return backend::frame('D', body);
}

// ---- RowDescription ----

row_description_builder& row_description_builder::field(std::string_view name, oid_t type_oid,
                                                        std::int16_t format, oid_t table_oid,
                                                        std::int16_t column_attribute, std::int16_t type_size,
                                                        std::int32_t type_modifier) {
    put_string(fields_, name);
    put_u32(fields_, table_oid);
    put_i16(fields_, column_attribute);
    put_u32(fields_, type_oid);
    put_i16(fields_, type_size);
    put_i32(fields_, type_modifier);
    put_i16(fields_, format);
    ++count_;
    return *this;
}

row_description_builder& row_description_builder::trailing(std::span<const std::byte> b) {
    put_raw(trailing_, b);
    return *this;
}

row_description_builder& row_description_builder::column_count(std::int16_t n) {
    count_override_ = n;
    return *this;
}

std::vector<std::byte> row_description_builder::frame() const {
    std::vector<std::byte> body;
    put_i16(body, count_override_.value_or(count_));
    put_raw(body, fields_);
    put_raw(body, trailing_);
    return backend::frame('T', body);
}

// ---- ErrorResponse / NoticeResponse ----

error_response_builder& error_response_builder::severity(std::string_view s) {
    return field('S', s);
}
error_response_builder& error_response_builder::code(std::string_view sqlstate) {
    return field('C', sqlstate);
}
error_response_builder& error_response_builder::message(std::string_view m) {
    return field('M', m);
}
error_response_builder& error_response_builder::detail(std::string_view d) {
    return field('D', d);
}
error_response_builder& error_response_builder::hint(std::string_view h) {
    return field('H', h);
}

error_response_builder& error_response_builder::field(char code, std::string_view value) {
    fields_.push_back(static_cast<std::byte>(code));
    put_string(fields_, value);
    return *this;
}

std::vector<std::byte> error_response_builder::frame() const {
    std::vector<std::byte> body = fields_;
    body.push_back(std::byte{0});
    return backend::frame(tag_, body);
}

// ---- Authentication ----

bytes authentication(std::int32_t code, std::span<const std::byte> rest) {
    bytes body;
    put_i32(body, code);
    put_raw(body, rest);
    return frame('R', body);
}

bytes authentication_ok() {
    return authentication(0);
}
bytes authentication_cleartext() {
    return authentication(3);
}
bytes authentication_md5(std::span<const std::byte> salt) {
    return authentication(5, salt);
}

bytes authentication_sasl(std::initializer_list<std::string_view> mechanisms) {
    bytes list;
    for (std::string_view m : mechanisms) {
        put_string(list, m);
    }
    list.push_back(std::byte{0});
    return authentication(10, list);
}

bytes authentication_sasl_continue(std::span<const std::byte> data) {
    return authentication(11, data);
}
bytes authentication_sasl_final(std::span<const std::byte> data) {
    return authentication(12, data);
}

// ---- Session and query messages ----

bytes backend_key_data(std::int32_t process_id, std::int32_t secret_key) {
    bytes body;
    put_i32(body, process_id);
    put_i32(body, secret_key);
    return frame('K', body);
}

bytes parameter_status(std::string_view name, std::string_view value) {
    bytes body;
    put_string(body, name);
    put_string(body, value);
    return frame('S', body);
}

bytes ready_for_query(char status) {
    return frame('Z', {static_cast<std::byte>(status)});
}

bytes command_complete(std::string_view command_tag) {
    bytes body;
    put_string(body, command_tag);
    return frame('C', body);
}

bytes parse_complete() {
    return frame('1', {});
}
bytes bind_complete() {
    return frame('2', {});
}
bytes close_complete() {
    return frame('3', {});
}
bytes no_data() {
    return frame('n', {});
}
bytes empty_query_response() {
    return frame('I', {});
}
bytes portal_suspended() {
    return frame('s', {});
}
bytes copy_done() {
    return frame('c', {});
}

bytes parameter_description(std::initializer_list<oid_t> oids) {
    bytes body;
    put_i16(body, static_cast<std::int16_t>(oids.size()));
    for (oid_t o : oids) {
        put_u32(body, o);
    }
    return frame('t', body);
}

bytes copy_in_response(std::int8_t format, std::initializer_list<std::int16_t> column_formats) {
    return copy_response('G', format, column_formats);
}

bytes copy_out_response(std::int8_t format, std::initializer_list<std::int16_t> column_formats) {
    return copy_response('H', format, column_formats);
}

bytes copy_both_response(std::int8_t format, std::initializer_list<std::int16_t> column_formats) {
    return copy_response('W', format, column_formats);
}

bytes copy_data(std::span<const std::byte> data) {
    return frame('d', data);
}

bytes copy_data(std::initializer_list<std::byte> data) {
    return frame('d', data);
}

bytes notification_response(std::int32_t process_id, std::string_view channel, std::string_view payload) {
    bytes body;
    put_i32(body, process_id);
    put_string(body, channel);
    put_string(body, payload);
    return frame('A', body);
}

bytes negotiate_protocol_version(std::int32_t newest_minor, std::initializer_list<std::string_view> options) {
    bytes body;
    put_i32(body, newest_minor);
    put_i32(body, static_cast<std::int32_t>(options.size()));
    for (std::string_view o : options) {
        put_string(body, o);
    }
    return frame('v', body);
}

bytes function_call_response(const std::optional<bytes>& value) {
    bytes body;
    if (value) {
        put_i32(body, static_cast<std::int32_t>(value->size()));
        put_raw(body, *value);
    } else {
        put_i32(body, -1);
    }
    return frame('V', body);
}

}  // namespace backend
}  // namespace pgring::test
