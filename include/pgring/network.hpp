#pragma once

/// @file
/// PostgreSQL's network address types: pgring::inet and pgring::cidr (an IPv4 or IPv6 address
/// with a prefix length), pgring::macaddr (EUI-48) and pgring::macaddr8 (EUI-64).

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>

namespace pgring {

/// The address family of an inet or cidr value.
enum class ip_family : std::uint8_t {
    v4,  ///< IPv4: 4 address bytes, prefix length 0 to 32.
    v6,  ///< IPv6: 16 address bytes, prefix length 0 to 128.
};

/// The number of address bytes of `family`: 4 or 16.
constexpr std::size_t address_size(ip_family family) noexcept {
    return family == ip_family::v4 ? 4 : 16;
}

/// The largest prefix length of `family`: 32 or 128.
constexpr int max_prefix_length(ip_family family) noexcept {
    return family == ip_family::v4 ? 32 : 128;
}

/// A PostgreSQL `inet`: a host address and, optionally, the prefix length of its subnet
/// (`192.168.0.1/24`). Bits of the address past the prefix may be set.
///
/// An IPv4 address uses the first 4 bytes of `address`; the other 12 must be zero (encoding
/// refuses a value where they are not, and decoding zeroes them).
///
/// Thread: a plain value.
struct inet {
    /// IPv4 or IPv6.
    ip_family family = ip_family::v4;
    /// The prefix length: 0 to 32 for IPv4, 0 to 128 for IPv6; the full length for a host.
    std::uint8_t prefix_length = 32;
    /// The address bytes in network order.
    std::array<std::uint8_t, 16> address{};

    /// An IPv4 address, `a.b.c.d/prefix_length`.
    static constexpr inet v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d,
                             std::uint8_t prefix_length = 32) noexcept {
        inet r;
        r.family = ip_family::v4;
        r.prefix_length = prefix_length;
        r.address = {a, b, c, d};
        return r;
    }

    /// An IPv6 address from its 16 bytes.
    static constexpr inet v6(const std::array<std::uint8_t, 16>& bytes,
                             std::uint8_t prefix_length = 128) noexcept {
        inet r;
        r.family = ip_family::v6;
        r.prefix_length = prefix_length;
        r.address = bytes;
        return r;
    }

    /// True when the family is known, the prefix length within its range and, for IPv4, the
    /// unused address bytes zero: when the value can be sent.
    bool is_valid() const noexcept;

    /// The text form of PostgreSQL's inet output: `192.168.0.1/24`, `192.168.0.1` (the prefix
    /// is left out when it is the full length), `2001:db8::1/64`, `::ffff:1.2.3.4` (the longest
    /// run of two or more zero groups, the first of equals, becomes `::`; an IPv4-mapped or
    /// IPv4-compatible address ends in dotted quad). Meaningful only for a valid value.
    std::string to_string() const;

    /// Member-wise comparison (not PostgreSQL's inet ordering, which compares the network first).
    friend constexpr auto operator<=>(const inet&, const inet&) = default;
};

/// A PostgreSQL `cidr`: a network, `10.0.0.0/8`. Bits of the address past the prefix length
/// must be zero. Layout and rules otherwise as pgring::inet.
///
/// Thread: a plain value.
struct cidr {
    /// IPv4 or IPv6.
    ip_family family = ip_family::v4;
    /// The prefix length: 0 to 32 for IPv4, 0 to 128 for IPv6.
    std::uint8_t prefix_length = 32;
    /// The address bytes in network order; zero past the prefix.
    std::array<std::uint8_t, 16> address{};

    /// The network `a.b.c.d/prefix_length`.
    static constexpr cidr v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d,
                             std::uint8_t prefix_length) noexcept {
        cidr r;
        r.family = ip_family::v4;
        r.prefix_length = prefix_length;
        r.address = {a, b, c, d};
        return r;
    }

    /// An IPv6 network from its 16 bytes.
    static constexpr cidr v6(const std::array<std::uint8_t, 16>& bytes, std::uint8_t prefix_length) noexcept {
        cidr r;
        r.family = ip_family::v6;
        r.prefix_length = prefix_length;
        r.address = bytes;
        return r;
    }

    /// As inet::is_valid(), and no address bit past the prefix length is set.
    bool is_valid() const noexcept;

    /// The text form of PostgreSQL's cidr output: as inet's, but the prefix length is always
    /// written (`10.0.0.0/8`, `10.0.0.1/32`, `::/0`). Meaningful only for a valid value.
    std::string to_string() const;

    /// Member-wise comparison.
    friend constexpr auto operator<=>(const cidr&, const cidr&) = default;
};

/// A PostgreSQL `macaddr`: a 6-byte (EUI-48) MAC address.
///
/// Thread: a plain value.
struct macaddr {
    /// The bytes in transmission order.
    std::array<std::uint8_t, 6> bytes{};

    /// PostgreSQL's output form: `08:00:2b:01:02:03`.
    std::string to_string() const;

    /// Byte-wise comparison, which is PostgreSQL's macaddr ordering.
    friend constexpr auto operator<=>(const macaddr&, const macaddr&) = default;
};

/// A PostgreSQL `macaddr8`: an 8-byte (EUI-64) MAC address.
///
/// Thread: a plain value.
struct macaddr8 {
    /// The bytes in transmission order.
    std::array<std::uint8_t, 8> bytes{};

    /// PostgreSQL's output form: `08:00:2b:01:02:03:04:05`.
    std::string to_string() const;

    /// Byte-wise comparison, which is PostgreSQL's macaddr8 ordering.
    friend constexpr auto operator<=>(const macaddr8&, const macaddr8&) = default;
};

}  // namespace pgring
