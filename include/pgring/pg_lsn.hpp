#pragma once

/// @file
/// pgring::pg_lsn: a PostgreSQL write-ahead log location (`pg_lsn`).

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace pgring {

/// A WAL location, a 64-bit byte position in the write-ahead log. Any value is valid
/// (0/0 is InvalidXLogRecPtr).
///
/// Thread: a plain value.
struct pg_lsn {
    /// The position.
    std::uint64_t value = 0;

    /// PostgreSQL's text form: the high and low 32 bits in uppercase hexadecimal without
    /// leading zeros, separated by a slash (`16/B374D848`, `0/0`).
    std::string to_string() const;

    /// Parses the form pg_lsn's input takes: 1 to 8 hexadecimal digits (either case), `/`, 1 to
    /// 8 hexadecimal digits, nothing else.
    ///
    /// Errors: `std::errc::invalid_argument` for anything else; `out` is unchanged on error.
    static std::error_code parse(std::string_view text, pg_lsn& out) noexcept;

    /// Compares positions.
    friend constexpr auto operator<=>(const pg_lsn&, const pg_lsn&) = default;
};

}  // namespace pgring
