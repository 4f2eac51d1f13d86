#pragma once

// Builders for backend (server -> client) messages, for tests: each returns one whole frame,
// [tag:1][length:4][body], exactly as a server would send it.
//
//   namespace bb = pgring::test::backend;
//   bytes in = bb::concat(bb::row_description_builder().field("a", oid::int4, 1).frame(),
//                         bb::data_row_builder().text("42").null().frame(),
//                         bb::command_complete("SELECT 1"), bb::ready_for_query('I'));
//
// The builders write what they are told: they never validate, so they can also make the
// malformed messages that decoder tests need (a format code of 2, a negative column count, a
// status of 'Q'...). For anything they cannot express, frame(tag, body) wraps raw bytes.

#include <pgring/oid.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pgring::test {

using bytes = std::vector<std::byte>;

/// The bytes of `s` (no NUL added).
bytes to_bytes(std::string_view s);

/// "52 00 00 00 08" -> bytes, for golden bytes copied from the protocol docs; characters other
/// than hex digits are ignored, an odd trailing digit too.
bytes from_hex(std::string_view hex);

/// Hex dump for failure messages: 16 bytes a line, offset, hex, and printable ASCII.
std::string to_hex(std::span<const std::byte> b);

namespace backend {

/// One frame: `tag`, the Int32 length (body size + 4), then `body`.
bytes frame(char tag, std::span<const std::byte> body);
/// frame('Z', {std::byte{'I'}}) and frame('!', {}).
bytes frame(char tag, std::initializer_list<std::byte> body);

/// Concatenates frames (or any byte strings) in order.
bytes concat(std::initializer_list<std::span<const std::byte>> parts);
template <class... Parts>
bytes concat(const Parts&... parts) {
    return concat({std::span<const std::byte>(parts)...});
}

/// DataRow ('D'): add fields in order, then frame().
class data_row_builder {
public:
    /// A field holding the bytes of `s`.
    data_row_builder& text(std::string_view s);
    /// A field holding `b` (e.g. a binary-format value).
    data_row_builder& bytes(std::span<const std::byte> b);
    /// A NULL field (length -1).
    data_row_builder& null();
    /// A field with any declared length and any bytes, e.g. length -2, or 10 with 3 bytes.
    data_row_builder& raw_field(std::int32_t length, std::span<const std::byte> b = {});
    /// Bytes appended after the fields, uncounted (to make trailing garbage).
    data_row_builder& trailing(std::span<const std::byte> b);
    /// Overrides the column count (default: the number of fields added).
    data_row_builder& column_count(std::int16_t n);
    /// The whole frame.
    std::vector<std::byte> frame() const;

private:
    std::vector<std::byte> fields_;
    std::vector<std::byte> trailing_;
    std::int16_t count_ = 0;
    std::optional<std::int16_t> count_override_;
};

/// RowDescription ('T'): add columns in order, then frame().
class row_description_builder {
public:
    /// A column; the defaults are those of a computed column (no table, variable size).
    row_description_builder& field(std::string_view name, oid_t type_oid, std::int16_t format = 0,
                                   oid_t table_oid = 0, std::int16_t column_attribute = 0,
                                   std::int16_t type_size = -1, std::int32_t type_modifier = -1);
    /// Bytes appended after the fields, uncounted.
    row_description_builder& trailing(std::span<const std::byte> b);
    /// Overrides the column count (default: the number of fields added).
    row_description_builder& column_count(std::int16_t n);
    std::vector<std::byte> frame() const;

private:
    std::vector<std::byte> fields_;
    std::vector<std::byte> trailing_;
    std::int16_t count_ = 0;
    std::optional<std::int16_t> count_override_;
};

/// ErrorResponse ('E'): fields in the order given, then the terminating 0.
class error_response_builder {
public:
    error_response_builder() = default;

    error_response_builder& severity(std::string_view s);     ///< 'S' (add 'V' with field())
    error_response_builder& code(std::string_view sqlstate);  ///< 'C'
    error_response_builder& message(std::string_view m);      ///< 'M'
    error_response_builder& detail(std::string_view d);       ///< 'D'
    error_response_builder& hint(std::string_view h);         ///< 'H'
    /// Any field, e.g. field('n', "orders_pkey").
    error_response_builder& field(char code, std::string_view value);
    std::vector<std::byte> frame() const;

protected:
    explicit error_response_builder(char tag) : tag_(tag) {}

private:
    char tag_ = 'E';
    std::vector<std::byte> fields_;
};

/// NoticeResponse ('N'): the same fields as ErrorResponse.
class notice_response_builder : public error_response_builder {
public:
    notice_response_builder() : error_response_builder('N') {}
};

/// AuthenticationOk.
bytes authentication_ok();
/// AuthenticationCleartextPassword.
bytes authentication_cleartext();
/// AuthenticationMD5Password with `salt` (normally 4 bytes; any length is written).
bytes authentication_md5(std::span<const std::byte> salt);
/// AuthenticationSASL with the mechanism list (each name NUL-terminated, then a final NUL).
bytes authentication_sasl(std::initializer_list<std::string_view> mechanisms);
/// AuthenticationSASLContinue with the server's SASL data.
bytes authentication_sasl_continue(std::span<const std::byte> data);
/// AuthenticationSASLFinal with the server's SASL data.
bytes authentication_sasl_final(std::span<const std::byte> data);
/// Any Authentication request: Int32 `code` then `rest`.
bytes authentication(std::int32_t code, std::span<const std::byte> rest = {});

/// BackendKeyData.
bytes backend_key_data(std::int32_t process_id, std::int32_t secret_key);
/// ParameterStatus.
bytes parameter_status(std::string_view name, std::string_view value);
/// ReadyForQuery with transaction status `status` ('I', 'T' or 'E').
bytes ready_for_query(char status);
/// CommandComplete with `command_tag` (e.g. "INSERT 0 1").
bytes command_complete(std::string_view command_tag);

/// The empty messages.
bytes parse_complete();
bytes bind_complete();
bytes close_complete();
bytes no_data();
bytes empty_query_response();
bytes portal_suspended();
bytes copy_done();

/// ParameterDescription with the parameters' type OIDs.
bytes parameter_description(std::initializer_list<oid_t> oids);

/// CopyInResponse, CopyOutResponse, CopyBothResponse: overall format, then column formats.
bytes copy_in_response(std::int8_t format, std::initializer_list<std::int16_t> column_formats);
bytes copy_out_response(std::int8_t format, std::initializer_list<std::int16_t> column_formats);
bytes copy_both_response(std::int8_t format, std::initializer_list<std::int16_t> column_formats);
/// CopyData carrying `data`.
bytes copy_data(std::span<const std::byte> data);
bytes copy_data(std::initializer_list<std::byte> data);

/// NotificationResponse.
bytes notification_response(std::int32_t process_id, std::string_view channel, std::string_view payload);
/// NegotiateProtocolVersion: newest minor version supported and the unrecognised options.
bytes negotiate_protocol_version(std::int32_t newest_minor, std::initializer_list<std::string_view> options);
/// FunctionCallResponse with a value, or NULL for std::nullopt.
bytes function_call_response(const std::optional<bytes>& value);

}  // namespace backend
}  // namespace pgring::test
