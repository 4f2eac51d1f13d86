// The text forms of pgring::money and pgring::pg_lsn.

#include <pgring/money.hpp>
#include <pgring/pg_lsn.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>

namespace pgring {

std::string money::to_string() const {
    // The magnitude without overflow for INT64_MIN.
    const std::uint64_t magnitude =
        cents < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
    std::string s = cents < 0 ? "-" : "";
    s += std::to_string(magnitude / 100);
    s += '.';
    s += static_cast<char>('0' + magnitude % 100 / 10);
    s += static_cast<char>('0' + magnitude % 10);
    return s;
}

std::string pg_lsn::to_string() const {
    char buf[18];
    const int n = std::snprintf(buf, sizeof buf, "%X/%X", static_cast<unsigned>(value >> 32),
                                static_cast<unsigned>(value & 0xFFFFFFFFu));
    return std::string(buf, static_cast<std::size_t>(n));
}

namespace {

// Reads 1 to 8 hex digits from the front of `text` (as pg_lsn_in's strspn), advancing it.
bool take_hex32(std::string_view& text, std::uint32_t& out) noexcept {
    std::uint32_t v = 0;
    std::size_t n = 0;
    for (; n < text.size(); ++n) {
        const char c = text[n];
        int d = -1;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        } else {
            break;
        }
        if (n == 8) {
            return false;
        }
        v = (v << 4) | static_cast<std::uint32_t>(d);
    }
    if (n == 0) {
        return false;
    }
    text.remove_prefix(n);
    out = v;
    return true;
}

}  // namespace

std::error_code pg_lsn::parse(std::string_view text, pg_lsn& out) noexcept {
    std::uint32_t high = 0;
    std::uint32_t low = 0;
    if (!take_hex32(text, high) || text.empty() || text.front() != '/') {
        return std::make_error_code(std::errc::invalid_argument);
    }
    text.remove_prefix(1);
    if (!take_hex32(text, low) || !text.empty()) {
        return std::make_error_code(std::errc::invalid_argument);
    }
    out.value = (std::uint64_t{high} << 32) | low;
    return {};
}

}  // namespace pgring
