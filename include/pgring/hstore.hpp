#pragma once

/// @file
/// pgring::hstore: the `hstore` extension's key/value map, with its binary codec.

#include <pgring/codec.hpp>
#include <pgring/error.hpp>
#include <pgring/oid.hpp>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace pgring {

/// A value of the `hstore` extension: pairs of a text key and a text value or NULL.
///
/// The server keeps the keys unique and sorted (by length, then bytes); it sorts what it
/// receives and keeps one pair of each key, so a value sent with another order or duplicate keys
/// comes back in its form (of duplicate keys, the first pair stays). Decoding keeps the pairs in
/// the order they arrive.
///
/// Thread: a plain value.
struct hstore {
    /// One key and its value.
    struct pair {
        /// The key: no NUL byte, at most max_size bytes.
        std::string key;
        /// The value, or std::nullopt for NULL: no NUL byte, at most max_size bytes.
        std::optional<std::string> value;

        /// Member-wise comparison.
        friend auto operator<=>(const pair&, const pair&) = default;
    };

    /// The largest key or value, in bytes (HSTORE_MAX_KEY_LEN and HSTORE_MAX_VALUE_LEN).
    static constexpr std::size_t max_size = 0x3FFFFFFF;

    /// The pairs.
    std::vector<pair> pairs;

    /// The value of the first pair whose key is `key`, or nullptr when there is none (a pair
    /// with a NULL value gives a pointer to a disengaged optional).
    ///
    /// Lifetime: the pointer dies with the pair.
    const std::optional<std::string>* find(std::string_view key) const noexcept;

    /// True when no key or value holds a NUL byte or is longer than max_size, and there are at
    /// most INT32_MAX pairs: when the value can be sent.
    bool is_valid() const noexcept;

    /// PostgreSQL's text output: `"a"=>"1", "b"=>NULL`: each key and non-NULL value in double
    /// quotes with `"` and `\` escaped by a backslash, pairs separated by `, `; "" when empty.
    std::string to_string() const;

    /// Parses hstore's input form: `key => value` pairs separated by commas, each key and value
    /// either double-quoted (`\` escapes the next character) or bare (`\` escapes likewise; a
    /// bare key ends at whitespace or `=`, a bare value at whitespace or `,`), a bare `NULL` in
    /// any case for a NULL value, whitespace around tokens, a trailing comma allowed. Pairs are
    /// kept as written, duplicate keys included (the server keeps the first).
    ///
    /// Errors: `std::errc::invalid_argument` for anything else (as the server's "Syntax error"),
    /// and for a NUL byte; `out` is unchanged on error.
    static std::error_code parse(std::string_view text, hstore& out);

    /// Member-wise comparison.
    friend auto operator<=>(const hstore&, const hstore&) = default;
};

/// hstore <-> `pgring::hstore` (hstore_send: int32 pair count, then per pair an int32 key length
/// and the key, an int32 value length (-1 for NULL) and the value).
///
/// hstore is an extension type: its OID differs from one database to another, so this codec
/// accepts any OID that is not a built-in type (see catalog::find_builtin_type; 0, no type, is
/// refused), and `preferred_oid` is 0, leaving the parameter's type to the server (write
/// `$1::hstore`). Where the connection knows the type's name (it loads the types it meets; see
/// connection::types()), `type_name` restricts it to columns and parameters named hstore.
///
/// Errors: decoding rejects (`errc::malformed_message`) a negative count or one past what the
/// bytes can hold, a NULL or negative-length key, a length past the end, a NUL byte in a key or
/// value, and trailing bytes. Encoding refuses `errc::embedded_nul` for a NUL byte and
/// `errc::value_out_of_range` for a key or value past max_size.
template <>
struct codec<hstore> {
    /// The codec contract for this type; see the file comment.
    ///@{
    static constexpr oid_t preferred_oid = 0;
    static constexpr std::string_view type_name = "hstore";

    static bool accepts(oid_t type) noexcept;
    static std::size_t encoded_size(const hstore& value, oid_t type) noexcept;
    static std::error_code encode(const hstore& value, oid_t type, std::span<std::byte> out) noexcept;
    static std::error_code decode(oid_t type, std::span<const std::byte> in, hstore& out);
    ///@}
};

}  // namespace pgring
