// The network address codecs (inet, cidr) and the text forms of pgring::inet, cidr, macaddr and
// macaddr8.

#include <pgring/codec.hpp>
#include <pgring/network.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <system_error>

namespace pgring {

namespace {

// inet_send's family byte: AF_INET as PostgreSQL defines it, and its own PGSQL_AF_INET6.
constexpr std::uint8_t pgsql_af_inet = 2;
constexpr std::uint8_t pgsql_af_inet6 = 3;

// family, bits, is_cidr, address length.
constexpr std::size_t header_size = 4;

struct address_view {
    ip_family family;
    std::uint8_t prefix_length;
    const std::array<std::uint8_t, 16>& address;
};

bool family_known(ip_family family) noexcept {
    return family == ip_family::v4 || family == ip_family::v6;
}

// Family known, prefix within range, unused IPv4 bytes zero.
bool is_valid_address(const address_view& a) noexcept {
    if (!family_known(a.family) || a.prefix_length > max_prefix_length(a.family)) {
        return false;
    }
    for (std::size_t i = address_size(a.family); i < a.address.size(); ++i) {
        if (a.address[i] != 0) {
            return false;
        }
    }
    return true;
}

// True when no address bit past the prefix is set (PostgreSQL's addressOK()).
bool host_bits_zero(const address_view& a) noexcept {
    const std::size_t n = address_size(a.family);
    for (std::size_t i = 0; i < n; ++i) {
        const int first_bit = static_cast<int>(i) * 8;
        const int kept = a.prefix_length - first_bit;  // leading bits of this byte in the prefix
        if (kept >= 8) {
            continue;
        }
        const unsigned mask = kept <= 0 ? 0xFFu : (0xFFu >> kept);
        if ((a.address[i] & mask) != 0) {
            return false;
        }
    }
    return true;
}

std::size_t encoded_size_of(const address_view& a) noexcept {
    return header_size + address_size(a.family);
}

std::error_code encode_address(const address_view& a, oid_t type, std::span<std::byte> out) noexcept {
    if (type != oid::inet && type != oid::cidr) {
        return detail::make_error(errc::type_mismatch);
    }
    const bool is_cidr = type == oid::cidr;
    if (!is_valid_address(a) || (is_cidr && !host_bits_zero(a))) {
        return detail::make_error(errc::value_out_of_range);
    }
    const std::size_t n = address_size(a.family);
    if (out.size() != header_size + n) {
        return detail::make_error(errc::invalid_state);
    }
    out[0] = std::byte{a.family == ip_family::v4 ? pgsql_af_inet : pgsql_af_inet6};
    out[1] = std::byte{a.prefix_length};
    out[2] = std::byte{static_cast<std::uint8_t>(is_cidr ? 1 : 0)};
    out[3] = std::byte{static_cast<std::uint8_t>(n)};
    for (std::size_t i = 0; i < n; ++i) {
        out[header_size + i] = std::byte{a.address[i]};
    }
    return {};
}

// Reads inet_send/cidr_send bytes into the three fields, checking what the server guarantees.
std::error_code decode_address(oid_t type, std::span<const std::byte> in, ip_family& family,
                               std::uint8_t& prefix_length, std::array<std::uint8_t, 16>& address) noexcept {
    if (type != oid::inet && type != oid::cidr) {
        return detail::make_error(errc::type_mismatch);
    }
    if (in.size() < header_size) {
        return detail::make_error(errc::malformed_message);
    }
    const auto wire_family = std::to_integer<std::uint8_t>(in[0]);
    ip_family f{};
    if (wire_family == pgsql_af_inet) {
        f = ip_family::v4;
    } else if (wire_family == pgsql_af_inet6) {
        f = ip_family::v6;
    } else {
        return detail::make_error(errc::malformed_message);
    }
    const auto bits = std::to_integer<std::uint8_t>(in[1]);
    const auto cidr_flag = std::to_integer<std::uint8_t>(in[2]);
    const auto length = std::to_integer<std::uint8_t>(in[3]);
    const bool is_cidr = type == oid::cidr;
    if (bits > max_prefix_length(f) || cidr_flag != (is_cidr ? 1 : 0) || length != address_size(f) ||
        in.size() != header_size + length) {
        return detail::make_error(errc::malformed_message);
    }
    std::array<std::uint8_t, 16> bytes{};
    for (std::size_t i = 0; i < length; ++i) {
        bytes[i] = std::to_integer<std::uint8_t>(in[header_size + i]);
    }
    if (is_cidr && !host_bits_zero(address_view{f, bits, bytes})) {
        return detail::make_error(errc::malformed_message);
    }
    family = f;
    prefix_length = bits;
    address = bytes;
    return {};
}

void append_v4(std::string& s, const std::uint8_t* p) {
    char buf[16];
    const int n = std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
    s.append(buf, static_cast<std::size_t>(n));
}

// PostgreSQL's inet_net_ntop_ipv6 (from BIND): the first longest run of two or more zero
// groups becomes "::"; a run of six zero groups at the start, or five followed by ffff, puts
// the last four bytes in dotted quad.
void append_v6(std::string& s, const std::array<std::uint8_t, 16>& a) {
    unsigned words[8];
    for (int i = 0; i < 8; ++i) {
        words[i] = (static_cast<unsigned>(a[2 * i]) << 8) | a[2 * i + 1];
    }
    int best_base = -1;
    int best_len = 0;
    int cur_base = -1;
    int cur_len = 0;
    for (int i = 0; i < 8; ++i) {
        if (words[i] == 0) {
            if (cur_base == -1) {
                cur_base = i;
                cur_len = 1;
            } else {
                ++cur_len;
            }
        } else if (cur_base != -1) {
            if (best_base == -1 || cur_len > best_len) {
                best_base = cur_base;
                best_len = cur_len;
            }
            cur_base = -1;
        }
    }
    if (cur_base != -1 && (best_base == -1 || cur_len > best_len)) {
        best_base = cur_base;
        best_len = cur_len;
    }
    if (best_base != -1 && best_len < 2) {
        best_base = -1;
    }
    for (int i = 0; i < 8; ++i) {
        if (best_base != -1 && i >= best_base && i < best_base + best_len) {
            if (i == best_base) {
                s += ':';
            }
            continue;
        }
        if (i != 0) {
            s += ':';
        }
        if (i == 6 && best_base == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xFFFF))) {
            append_v4(s, a.data() + 12);
            return;
        }
        char buf[8];
        const int n = std::snprintf(buf, sizeof buf, "%x", words[i]);
        s.append(buf, static_cast<std::size_t>(n));
    }
    if (best_base != -1 && best_base + best_len == 8) {
        s += ':';
    }
}

// network_out: the address, then "/bits" unless it is a host (bits the family's full length)
// and not a cidr.
std::string address_text(const address_view& a, bool is_cidr) {
    std::string s;
    if (a.family == ip_family::v4) {
        append_v4(s, a.address.data());
    } else {
        append_v6(s, a.address);
    }
    if (is_cidr || a.prefix_length != max_prefix_length(a.family)) {
        s += '/';
        s += std::to_string(a.prefix_length);
    }
    return s;
}

template <std::size_t N>
std::string mac_text(const std::array<std::uint8_t, N>& bytes) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    s.reserve(3 * N - 1);
    for (std::size_t i = 0; i < N; ++i) {
        if (i != 0) {
            s += ':';
        }
        s += hex[bytes[i] >> 4];
        s += hex[bytes[i] & 0xF];
    }
    return s;
}

}  // namespace

bool inet::is_valid() const noexcept {
    return is_valid_address({family, prefix_length, address});
}

std::string inet::to_string() const {
    return address_text({family, prefix_length, address}, false);
}

bool cidr::is_valid() const noexcept {
    const address_view a{family, prefix_length, address};
    return is_valid_address(a) && host_bits_zero(a);
}

std::string cidr::to_string() const {
    return address_text({family, prefix_length, address}, true);
}

std::string macaddr::to_string() const {
    return mac_text(bytes);
}

std::string macaddr8::to_string() const {
    return mac_text(bytes);
}

std::size_t codec<inet>::encoded_size(const inet& value, oid_t) noexcept {
    return encoded_size_of({value.family, value.prefix_length, value.address});
}

std::error_code codec<inet>::encode(const inet& value, oid_t type, std::span<std::byte> out) noexcept {
    return encode_address({value.family, value.prefix_length, value.address},
                          detail::effective_oid(type, preferred_oid), out);
}

std::error_code codec<inet>::decode(oid_t type, std::span<const std::byte> in, inet& out) noexcept {
    return decode_address(type, in, out.family, out.prefix_length, out.address);
}

std::size_t codec<cidr>::encoded_size(const cidr& value, oid_t) noexcept {
    return encoded_size_of({value.family, value.prefix_length, value.address});
}

std::error_code codec<cidr>::encode(const cidr& value, oid_t type, std::span<std::byte> out) noexcept {
    if (!value.is_valid()) {
        return accepts(detail::effective_oid(type, preferred_oid))
                   ? detail::make_error(errc::value_out_of_range)
                   : detail::make_error(errc::type_mismatch);
    }
    return encode_address({value.family, value.prefix_length, value.address},
                          detail::effective_oid(type, preferred_oid), out);
}

std::error_code codec<cidr>::decode(oid_t type, std::span<const std::byte> in, cidr& out) noexcept {
    ip_family family{};
    std::uint8_t prefix_length = 0;
    std::array<std::uint8_t, 16> address{};
    if (const std::error_code ec = decode_address(type, in, family, prefix_length, address)) {
        return ec;
    }
    if (!host_bits_zero({family, prefix_length, address})) {
        return detail::make_error(errc::value_out_of_range);
    }
    out.family = family;
    out.prefix_length = prefix_length;
    out.address = address;
    return {};
}

}  // namespace pgring
