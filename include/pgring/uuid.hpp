#pragma once

/// @file
/// pgring::uuid: the 16 bytes of a PostgreSQL `uuid`.

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace pgring {

/// A UUID as PostgreSQL stores and sends it: 16 bytes in network order (the text form's
/// hexadecimal digits, left to right). Any 16 bytes are valid; the version is not checked.
///
/// Thread: a plain value.
struct uuid {
    /// The bytes, most significant first.
    std::array<std::uint8_t, 16> bytes{};

    /// The canonical text form, 36 lowercase characters: `a0eebc99-9c0b-4ef8-bb6d-6b9bd380a11a`.
    std::string to_string() const;

    /// Parses the forms PostgreSQL's uuid input accepts: 32 hexadecimal digits (either case),
    /// optionally enclosed in braces, with a hyphen allowed after any group of four digits
    /// (`A0EEBC99-9C0B-4EF8-BB6D-6B9BD380A11A`, `{a0eebc999c0b4ef8bb6d6b9bd380a11a}`,
    /// `a0ee-bc99-9c0b-4ef8-bb6d-6b9b-d380-a11a`).
    ///
    /// Errors: `std::errc::invalid_argument` for anything else; `out` is unchanged on error.
    static std::error_code parse(std::string_view text, uuid& out) noexcept;

    /// Byte-wise comparison, which is PostgreSQL's uuid ordering.
    friend constexpr auto operator<=>(const uuid&, const uuid&) = default;
};

}  // namespace pgring
