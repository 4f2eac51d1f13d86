#pragma once

// SCRAM-SHA-256 client (RFC 5802, RFC 7677) as PostgreSQL uses it: no channel binding
// ("n,,"), the user name left empty in the client-first-message (the server takes it from the
// StartupMessage). Pure computation over libcrypto; the session feeds it the server's
// AuthenticationSASLContinue and AuthenticationSASLFinal data.
//
//   client_first()  ->  "n,,n=,r=<client nonce>"
//   server_first    <-  "r=<client nonce><server nonce>,s=<salt b64>,i=<iterations>"
//   client_final()  ->  "c=biws,r=<nonce>,p=<proof b64>"
//   server_final    <-  "v=<server signature b64>"   (or "e=<error>")

#include <pgring/error.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace pgring::wire {

class scram_sha256 {
public:
    /// Default cap on the server's PBKDF2 iteration count (PostgreSQL's default is 4096).
    static constexpr std::uint32_t default_max_iterations = 1'000'000;

    /// `password` is used as given (SASLprep is applied when it is valid UTF-8 ASCII-only
    /// text; other passwords are used as raw bytes, as libpq does). `client_nonce` is for
    /// tests (RFC 7677 vector); empty means 18 random bytes from libcrypto, base64 encoded.
    explicit scram_sha256(std::string_view password, std::string_view client_nonce = {},
                          std::uint32_t max_iterations = default_max_iterations);

    /// The client-first-message.
    const std::string& client_first() const noexcept { return client_first_; }

    /// Consumes the server-first-message and computes the client-final-message.
    /// Errors: scram_protocol_error (syntax, a nonce that does not start with ours or adds
    /// nothing, bad base64 salt, iteration count 0), scram_iteration_count_too_high.
    [[nodiscard]] std::error_code handle_server_first(std::string_view server_first);

    /// The client-final-message (valid after handle_server_first() succeeded).
    const std::string& client_final() const noexcept { return client_final_; }

    /// Verifies the server-final-message.
    /// Errors: scram_protocol_error (syntax, or "e=..." from the server),
    /// scram_server_signature_mismatch.
    [[nodiscard]] std::error_code handle_server_final(std::string_view server_final);

    /// Details for the last error (e.g. the server's "e=" value), empty if none.
    const std::string& error_detail() const noexcept { return error_detail_; }

private:
    std::string password_;
    std::string client_nonce_;
    std::string client_first_bare_;
    std::string client_first_;
    std::string client_final_;
    std::string auth_message_;
    unsigned char salted_password_[32] = {};
    std::uint32_t max_iterations_;
    std::string error_detail_;
    bool first_done_ = false;
};

/// PostgreSQL's md5 password hash: "md5" + hex(md5(hex(md5(password + user)) + salt)).
std::string md5_password_hash(std::string_view user, std::string_view password,
                              std::span<const std::byte> salt);

}  // namespace pgring::wire
