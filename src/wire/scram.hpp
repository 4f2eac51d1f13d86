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
//
// Call order: client_first() (ready at construction), handle_server_first(), client_final(),
// handle_server_final(). Any other order, or any call after a failed step, is
// scram_protocol_error.

#include <cstddef>
#include <cstdint>
#include <pgring/error.hpp>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace pgring::wire {

/// Client side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677), without channel binding.
///
/// Thread: not thread-safe; one instance belongs to one authentication exchange.
/// Lifetime: the password, and every key derived from it, is wiped from the object's memory
/// (OPENSSL_cleanse) as soon as it is no longer needed and at the latest in the destructor.
class scram_sha256 {
public:
    /// Default cap on the server's PBKDF2 iteration count (PostgreSQL's default is 4096).
    static constexpr std::uint32_t default_max_iterations = 1'000'000;

    /// Starts an exchange and builds the client-first-message.
    ///
    /// `password` goes through `saslprep()` (see there for what is and is not done).
    /// `client_nonce` is for tests (RFC 7677 vector): it must be printable ASCII without ','
    /// (otherwise handle_server_first() fails with scram_protocol_error); empty means 18 random
    /// bytes from libcrypto's RAND_bytes, base64 encoded. `max_iterations` caps the server's
    /// iteration count. `username` goes into the "n=" attribute ('=' and ',' escaped as "=3D"
    /// and "=2C"); PostgreSQL ignores it and libpq sends it empty, which is the default.
    explicit scram_sha256(std::string_view password, std::string_view client_nonce = {},
                          std::uint32_t max_iterations = default_max_iterations,
                          std::string_view username = {});

    ~scram_sha256();
    scram_sha256(const scram_sha256&) = delete;
    scram_sha256& operator=(const scram_sha256&) = delete;

    /// The client-first-message ("n,,n=<user>,r=<client nonce>").
    const std::string& client_first() const noexcept { return client_first_; }

    /// Consumes the server-first-message and computes the client-final-message.
    ///
    /// The message must be exactly "r=<nonce>,s=<salt>,i=<count>": the nonce printable ASCII
    /// without ',', starting with our client nonce and strictly longer; the salt non-empty,
    /// canonical padded base64; the count a decimal number without sign or leading zeros.
    /// Errors: scram_protocol_error (syntax, a mandatory "m=" extension, trailing attributes,
    /// a nonce that does not start with ours or adds nothing, bad base64 salt, iteration count 0,
    /// called twice or after a failure, a libcrypto failure), scram_iteration_count_too_high
    /// (count above `max_iterations`). error_detail() says which.
    [[nodiscard]] std::error_code handle_server_first(std::string_view server_first);

    /// The client-final-message (valid after handle_server_first() succeeded, else empty).
    const std::string& client_final() const noexcept { return client_final_; }

    /// Verifies the server-final-message, "v=<base64 server signature>" (compared in constant
    /// time) or "e=<server error>".
    /// Errors: scram_protocol_error (syntax, a signature that is not 32 bytes of base64, "e=..."
    /// from the server with its text in error_detail(), called before handle_server_first()
    /// succeeded or twice), scram_server_signature_mismatch.
    [[nodiscard]] std::error_code handle_server_final(std::string_view server_final);

    /// Details for the last error (e.g. the server's "e=" value), empty if none.
    const std::string& error_detail() const noexcept { return error_detail_; }

private:
    enum class state { await_server_first, await_server_final, done, failed };

    std::error_code fail(errc e, std::string_view detail);

    std::string password_;
    std::string client_nonce_;
    std::string client_first_bare_;
    std::string client_first_;
    std::string client_final_;
    std::string auth_message_;
    unsigned char server_signature_[32] = {};
    std::uint32_t max_iterations_;
    std::string error_detail_;
    state state_ = state::await_server_first;
    bool nonce_ok_ = true;
};

/// SASLprep (RFC 4013) of a password, as far as it can be done without Unicode tables, falling
/// back to the raw bytes exactly where PostgreSQL does.
///
/// Pure 7-bit ASCII is returned unchanged (PostgreSQL does the same). Otherwise the input must
/// be valid UTF-8; non-ASCII spaces (RFC 3454 C.1.2) become U+0020 and the "commonly mapped to
/// nothing" characters (B.1) are removed. If the input is not valid UTF-8, maps to nothing, or
/// contains a prohibited character (C.2.1 to C.9), the raw bytes are returned, as libpq and the
/// server do.
///
/// Limitation: no NFKC normalization, no check for unassigned code points (A.1) and no
/// bidirectional check (RFC 3454 section 6), because each needs Unicode tables. A non-ASCII
/// password that NFKC would change (e.g. full-width or composed/decomposed letters), or that
/// holds unassigned code points or breaks the bidi rule, is therefore prepared differently from
/// PostgreSQL's SASLprep and authentication fails; ASCII passwords and already-NFKC text are
/// unaffected.
std::string saslprep(std::string_view password);

/// PostgreSQL's md5 password hash: "md5" + hex(md5(hex(md5(password + user)) + salt)).
///
/// Returns an empty string if libcrypto cannot compute MD5 (e.g. a FIPS-only provider).
std::string md5_password_hash(std::string_view user, std::string_view password,
                              std::span<const std::byte> salt);

}  // namespace pgring::wire
