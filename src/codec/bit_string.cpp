// The bit/varbit codec and pgring::bit_string's text form.

#include <pgring/bit_string.hpp>
#include <pgring/codec.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace pgring {

namespace {

constexpr std::size_t byte_count(std::size_t bits) noexcept {
    return bits / 8 + (bits % 8 != 0 ? 1 : 0);
}

// The bits of the last byte past bit_count, which must be zero.
constexpr std::uint8_t padding_mask(std::size_t bits) noexcept {
    return bits % 8 == 0 ? std::uint8_t{0} : static_cast<std::uint8_t>(0xFFu >> (bits % 8));
}

}  // namespace

bool bit_string::is_valid() const noexcept {
    return bit_count <= max_bits && bytes.size() == byte_count(bit_count) &&
           (bytes.empty() || (bytes.back() & padding_mask(bit_count)) == 0);
}

std::string bit_string::to_string() const {
    std::string s;
    s.reserve(bit_count);
    for (std::size_t i = 0; i < bit_count; ++i) {
        s += test(i) ? '1' : '0';
    }
    return s;
}

std::error_code bit_string::parse(std::string_view text, bit_string& out) {
    bit_string b;
    b.bit_count = text.size();
    b.bytes.assign(byte_count(text.size()), 0);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '1') {
            b.bytes[i / 8] = static_cast<std::uint8_t>(b.bytes[i / 8] | (0x80u >> (i % 8)));
        } else if (text[i] != '0') {
            return std::make_error_code(std::errc::invalid_argument);
        }
    }
    out = std::move(b);
    return {};
}

std::size_t codec<bit_string>::encoded_size(const bit_string& value, oid_t) noexcept {
    return 4 + value.bytes.size();
}

std::error_code codec<bit_string>::encode(const bit_string& value, oid_t type,
                                          std::span<std::byte> out) noexcept {
    if (!accepts(detail::effective_oid(type, preferred_oid))) {
        return detail::make_error(errc::type_mismatch);
    }
    if (!value.is_valid()) {
        return detail::make_error(errc::value_out_of_range);
    }
    if (out.size() != 4 + value.bytes.size()) {
        return detail::make_error(errc::invalid_state);
    }
    detail::store_be<std::int32_t>(out.data(), static_cast<std::int32_t>(value.bit_count));
    for (std::size_t i = 0; i < value.bytes.size(); ++i) {
        out[4 + i] = std::byte{value.bytes[i]};
    }
    return {};
}

std::error_code codec<bit_string>::decode(oid_t type, std::span<const std::byte> in, bit_string& out) {
    if (!accepts(type)) {
        return detail::make_error(errc::type_mismatch);
    }
    if (in.size() < 4) {
        return detail::make_error(errc::malformed_message);
    }
    const std::int32_t bits = detail::load_be<std::int32_t>(in.data());
    if (bits < 0 || static_cast<std::size_t>(bits) > bit_string::max_bits) {
        return detail::make_error(errc::malformed_message);
    }
    const auto count = static_cast<std::size_t>(bits);
    const std::size_t n = byte_count(count);
    if (in.size() - 4 != n) {
        return detail::make_error(errc::malformed_message);
    }
    if (n != 0 && (std::to_integer<std::uint8_t>(in[3 + n]) & padding_mask(count)) != 0) {
        return detail::make_error(errc::malformed_message);
    }
    out.bit_count = count;
    out.bytes.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        out.bytes[i] = std::to_integer<std::uint8_t>(in[4 + i]);
    }
    return {};
}

}  // namespace pgring
