#pragma once

/// @file
/// pgring::money: the value of a PostgreSQL `money`.

#include <compare>
#include <cstdint>
#include <string>

namespace pgring {

/// A PostgreSQL `money` amount: a 64-bit count of the currency's smallest unit (cents, with the
/// usual lc_monetary of two fractional digits). The server formats and parses it according to
/// lc_monetary; the binary format is the count alone.
///
/// Thread: a plain value.
struct money {
    /// The amount in the smallest unit: 1234 is 12.34 with two fractional digits.
    std::int64_t cents = 0;

    /// The amount as a plain decimal with two fractional digits, `-12.34`, `1000.00`: not the
    /// server's lc_monetary form (which adds a currency symbol and grouping, `-$1,000.00`).
    std::string to_string() const;

    /// Compares amounts.
    friend constexpr auto operator<=>(const money&, const money&) = default;
};

}  // namespace pgring
