#include "wire/backend.hpp"

#include "wire/byte_order.hpp"

#include <cstring>

// Every decoder walks the body once with a cursor and rejects it as soon as something does not
// fit; a view is filled only after the whole body checked out. The iterators of the views then
// rely on that validation and do no bounds checks of their own.

namespace pgring::wire::backend {

namespace {

std::error_code malformed() noexcept {
    return errc::malformed_message;
}

std::string_view as_string(const std::byte* p, std::size_t n) noexcept {
    return {reinterpret_cast<const char*>(p), n};
}

// A bounds-checked read position in a body. Every read_*() returns false, and reads nothing,
// when the body is too short.
class cursor {
public:
    explicit cursor(std::span<const std::byte> body) noexcept
        : p_(body.data()), end_(body.data() + body.size()) {}

    std::size_t remaining() const noexcept { return static_cast<std::size_t>(end_ - p_); }
    bool at_end() const noexcept { return p_ == end_; }
    const std::byte* position() const noexcept { return p_; }

    bool read_i8(std::int8_t& v) noexcept {
        if (remaining() < 1) {
            return false;
        }
        v = static_cast<std::int8_t>(*p_);
        ++p_;
        return true;
    }
    bool read_i16(std::int16_t& v) noexcept {
        if (remaining() < 2) {
            return false;
        }
        v = load_i16(p_);
        p_ += 2;
        return true;
    }
    bool read_i32(std::int32_t& v) noexcept {
        if (remaining() < 4) {
            return false;
        }
        v = load_i32(p_);
        p_ += 4;
        return true;
    }
    bool read_u32(std::uint32_t& v) noexcept {
        if (remaining() < 4) {
            return false;
        }
        v = load_u32(p_);
        p_ += 4;
        return true;
    }
    // A protocol String: bytes up to a NUL; `v` excludes the NUL, the cursor moves past it.
    bool read_string(std::string_view& v) noexcept {
        if (p_ == end_) {
            return false;  // also keeps a null pointer away from memchr
        }
        const void* nul = std::memchr(p_, 0, remaining());
        if (nul == nullptr) {
            return false;
        }
        const auto* q = static_cast<const std::byte*>(nul);
        v = as_string(p_, static_cast<std::size_t>(q - p_));
        p_ = q + 1;
        return true;
    }
    bool skip(std::size_t n) noexcept {
        if (remaining() < n) {
            return false;
        }
        p_ += n;
        return true;
    }

private:
    const std::byte* p_;
    const std::byte* end_;
};

// Length of the NUL-terminated string at `p`, known to be terminated (validated earlier).
std::size_t terminated_length(const std::byte* p) noexcept {
    return std::strlen(reinterpret_cast<const char*>(p));
}

// Fixed part of one RowDescription field after its name: table OID, column attribute number,
// type OID, type size, type modifier, format code.
constexpr std::size_t row_field_fixed_size = 4 + 2 + 4 + 2 + 4 + 2;

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

}  // namespace

std::string_view message_name(char t) noexcept {
    switch (t) {
        case tag::authentication:
            return "Authentication";
        case tag::backend_key_data:
            return "BackendKeyData";
        case tag::bind_complete:
            return "BindComplete";
        case tag::close_complete:
            return "CloseComplete";
        case tag::command_complete:
            return "CommandComplete";
        case tag::copy_data:
            return "CopyData";
        case tag::copy_done:
            return "CopyDone";
        case tag::copy_in_response:
            return "CopyInResponse";
        case tag::copy_out_response:
            return "CopyOutResponse";
        case tag::copy_both_response:
            return "CopyBothResponse";
        case tag::data_row:
            return "DataRow";
        case tag::empty_query_response:
            return "EmptyQueryResponse";
        case tag::error_response:
            return "ErrorResponse";
        case tag::function_call_response:
            return "FunctionCallResponse";
        case tag::negotiate_protocol_version:
            return "NegotiateProtocolVersion";
        case tag::no_data:
            return "NoData";
        case tag::notice_response:
            return "NoticeResponse";
        case tag::notification_response:
            return "NotificationResponse";
        case tag::parameter_description:
            return "ParameterDescription";
        case tag::parameter_status:
            return "ParameterStatus";
        case tag::parse_complete:
            return "ParseComplete";
        case tag::portal_suspended:
            return "PortalSuspended";
        case tag::ready_for_query:
            return "ReadyForQuery";
        case tag::row_description:
            return "RowDescription";
        default:
            return "unknown";
    }
}

// ---- Authentication ----------------------------------------------------------------------------

bool authentication::offers_mechanism(std::string_view name) const noexcept {
    if (request != kind::sasl) {
        return false;
    }
    // data: "name\0name\0...\0" (validated), so every strlen stops inside it.
    const std::byte* p = data.data();
    const std::byte* const end = data.data() + data.size();
    while (p < end) {
        const std::size_t n = terminated_length(p);
        if (n == 0) {
            break;
        }
        if (as_string(p, n) == name) {
            return true;
        }
        p += n + 1;
    }
    return false;
}

namespace {

// SASL mechanism list: names, each with its NUL, then an empty name (a lone NUL) that ends the
// body. An empty list (just the final NUL) is well formed; it offers nothing.
bool valid_mechanism_list(std::span<const std::byte> list) noexcept {
    cursor c(list);
    for (;;) {
        std::string_view name;
        if (!c.read_string(name)) {
            return false;
        }
        if (name.empty()) {
            return c.at_end();
        }
    }
}

}  // namespace

std::error_code decode_authentication(std::span<const std::byte> body, authentication& out) {
    cursor c(body);
    std::int32_t code = 0;
    if (!c.read_i32(code)) {
        return malformed();
    }
    const std::span<const std::byte> rest = body.subspan(4);
    authentication a;
    switch (code) {
        case static_cast<std::int32_t>(authentication::kind::ok):
        case static_cast<std::int32_t>(authentication::kind::kerberos_v5):
        case static_cast<std::int32_t>(authentication::kind::cleartext_password):
        case static_cast<std::int32_t>(authentication::kind::scm_credential):
        case static_cast<std::int32_t>(authentication::kind::gss):
        case static_cast<std::int32_t>(authentication::kind::sspi):
            if (!rest.empty()) {
                return malformed();
            }
            break;
        case static_cast<std::int32_t>(authentication::kind::md5_password):
            if (rest.size() != 4) {
                return malformed();
            }
            a.salt = rest;
            break;
        case static_cast<std::int32_t>(authentication::kind::sasl):
            if (!valid_mechanism_list(rest)) {
                return malformed();
            }
            a.data = rest;
            break;
        case static_cast<std::int32_t>(authentication::kind::gss_continue):
        case static_cast<std::int32_t>(authentication::kind::sasl_continue):
        case static_cast<std::int32_t>(authentication::kind::sasl_final):
            a.data = rest;
            break;
        default:
            return errc::unsupported_authentication;
    }
    a.request = static_cast<authentication::kind>(code);
    out = a;
    return {};
}

// ---- BackendKeyData ----------------------------------------------------------------------------

std::error_code decode_backend_key_data(std::span<const std::byte> body, backend_key_data& out) {
    if (body.size() != 8) {
        return malformed();
    }
    out.process_id = load_i32(body.data());
    out.secret_key = load_i32(body.data() + 4);
    return {};
}

// ---- CommandComplete ---------------------------------------------------------------------------

bool command_complete::rows_affected(std::uint64_t& out) const noexcept {
    // Tags with a count: "INSERT oid rows", "UPDATE rows", "DELETE rows", "SELECT rows",
    // "MOVE rows", "FETCH rows", "COPY rows", "MERGE rows". The count is the last word.
    static constexpr std::string_view counted[] = {"INSERT", "UPDATE", "DELETE", "SELECT",
                                                   "MOVE",   "FETCH",  "COPY",   "MERGE"};
    const std::string_view t = command_tag;
    const std::size_t first_space = t.find(' ');
    if (first_space == std::string_view::npos) {
        return false;
    }
    const std::string_view verb = t.substr(0, first_space);
    bool known = false;
    for (std::string_view v : counted) {
        if (verb == v) {
            known = true;
            break;
        }
    }
    if (!known) {
        return false;
    }
    const std::string_view number = t.substr(t.rfind(' ') + 1);
    if (number.empty()) {
        return false;
    }
    std::uint64_t v = 0;
    for (char ch : number) {
        if (!is_digit(ch)) {
            return false;
        }
        const auto d = static_cast<std::uint64_t>(ch - '0');
        if (v > (UINT64_MAX - d) / 10) {
            return false;
        }
        v = v * 10 + d;
    }
    out = v;
    return true;
}

std::error_code decode_command_complete(std::span<const std::byte> body, command_complete& out) {
    cursor c(body);
    std::string_view t;
    if (!c.read_string(t) || !c.at_end()) {
        return malformed();
    }
    out.command_tag = t;
    return {};
}

// ---- CopyInResponse / CopyOutResponse / CopyBothResponse ---------------------------------------

std::int16_t copy_response::column_format(std::size_t i) const noexcept {
    return load_i16(column_formats.data() + 2 * i);
}

std::error_code decode_copy_response(std::span<const std::byte> body, copy_response& out) {
    cursor c(body);
    std::int8_t format = 0;
    std::int16_t count = 0;
    if (!c.read_i8(format) || !c.read_i16(count)) {
        return malformed();
    }
    if ((format != 0 && format != 1) || count < 0) {
        return malformed();
    }
    const std::size_t n = static_cast<std::size_t>(count);
    if (c.remaining() != 2 * n) {
        return malformed();
    }
    const std::byte* const formats = c.position();
    for (std::size_t i = 0; i < n; ++i) {
        const std::int16_t f = load_i16(formats + 2 * i);
        // A text COPY has only text columns; a binary one has only binary columns, but the
        // docs only promise the former, so a binary COPY may mark columns either way.
        if ((f != 0 && f != 1) || (format == 0 && f != 0)) {
            return malformed();
        }
    }
    out.format = format;
    out.column_count = static_cast<std::uint16_t>(count);
    out.column_formats = std::span<const std::byte>(formats, 2 * n);
    return {};
}

// ---- CopyData ----------------------------------------------------------------------------------

std::error_code decode_copy_data(std::span<const std::byte> body, copy_data& out) {
    out.data = body;
    return {};
}

// ---- DataRow -----------------------------------------------------------------------------------

field_view data_row::iterator::operator*() const noexcept {
    const std::int32_t length = load_i32(p_);
    if (length < 0) {
        return {true, {}};
    }
    return {false, std::span<const std::byte>(p_ + 4, static_cast<std::size_t>(length))};
}

data_row::iterator& data_row::iterator::operator++() noexcept {
    const std::int32_t length = load_i32(p_);
    p_ += 4 + (length < 0 ? 0 : static_cast<std::size_t>(length));
    return *this;
}

// Called once per row: one pass over the field lengths, nothing else.
std::error_code decode_data_row(std::span<const std::byte> body, data_row& out) {
    if (body.size() < 2) {
        return malformed();
    }
    const std::int16_t count = load_i16(body.data());
    if (count < 0) {
        return malformed();
    }
    const std::byte* p = body.data() + 2;
    const std::byte* const end = body.data() + body.size();
    for (std::int16_t i = 0; i < count; ++i) {
        if (end - p < 4) {
            return malformed();
        }
        const std::int32_t length = load_i32(p);
        p += 4;
        if (length >= 0) {
            if (end - p < length) {
                return malformed();
            }
            p += length;
        } else if (length != -1) {
            return malformed();
        }
    }
    if (p != end) {
        return malformed();
    }
    out.column_count = static_cast<std::uint16_t>(count);
    out.fields = body.subspan(2);
    return {};
}

// ---- ErrorResponse / NoticeResponse ------------------------------------------------------------

notice_field error_response::iterator::operator*() const noexcept {
    const std::byte* value = p_ + 1;
    return {static_cast<char>(*p_), as_string(value, terminated_length(value))};
}

error_response::iterator& error_response::iterator::operator++() noexcept {
    p_ += 1 + terminated_length(p_ + 1) + 1;
    return *this;
}

std::string_view error_response::field(char code) const noexcept {
    for (const notice_field f : *this) {
        if (f.code == code) {
            return f.value;
        }
    }
    return {};
}

void error_response::to_diagnostics(diagnostics& out) const {
    out.clear();
    for (const notice_field f : *this) {
        out.set_field(f.code, f.value);
    }
}

std::error_code decode_error_response(std::span<const std::byte> body, error_response& out) {
    cursor c(body);
    for (;;) {
        std::int8_t code = 0;
        if (!c.read_i8(code)) {
            return malformed();  // no terminating 0
        }
        if (code == 0) {
            break;
        }
        std::string_view value;
        if (!c.read_string(value)) {
            return malformed();
        }
    }
    if (!c.at_end()) {
        return malformed();
    }
    out.fields = body;
    return {};
}

// ---- FunctionCallResponse ----------------------------------------------------------------------

std::error_code decode_function_call_response(std::span<const std::byte> body, function_call_response& out) {
    cursor c(body);
    std::int32_t length = 0;
    if (!c.read_i32(length)) {
        return malformed();
    }
    if (length == -1) {
        if (!c.at_end()) {
            return malformed();
        }
        out.is_null = true;
        out.value = {};
        return {};
    }
    if (length < 0 || c.remaining() != static_cast<std::size_t>(length)) {
        return malformed();
    }
    out.is_null = false;
    out.value = body.subspan(4);
    return {};
}

// ---- NegotiateProtocolVersion ------------------------------------------------------------------

std::error_code decode_negotiate_protocol_version(std::span<const std::byte> body,
                                                  negotiate_protocol_version& out) {
    cursor c(body);
    std::int32_t minor = 0;
    std::int32_t count = 0;
    if (!c.read_i32(minor) || !c.read_i32(count) || count < 0) {
        return malformed();
    }
    const std::byte* const options = c.position();
    for (std::int32_t i = 0; i < count; ++i) {
        std::string_view name;
        if (!c.read_string(name)) {
            return malformed();
        }
    }
    if (!c.at_end()) {
        return malformed();
    }
    out.newest_minor_version = minor;
    out.option_count = count;
    out.options = body.subspan(static_cast<std::size_t>(options - body.data()));
    return {};
}

// ---- NotificationResponse ----------------------------------------------------------------------

std::error_code decode_notification_response(std::span<const std::byte> body, notification_response& out) {
    cursor c(body);
    std::int32_t pid = 0;
    std::string_view channel;
    std::string_view payload;
    if (!c.read_i32(pid) || !c.read_string(channel) || !c.read_string(payload) || !c.at_end()) {
        return malformed();
    }
    out.process_id = pid;
    out.channel = channel;
    out.payload = payload;
    return {};
}

// ---- ParameterDescription ----------------------------------------------------------------------

oid_t parameter_description::oid(std::size_t i) const noexcept {
    return load_u32(oids.data() + 4 * i);
}

std::error_code decode_parameter_description(std::span<const std::byte> body, parameter_description& out) {
    // The count is read unsigned: a statement may have up to 65535 parameters (libpq and the
    // server both treat this Int16 as unsigned), so no value of it is "negative".
    if (body.size() < 2) {
        return malformed();
    }
    const std::uint16_t count = load_u16(body.data());
    if (body.size() - 2 != std::size_t{count} * 4) {
        return malformed();
    }
    out.count = count;
    out.oids = body.subspan(2);
    return {};
}

// ---- ParameterStatus ---------------------------------------------------------------------------

std::error_code decode_parameter_status(std::span<const std::byte> body, parameter_status& out) {
    cursor c(body);
    std::string_view name;
    std::string_view value;
    if (!c.read_string(name) || !c.read_string(value) || !c.at_end()) {
        return malformed();
    }
    out.name = name;
    out.value = value;
    return {};
}

// ---- ReadyForQuery -----------------------------------------------------------------------------

std::error_code decode_ready_for_query(std::span<const std::byte> body, ready_for_query& out) {
    if (body.size() != 1) {
        return malformed();
    }
    const auto status = static_cast<char>(body[0]);
    if (status != 'I' && status != 'T' && status != 'E') {
        return malformed();
    }
    out.status = status;
    return {};
}

// ---- RowDescription ----------------------------------------------------------------------------
//
// Each field:  name\0 | table OID:4 | attnum:2 | type OID:4 | typlen:2 | typmod:4 | format:2

field_description row_description::iterator::operator*() const noexcept {
    field_description d;
    const std::size_t n = terminated_length(p_);
    d.name = as_string(p_, n);
    const std::byte* q = p_ + n + 1;
    d.table_oid = load_u32(q);
    d.column_attribute = load_i16(q + 4);
    d.type_oid = load_u32(q + 6);
    d.type_size = load_i16(q + 10);
    d.type_modifier = load_i32(q + 12);
    d.format = load_i16(q + 16);
    return d;
}

row_description::iterator& row_description::iterator::operator++() noexcept {
    p_ += terminated_length(p_) + 1 + row_field_fixed_size;
    return *this;
}

std::error_code decode_row_description(std::span<const std::byte> body, row_description& out) {
    cursor c(body);
    std::int16_t count = 0;
    if (!c.read_i16(count) || count < 0) {
        return malformed();
    }
    for (std::int16_t i = 0; i < count; ++i) {
        std::string_view name;
        if (!c.read_string(name) || c.remaining() < row_field_fixed_size) {
            return malformed();
        }
        const std::int16_t format = load_i16(c.position() + row_field_fixed_size - 2);
        if (format != 0 && format != 1) {
            return malformed();
        }
        c.skip(row_field_fixed_size);
    }
    if (!c.at_end()) {
        return malformed();
    }
    out.column_count = static_cast<std::uint16_t>(count);
    out.fields = body.subspan(2);
    return {};
}

// ---- Messages without a body -------------------------------------------------------------------

std::error_code decode_empty(std::span<const std::byte> body) noexcept {
    if (!body.empty()) {
        return malformed();
    }
    return {};
}

// ---- Dispatch ----------------------------------------------------------------------------------

namespace {

template <class T>
std::error_code decode_empty_into(std::span<const std::byte> body, message& out) noexcept {
    if (auto ec = decode_empty(body)) {
        return ec;
    }
    out.emplace<T>();
    return {};
}

}  // namespace

std::error_code decode(char t, std::span<const std::byte> body, message& out) {
    switch (t) {
        case tag::authentication:
            return decode_authentication(body, out.emplace<authentication>());
        case tag::backend_key_data:
            return decode_backend_key_data(body, out.emplace<backend_key_data>());
        case tag::bind_complete:
            return decode_empty_into<bind_complete>(body, out);
        case tag::close_complete:
            return decode_empty_into<close_complete>(body, out);
        case tag::command_complete:
            return decode_command_complete(body, out.emplace<command_complete>());
        case tag::copy_data:
            return decode_copy_data(body, out.emplace<copy_data>());
        case tag::copy_done:
            return decode_empty_into<copy_done>(body, out);
        case tag::copy_in_response:
        case tag::copy_out_response:
        case tag::copy_both_response:
            return decode_copy_response(body, out.emplace<copy_response>());
        case tag::data_row:
            return decode_data_row(body, out.emplace<data_row>());
        case tag::empty_query_response:
            return decode_empty_into<empty_query_response>(body, out);
        case tag::error_response:
        case tag::notice_response:
            return decode_error_response(body, out.emplace<error_response>());
        case tag::function_call_response:
            return decode_function_call_response(body, out.emplace<function_call_response>());
        case tag::negotiate_protocol_version:
            return decode_negotiate_protocol_version(body, out.emplace<negotiate_protocol_version>());
        case tag::no_data:
            return decode_empty_into<no_data>(body, out);
        case tag::notification_response:
            return decode_notification_response(body, out.emplace<notification_response>());
        case tag::parameter_description:
            return decode_parameter_description(body, out.emplace<parameter_description>());
        case tag::parameter_status:
            return decode_parameter_status(body, out.emplace<parameter_status>());
        case tag::parse_complete:
            return decode_empty_into<parse_complete>(body, out);
        case tag::portal_suspended:
            return decode_empty_into<portal_suspended>(body, out);
        case tag::ready_for_query:
            return decode_ready_for_query(body, out.emplace<ready_for_query>());
        case tag::row_description:
            return decode_row_description(body, out.emplace<row_description>());
        default:
            return errc::unknown_message_type;
    }
}

}  // namespace pgring::wire::backend
