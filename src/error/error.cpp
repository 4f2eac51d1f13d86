#include <pgring/error.hpp>

#include "error/sqlstate_names.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace pgring {

namespace {

class client_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "pgring"; }
    std::string message(int v) const override {
        switch (static_cast<errc>(v)) {
            case errc::protocol_violation: return "protocol violation";
            case errc::unexpected_message: return "unexpected message";
            case errc::message_too_large: return "message too large";
            case errc::malformed_message: return "malformed message";
            case errc::unknown_message_type: return "unknown message type";
            case errc::connection_closed: return "connection closed";
            case errc::type_mismatch: return "type mismatch";
            case errc::unexpected_null: return "unexpected NULL";
            case errc::value_out_of_range: return "value out of range";
            case errc::embedded_nul: return "string contains a NUL byte";
            case errc::too_many_parameters: return "too many parameters";
            case errc::unsupported_authentication: return "unsupported authentication method";
            case errc::password_required: return "password required but none given";
            case errc::scram_protocol_error: return "SCRAM protocol error";
            case errc::scram_server_signature_mismatch: return "SCRAM server signature mismatch";
            case errc::scram_iteration_count_too_high: return "SCRAM iteration count too high";
            case errc::unsupported_protocol_version: return "unsupported protocol version";
            case errc::invalid_state: return "operation not allowed in the connection's state";
            case errc::timeout: return "timeout";
            case errc::cancelled: return "cancelled";
            case errc::invalid_conninfo: return "invalid connection string";
            case errc::wrong_parameter_count: return "wrong number of parameters";
            case errc::unexpected_row_count: return "the query did not return exactly one row";
            case errc::not_supported: return "not supported";
        }
        return "unknown pgring error " + std::to_string(v);
    }
};

class sqlstate_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "pgring.sqlstate"; }
    std::string message(int v) const override {
        const std::string code = unpack_sqlstate(v);
        if (code.empty()) {
            return "invalid SQLSTATE value " + std::to_string(v);
        }
        const std::string_view name = detail::sqlstate_name(v);
        if (name.empty()) {
            return "SQLSTATE " + code;
        }
        return std::string(name) + " (SQLSTATE " + code + ")";
    }
};

}  // namespace

const std::error_category& client_category() noexcept {
    static const client_category_impl instance;
    return instance;
}

const std::error_category& sqlstate_category() noexcept {
    static const sqlstate_category_impl instance;
    return instance;
}

std::string unpack_sqlstate(int packed) {
    // Bits 30 and 31 are never set by pack_sqlstate(), and every six-bit group must decode to
    // [0-9A-Z]; anything else did not come from pack_sqlstate() and has no five-character form.
    if (packed < 0 || packed >= (1 << 30)) {
        return {};
    }
    std::string s(5, '0');
    for (int i = 0; i < 5; ++i) {
        const char c = static_cast<char>(((packed >> (6 * i)) & 0x3F) + '0');
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) {
            return {};
        }
        s[static_cast<std::size_t>(i)] = c;
    }
    return s;
}

std::error_code make_sqlstate_error(std::string_view code) noexcept {
    const int v = pack_sqlstate(code);
    if (v == 0) {
        return errc::protocol_violation;
    }
    return {v, sqlstate_category()};
}

bool is_fatal(const std::error_code& ec) noexcept {
    if (!ec) {
        return false;
    }
    if (ec.category() == client_category()) {
        switch (static_cast<errc>(ec.value())) {
            case errc::type_mismatch:
            case errc::unexpected_null:
            case errc::value_out_of_range:
            case errc::embedded_nul:
            case errc::too_many_parameters:
            case errc::invalid_state:
            case errc::timeout:
            case errc::cancelled:
            case errc::invalid_conninfo:
            case errc::wrong_parameter_count:
            case errc::unexpected_row_count:
            case errc::not_supported:
                return false;
            default:
                return true;
        }
    }
    if (ec.category() == sqlstate_category()) {
        // Compare the leading characters in packed form: no string, so nothing can throw.
        const int v = ec.value();
        const auto prefix = [v](std::string_view p) {
            for (std::size_t i = 0; i < p.size(); ++i) {
                if (((v >> (6 * i)) & 0x3F) != ((p[i] - '0') & 0x3F)) {
                    return false;
                }
            }
            return true;
        };
        // Class 08 connection exception, 28 invalid authorization (startup), 57P operator
        // intervention (admin/crash shutdown, cannot connect now, database dropped, idle session
        // timeout), 25P03 idle-in-transaction timeout and XX internal error: the server ends the
        // session (FATAL) or cannot be trusted to continue. 57014 query_canceled is not fatal.
        return prefix("08") || prefix("28") || prefix("57P") || prefix("25P03") || prefix("XX");
    }
    // System errors (ECONNRESET, EPIPE, ...) end the connection.
    return true;
}

// std::system_error(ec, what) makes what() "<what>: <ec.message()>", and std::system_error(ec)
// makes it ec.message(); passing ec.message() as `what` would print the message twice.
error::error(std::error_code ec, diagnostics diag)
    : std::system_error(diag.primary().empty() ? std::system_error(ec) : std::system_error(ec, diag.primary())),
      diag_(std::move(diag)) {}

error::error(std::error_code ec) : std::system_error(ec) {}

}  // namespace pgring
