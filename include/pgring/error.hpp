#pragma once

/// @file
/// Error codes of pgring: client errors (`pgring::errc`), server errors (`pgring::sqlstate`, see
/// sqlstate.hpp) and the exception thrown by the facade (`pgring::error`).

#include <pgring/diagnostics.hpp>

#include <string>
#include <system_error>

namespace pgring {

/// Errors detected by pgring itself (as opposed to errors reported by the server).
///
/// The values are stable and never reused; 0 is never an error.
enum class errc : int {
    /// The server sent bytes that break the protocol in a way no other code describes.
    protocol_violation = 1,
    /// A message was well formed but is not allowed in the connection's current state.
    unexpected_message,
    /// A message (received or to be sent) is larger than the configured limit.
    message_too_large,
    /// A message body is malformed: a length past its end, an unterminated string, a bad count.
    malformed_message,
    /// A message type byte that protocol 3.0 does not define.
    unknown_message_type,
    /// The connection was closed (by the peer, or after a fatal error).
    connection_closed,
    /// A C++ type cannot hold or represent the PostgreSQL type it was bound to.
    type_mismatch,
    /// A NULL arrived where the C++ type cannot hold one.
    unexpected_null,
    /// A value does not fit the target type (integer overflow, precision loss, too many elements).
    value_out_of_range,
    /// A string sent to the server contains a NUL byte, which the protocol cannot carry.
    embedded_nul,
    /// Too many parameters or columns for one message (the protocol limit is 65535).
    too_many_parameters,
    /// The server asked for an authentication method pgring does not support.
    unsupported_authentication,
    /// The server asked for a password but none was given.
    password_required,
    /// SCRAM: the server's messages do not follow RFC 5802 (bad nonce, bad salt, bad syntax).
    scram_protocol_error,
    /// SCRAM: the server's signature does not match; the server does not know the password.
    scram_server_signature_mismatch,
    /// SCRAM: the server asked for more PBKDF2 iterations than the configured cap.
    scram_iteration_count_too_high,
    /// The server does not support the protocol version or options requested.
    unsupported_protocol_version,
    /// An operation was issued that the session cannot accept in its current state (API misuse).
    invalid_state,
    /// The operation did not finish before its deadline.
    timeout,
    /// The operation was cancelled by the user.
    cancelled,
    /// A conninfo string, URI or option value is invalid.
    invalid_conninfo,
    /// The number of parameters given differs from the number the statement has.
    wrong_parameter_count,
    /// A query that must return exactly one row (query_one, query_value) returned another count.
    unexpected_row_count,
    /// Something pgring does not do (yet), such as TLS asked for by `sslmode=require`.
    not_supported,
};

/// The category of `pgring::errc` codes; its name is "pgring".
const std::error_category& client_category() noexcept;

/// Makes an error_code in `client_category()`.
inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), client_category()};
}

/// The category of server errors: the value is the five-character SQLSTATE packed by
/// `pack_sqlstate()`; its name is "pgring.sqlstate" and its message is the condition name.
const std::error_category& sqlstate_category() noexcept;

/// Packs a five-character SQLSTATE ("23505") into an int, six bits per character as PostgreSQL's
/// MAKE_SQLSTATE does. Returns 0 if `code` is not five characters of [0-9A-Z].
constexpr int pack_sqlstate(std::string_view code) noexcept {
    if (code.size() != 5) {
        return 0;
    }
    int v = 0;
    for (int i = 0; i < 5; ++i) {
        const char c = code[static_cast<std::size_t>(i)];
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) {
            return 0;
        }
        v |= ((c - '0') & 0x3F) << (6 * i);
    }
    return v;
}

/// Unpacks a value made by `pack_sqlstate()` back into its five characters.
std::string unpack_sqlstate(int packed);

/// Makes an error_code in `sqlstate_category()` from a five-character SQLSTATE.
/// An invalid code gives `errc::protocol_violation`.
std::error_code make_sqlstate_error(std::string_view code) noexcept;

/// True when the connection cannot be used after an operation failed with `ec`: connection
/// loss, protocol violations, authentication failures, and server errors of class 08
/// (connection exception), 57P (operator intervention: shutdown, terminated) and XX.
/// Errors such as a constraint violation or a type mismatch leave the connection usable.
bool is_fatal(const std::error_code& ec) noexcept;

/// The exception thrown by the throwing forms of the facade's operations: a
/// `std::system_error` that also carries the server's (or pgring's) diagnostics.
class error : public std::system_error {
public:
    /// Makes an error from a code and its diagnostics; what() is the diagnostics' message
    /// when there is one, else the code's message.
    error(std::error_code ec, diagnostics diag);
    /// Makes an error from a code alone.
    explicit error(std::error_code ec);

    /// Every field of the ErrorResponse (or pgring's own message) behind this error.
    const diagnostics& diag() const noexcept { return diag_; }

private:
    diagnostics diag_;
};

}  // namespace pgring

template <>
struct std::is_error_code_enum<pgring::errc> : std::true_type {};
