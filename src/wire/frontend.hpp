#pragma once

// Frontend (client -> server) messages of protocol 3.0, encoded into a write_buffer.
//
// Every encode_<message>() appends exactly one message. An encoder that can fail (a string with
// a NUL, too many parameters, a message over the length limit) returns the error and leaves the
// buffer exactly as it found it (it rolls back to a mark taken on entry), so the stream stays
// well formed. Names follow the PostgreSQL docs, "Message Formats".

#include <pgring/error.hpp>
#include <pgring/oid.hpp>

#include "wire/write_buffer.hpp"

#include <cstdint>
#include <span>
#include <string_view>
#include <system_error>
#include <utility>

namespace pgring::wire::frontend {

/// Protocol version 3.0, as sent in StartupMessage.
inline constexpr std::int32_t protocol_version_3_0 = 196608;
inline constexpr std::int32_t ssl_request_code = 80877103;
inline constexpr std::int32_t cancel_request_code = 80877102;
inline constexpr std::int32_t gssenc_request_code = 80877104;

/// Message type bytes.
namespace tag {
inline constexpr char bind = 'B';
inline constexpr char close = 'C';
inline constexpr char copy_data = 'd';
inline constexpr char copy_done = 'c';
inline constexpr char copy_fail = 'f';
inline constexpr char describe = 'D';
inline constexpr char execute = 'E';
inline constexpr char flush = 'H';
inline constexpr char parse = 'P';
inline constexpr char password = 'p';  // also SASLInitialResponse, SASLResponse, GSSResponse
inline constexpr char query = 'Q';
inline constexpr char sync = 'S';
inline constexpr char terminate = 'X';
}  // namespace tag

/// A startup parameter ("user", "database", "application_name", "options", any GUC).
using startup_parameter = std::pair<std::string_view, std::string_view>;

/// StartupMessage for protocol 3.0 with the given parameters (the caller supplies "user").
/// Errors: embedded_nul, message_too_large.
[[nodiscard]] std::error_code encode_startup(write_buffer& out, std::span<const startup_parameter> parameters);
/// SSLRequest.
void encode_ssl_request(write_buffer& out);
/// CancelRequest (sent on a fresh connection of its own).
void encode_cancel_request(write_buffer& out, std::int32_t process_id, std::int32_t secret_key);
/// PasswordMessage (cleartext or md5 hex string). Errors: embedded_nul.
[[nodiscard]] std::error_code encode_password(write_buffer& out, std::string_view password);
/// SASLInitialResponse: mechanism name and the client-first-message. Errors: embedded_nul.
[[nodiscard]] std::error_code encode_sasl_initial_response(write_buffer& out, std::string_view mechanism,
                                                           std::span<const std::byte> data);
/// SASLResponse: the client-final-message.
[[nodiscard]] std::error_code encode_sasl_response(write_buffer& out, std::span<const std::byte> data);
/// Query (simple query protocol). Errors: embedded_nul, message_too_large.
[[nodiscard]] std::error_code encode_query(write_buffer& out, std::string_view sql);
/// Parse. `parameter_types` may be shorter than the number of parameters (0 = let the server
/// infer). Errors: embedded_nul, too_many_parameters (> 65535), message_too_large.
[[nodiscard]] std::error_code encode_parse(write_buffer& out, std::string_view statement, std::string_view sql,
                                           std::span<const oid_t> parameter_types);

/// Bind, in three steps so parameters can be encoded straight into the buffer by codecs:
///
///   bind_encoder b(out, portal, statement, formats, count);   // header, formats, count
///   b.null(); b.value(bytes); auto s = b.reserve(n); ...      // exactly `count` parameters
///   ec = b.finish(result_formats);                            // result formats, length patch
///
/// On any error the encoder rolls the buffer back to where it started; after an error every
/// further call is a no-op and finish() returns the first error.
class bind_encoder {
public:
    /// `parameter_formats`: empty (all text), one (applies to all) or one per parameter.
    bind_encoder(write_buffer& out, std::string_view portal, std::string_view statement,
                 std::span<const std::int16_t> parameter_formats, std::size_t parameter_count);
    bind_encoder(const bind_encoder&) = delete;
    bind_encoder& operator=(const bind_encoder&) = delete;
    /// Rolls back if finish() was not called.
    ~bind_encoder();

    /// Appends a NULL parameter.
    void null();
    /// Appends a parameter value.
    void value(std::span<const std::byte> bytes);
    /// Appends a parameter of exactly `n` bytes and returns where to write them.
    std::span<std::byte> reserve(std::size_t n);
    /// Fails the whole Bind with `ec` (e.g. a codec's value_out_of_range): rolls back.
    void fail(std::error_code ec);
    /// Writes the result-column format codes and seals the message.
    /// `result_formats`: empty (all text), one (applies to all) or one per column.
    /// Errors: embedded_nul, too_many_parameters, value_out_of_range (a value over 2^31-1 bytes
    /// or a count that differs from `parameter_count`), message_too_large, or the error given
    /// to fail().
    [[nodiscard]] std::error_code finish(std::span<const std::int16_t> result_formats);

    const std::error_code& error() const noexcept { return ec_; }

private:
    write_buffer& out_;
    write_buffer::mark mark_;
    std::size_t expected_ = 0;
    std::size_t written_ = 0;
    std::error_code ec_;
    bool done_ = false;
};

/// Bind with every parameter given as bytes (or nullptr data with `null`): a convenience over
/// bind_encoder for tests and simple callers.
struct raw_parameter {
    bool is_null = false;
    std::span<const std::byte> value;
};
[[nodiscard]] std::error_code encode_bind(write_buffer& out, std::string_view portal, std::string_view statement,
                                          std::span<const std::int16_t> parameter_formats,
                                          std::span<const raw_parameter> parameters,
                                          std::span<const std::int16_t> result_formats);

/// Describe: kind 'S' (statement) or 'P' (portal). Errors: embedded_nul.
[[nodiscard]] std::error_code encode_describe(write_buffer& out, char kind, std::string_view name);
/// Execute: run the portal, returning at most `max_rows` rows (0 = all). Errors: embedded_nul.
[[nodiscard]] std::error_code encode_execute(write_buffer& out, std::string_view portal, std::int32_t max_rows);
/// Close: kind 'S' (statement) or 'P' (portal). Errors: embedded_nul.
[[nodiscard]] std::error_code encode_close(write_buffer& out, char kind, std::string_view name);
void encode_sync(write_buffer& out);
void encode_flush(write_buffer& out);
/// CopyData. Errors: message_too_large.
[[nodiscard]] std::error_code encode_copy_data(write_buffer& out, std::span<const std::byte> data);
void encode_copy_done(write_buffer& out);
/// CopyFail with an error message for the server's log and the client's error.
/// Errors: embedded_nul.
[[nodiscard]] std::error_code encode_copy_fail(write_buffer& out, std::string_view message);
void encode_terminate(write_buffer& out);

}  // namespace pgring::wire::frontend
