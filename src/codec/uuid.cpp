// pgring::uuid's text form.

#include <pgring/uuid.hpp>

namespace pgring {

namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

}  // namespace

std::string uuid::to_string() const {
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    s.reserve(36);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            s += '-';
        }
        s += hex[bytes[i] >> 4];
        s += hex[bytes[i] & 0xF];
    }
    return s;
}

std::error_code uuid::parse(std::string_view text, uuid& out) noexcept {
    const std::error_code invalid = std::make_error_code(std::errc::invalid_argument);
    if (!text.empty() && text.front() == '{') {
        if (text.size() < 2 || text.back() != '}') {
            return invalid;
        }
        text = text.substr(1, text.size() - 2);
    }
    // As PostgreSQL's string_to_uuid: 32 hex digits, and a hyphen may follow any group of four
    // (but not end the text).
    uuid u;
    std::size_t pos = 0;
    for (std::size_t i = 0; i < 32; ++i) {
        if (pos >= text.size()) {
            return invalid;
        }
        const int v = hex_value(text[pos++]);
        if (v < 0) {
            return invalid;
        }
        u.bytes[i / 2] = static_cast<std::uint8_t>(i % 2 == 0 ? v << 4 : u.bytes[i / 2] | v);
        if (i % 4 == 3 && i != 31 && pos < text.size() && text[pos] == '-') {
            ++pos;
        }
    }
    if (pos != text.size()) {
        return invalid;
    }
    out = u;
    return {};
}

}  // namespace pgring
