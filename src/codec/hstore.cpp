// The hstore codec and text form.

#include <pgring/codec.hpp>
#include <pgring/hstore.hpp>

#include "codec/builtin_types.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace pgring {

namespace {

bool has_nul(std::string_view s) noexcept {
    return s.find('\0') != std::string_view::npos;
}

// hstore_out's quoting: double quotes, `"` and `\` escaped by a backslash.
void append_quoted(std::string& out, std::string_view s) {
    out += '"';
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '"';
}

void put_text(detail::span_writer& w, std::string_view s) noexcept {
    w.put<std::int32_t>(static_cast<std::int32_t>(s.size()));
    std::memcpy(w.pos, s.data(), s.size());
    w.pos += s.size();
}

// Reads an int32 length (-1 for NULL when `nullable`) and that many bytes, advancing `in`.
bool take_text(std::span<const std::byte>& in, bool nullable, std::optional<std::string>& out) {
    if (in.size() < 4) {
        return false;
    }
    const std::int32_t length = detail::load_be<std::int32_t>(in.data());
    in = in.subspan(4);
    if (length == -1 && nullable) {
        out.reset();
        return true;
    }
    if (length < 0 || static_cast<std::size_t>(length) > in.size()) {
        return false;
    }
    const std::string_view s(reinterpret_cast<const char*>(in.data()), static_cast<std::size_t>(length));
    if (has_nul(s)) {
        return false;
    }
    out.emplace(s);
    in = in.subspan(s.size());
    return true;
}

}  // namespace

const std::optional<std::string>* hstore::find(std::string_view key) const noexcept {
    for (const pair& p : pairs) {
        if (p.key == key) {
            return &p.value;
        }
    }
    return nullptr;
}

bool hstore::is_valid() const noexcept {
    if (pairs.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
        return false;
    }
    for (const pair& p : pairs) {
        if (p.key.size() > max_size || (p.value && p.value->size() > max_size) || has_nul(p.key) ||
            (p.value && has_nul(*p.value))) {
            return false;
        }
    }
    return true;
}

std::string hstore::to_string() const {
    std::string out;
    for (const pair& p : pairs) {
        if (!out.empty()) {
            out += ", ";
        }
        append_quoted(out, p.key);
        out += "=>";
        if (p.value) {
            append_quoted(out, *p.value);
        } else {
            out += "NULL";
        }
    }
    return out;
}

namespace {

bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The state of hstore::parse: the text and the read position.
struct hstore_parser {
    std::string_view text;
    std::size_t pos = 0;

    bool at_end() const noexcept { return pos == text.size(); }
    char peek() const noexcept { return text[pos]; }

    void skip_space() noexcept {
        while (!at_end() && is_space(peek())) {
            ++pos;
        }
    }

    // Reads a quoted or bare token; `bare_stop` ends a bare one (besides whitespace). `quoted`
    // tells which it was.
    bool token(char bare_stop, std::string& out, bool& quoted) {
        out.clear();
        quoted = !at_end() && peek() == '"';
        if (quoted) {
            ++pos;
            while (true) {
                if (at_end()) {
                    return false;
                }
                char c = text[pos++];
                if (c == '"') {
                    return true;
                }
                if (c == '\\') {
                    if (at_end()) {
                        return false;
                    }
                    c = text[pos++];
                }
                out += c;
            }
        }
        while (!at_end() && !is_space(peek()) && peek() != bare_stop) {
            char c = text[pos++];
            if (c == '\\') {
                if (at_end()) {
                    return false;
                }
                c = text[pos++];
            }
            out += c;
        }
        return !out.empty();
    }
};

bool is_null_word(std::string_view s) noexcept {
    static constexpr std::string_view null_word = "null";
    if (s.size() != null_word.size()) {
        return false;
    }
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
        if (c != null_word[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::error_code hstore::parse(std::string_view text, hstore& out) {
    const std::error_code bad = std::make_error_code(std::errc::invalid_argument);
    if (has_nul(text)) {
        return bad;
    }
    hstore h;
    hstore_parser p{text};
    std::string token;
    bool quoted = false;
    while (true) {
        p.skip_space();
        if (p.at_end()) {
            break;
        }
        pair& kv = h.pairs.emplace_back();
        if (!p.token('=', kv.key, quoted)) {
            return bad;
        }
        p.skip_space();
        if (p.text.substr(p.pos, 2) != "=>") {
            return bad;
        }
        p.pos += 2;
        p.skip_space();
        if (!p.token(',', token, quoted)) {
            return bad;
        }
        if (quoted || !is_null_word(token)) {
            kv.value = std::move(token);
        }
        p.skip_space();
        if (p.at_end()) {
            break;
        }
        if (p.peek() != ',') {
            return bad;
        }
        ++p.pos;
    }
    out = std::move(h);
    return {};
}

bool codec<hstore>::accepts(oid_t type) noexcept {
    return type != 0 && catalog::find_builtin_type(type) == nullptr;
}

std::size_t codec<hstore>::encoded_size(const hstore& value, oid_t) noexcept {
    std::size_t size = 4;
    for (const hstore::pair& p : value.pairs) {
        size += 8 + p.key.size() + (p.value ? p.value->size() : 0);
    }
    return size;
}

std::error_code codec<hstore>::encode(const hstore& value, oid_t type, std::span<std::byte> out) noexcept {
    if (type != 0 && !accepts(type)) {
        return detail::make_error(errc::type_mismatch);
    }
    for (const hstore::pair& p : value.pairs) {
        if (has_nul(p.key) || (p.value && has_nul(*p.value))) {
            return detail::make_error(errc::embedded_nul);
        }
    }
    if (!value.is_valid()) {
        return detail::make_error(errc::value_out_of_range);
    }
    if (out.size() != encoded_size(value, type)) {
        return detail::make_error(errc::invalid_state);
    }
    detail::span_writer w(out);
    w.put<std::int32_t>(static_cast<std::int32_t>(value.pairs.size()));
    for (const hstore::pair& p : value.pairs) {
        put_text(w, p.key);
        if (p.value) {
            put_text(w, *p.value);
        } else {
            w.put<std::int32_t>(-1);
        }
    }
    return {};
}

std::error_code codec<hstore>::decode(oid_t type, std::span<const std::byte> in, hstore& out) {
    if (!accepts(type)) {
        return detail::make_error(errc::type_mismatch);
    }
    if (in.size() < 4) {
        return detail::make_error(errc::malformed_message);
    }
    const std::int32_t count = detail::load_be<std::int32_t>(in.data());
    in = in.subspan(4);
    // A pair takes at least 8 bytes (two lengths), which bounds the allocation by the input.
    if (count < 0 || static_cast<std::size_t>(count) > in.size() / 8) {
        return detail::make_error(errc::malformed_message);
    }
    out.pairs.clear();
    out.pairs.resize(static_cast<std::size_t>(count));
    std::optional<std::string> key;
    for (hstore::pair& p : out.pairs) {
        if (!take_text(in, false, key) || !take_text(in, true, p.value)) {
            return detail::make_error(errc::malformed_message);
        }
        p.key = std::move(*key);
    }
    if (!in.empty()) {
        return detail::make_error(errc::malformed_message);
    }
    return {};
}

}  // namespace pgring
