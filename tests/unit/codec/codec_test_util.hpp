#pragma once

// Helpers for the codec tests: hex golden bytes, a big-endian byte builder for malformed inputs,
// and one-call encode/decode wrappers that check the codec's size contract on every encode.

#include <pgring/codec.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace codec_test {

using bytes = std::vector<std::byte>;

/// Bytes from hex digits; spaces are ignored ("0001 fffe").
inline bytes hex(std::string_view text) {
    bytes out;
    int high = -1;
    for (const char c : text) {
        int v = -1;
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
    EXPECT_EQ(high, -1) << "odd number of hex digits in " << text;
    return out;
}

/// Lowercase hex of bytes, for readable failures.
inline std::string to_hex(const bytes& b) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    for (const std::byte x : b) {
        s += digits[std::to_integer<unsigned>(x) >> 4];
        s += digits[std::to_integer<unsigned>(x) & 0xF];
    }
    return s;
}

/// Builds big-endian byte strings.
class builder {
public:
    builder& i16(std::int16_t v) { return put(v); }
    builder& u16(std::uint16_t v) { return put(v); }
    builder& i32(std::int32_t v) { return put(v); }
    builder& u32(std::uint32_t v) { return put(v); }
    builder& i64(std::int64_t v) { return put(v); }
    builder& raw(const bytes& b) {
        bytes_.insert(bytes_.end(), b.begin(), b.end());
        return *this;
    }
    builder& text(std::string_view s) {
        for (const char c : s) {
            bytes_.push_back(static_cast<std::byte>(c));
        }
        return *this;
    }
    /// An array element: its length, then its bytes.
    builder& element(const bytes& b) { return i32(static_cast<std::int32_t>(b.size())).raw(b); }
    builder& null_element() { return i32(-1); }
    bytes build() const { return bytes_; }
    operator bytes() const { return bytes_; }

private:
    template <class T>
    builder& put(T v) {
        std::byte b[sizeof(T)];
        pgring::detail::store_be<T>(b, v);
        bytes_.insert(bytes_.end(), b, b + sizeof(T));
        return *this;
    }
    bytes bytes_;
};

/// Encodes `value` as `type`, checking that encode() fills exactly encoded_size() bytes and that
/// a span one byte short or long is refused.
template <class T>
std::error_code try_encode(const T& value, pgring::oid_t type, bytes& out) {
    const std::size_t size = pgring::codec<T>::encoded_size(value, type);
    out.assign(size, std::byte{0xAA});
    const std::error_code ec = pgring::codec<T>::encode(value, type, out);
    if (!ec) {
        bytes longer(size + 1);
        EXPECT_EQ(pgring::codec<T>::encode(value, type, longer), pgring::errc::invalid_state)
            << "encode accepted a span longer than encoded_size";
        if (size > 0) {
            bytes shorter(size - 1);
            EXPECT_EQ(pgring::codec<T>::encode(value, type, shorter), pgring::errc::invalid_state)
                << "encode accepted a span shorter than encoded_size";
        }
    }
    return ec;
}

/// The bytes of `value` encoded as `type`; a failure is a test failure.
template <class T>
bytes encode(const T& value, pgring::oid_t type) {
    bytes out;
    const std::error_code ec = try_encode(value, type, out);
    EXPECT_FALSE(ec) << "encode failed: " << ec.message();
    return out;
}

/// The error of encoding `value` as `type` (none expected to succeed).
template <class T>
std::error_code encode_error(const T& value, pgring::oid_t type) {
    bytes out;
    return try_encode(value, type, out);
}

/// Decodes `in` as `type` into a T; a failure is a test failure.
template <class T>
T decode(pgring::oid_t type, const bytes& in) {
    T out{};
    const std::error_code ec = pgring::codec<T>::decode(type, in, out);
    EXPECT_FALSE(ec) << "decode failed: " << ec.message() << " for " << to_hex(in);
    return out;
}

/// The error of decoding `in` as `type` into a T.
template <class T>
std::error_code decode_error(pgring::oid_t type, const bytes& in) {
    T out{};
    return pgring::codec<T>::decode(type, in, out);
}

/// Every proper prefix of `in` and `in` plus one trailing byte must be refused as malformed.
template <class T>
void expect_rejects_short_and_trailing(pgring::oid_t type, const bytes& in) {
    for (std::size_t n = 0; n < in.size(); ++n) {
        const bytes prefix(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(n));
        EXPECT_EQ(decode_error<T>(type, prefix), pgring::errc::malformed_message)
            << "accepted a " << n << "-byte prefix of " << to_hex(in);
    }
    bytes longer = in;
    longer.push_back(std::byte{0});
    EXPECT_EQ(decode_error<T>(type, longer), pgring::errc::malformed_message)
        << "accepted a trailing byte after " << to_hex(in);
}

}  // namespace codec_test
