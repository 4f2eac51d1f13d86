#pragma once

/// @file
/// pgring::bit_string: the value of a PostgreSQL `bit(n)` or `bit varying(n)` (varbit).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace pgring {

/// A string of bits, as bit and varbit hold it: `bit_count` bits packed most significant bit
/// first into `bytes`, whose last byte is zero-padded (B'10101' is bit_count 5, bytes {0xA8}).
///
/// Thread: a plain value.
struct bit_string {
    /// The longest bit string PostgreSQL stores (VARBITMAXLEN).
    static constexpr std::size_t max_bits = 2147483640;

    /// The number of bits.
    std::size_t bit_count = 0;
    /// The bits, (bit_count + 7) / 8 bytes, most significant bit first; padding bits zero.
    std::vector<std::uint8_t> bytes;

    /// True when `bytes` has (bit_count + 7) / 8 bytes, the padding bits are zero and
    /// bit_count is at most max_bits: when the value can be sent.
    bool is_valid() const noexcept;

    /// Bit `i` (0: the first, leftmost bit of the text form); `i` must be below bit_count.
    bool test(std::size_t i) const noexcept { return ((bytes[i / 8] >> (7 - i % 8)) & 1) != 0; }

    /// PostgreSQL's output form: one `0` or `1` per bit, first bit first (`10101`); empty for no
    /// bits. Meaningful only for a valid value.
    std::string to_string() const;

    /// Parses the binary text form PostgreSQL's bit input takes: any number of `0` and `1`
    /// characters (the empty string is the empty bit string).
    ///
    /// Errors: `std::errc::invalid_argument` for any other character; `out` is unchanged on
    /// error.
    static std::error_code parse(std::string_view text, bit_string& out);

    /// Compares bit count and bytes.
    friend bool operator==(const bit_string&, const bit_string&) = default;
};

}  // namespace pgring
