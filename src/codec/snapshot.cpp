// The pg_snapshot/txid_snapshot codec and text forms.

#include <pgring/codec.hpp>
#include <pgring/snapshot.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace pgring {

bool pg_snapshot::is_valid() const noexcept {
    if (xmin == 0 || xmax < xmin) {
        return false;
    }
    std::uint64_t last = xmin;
    for (std::size_t i = 0; i < xip.size(); ++i) {
        if (xip[i] < last || (i > 0 && xip[i] == last) || xip[i] > xmax) {
            return false;
        }
        last = xip[i];
    }
    return true;
}

std::string pg_snapshot::to_string() const {
    std::string s = std::to_string(xmin);
    s += ':';
    s += std::to_string(xmax);
    s += ':';
    for (std::size_t i = 0; i < xip.size(); ++i) {
        if (i > 0) {
            s += ',';
        }
        s += std::to_string(xip[i]);
    }
    return s;
}

namespace {

// Reads a decimal uint64 from the front of `text`, advancing it.
bool take_u64(std::string_view& text, std::uint64_t& out) noexcept {
    const char* end = text.data() + text.size();
    const std::from_chars_result r = std::from_chars(text.data(), end, out);
    if (r.ec != std::errc{} || r.ptr == text.data()) {
        return false;
    }
    text.remove_prefix(static_cast<std::size_t>(r.ptr - text.data()));
    return true;
}

}  // namespace

std::error_code pg_snapshot::parse(std::string_view text, pg_snapshot& out) {
    const std::error_code bad = std::make_error_code(std::errc::invalid_argument);
    pg_snapshot s;
    if (!take_u64(text, s.xmin) || text.empty() || text.front() != ':') {
        return bad;
    }
    text.remove_prefix(1);
    if (!take_u64(text, s.xmax) || text.empty() || text.front() != ':') {
        return bad;
    }
    text.remove_prefix(1);
    while (!text.empty()) {
        std::uint64_t x = 0;
        if (!take_u64(text, x) || x < s.xmin || x >= s.xmax) {
            return bad;
        }
        if (!s.xip.empty() && x < s.xip.back()) {
            return bad;
        }
        if (s.xip.empty() || x != s.xip.back()) {
            s.xip.push_back(x);
        }
        if (text.empty()) {
            break;
        }
        if (text.front() != ',' || text.size() == 1) {
            return bad;
        }
        text.remove_prefix(1);
    }
    if (!s.is_valid()) {
        return bad;
    }
    out = std::move(s);
    return {};
}

std::error_code codec<pg_snapshot>::encode(const pg_snapshot& value, oid_t type,
                                           std::span<std::byte> out) noexcept {
    if (!accepts(detail::effective_oid(type, preferred_oid))) {
        return detail::make_error(errc::type_mismatch);
    }
    if (!value.is_valid() ||
        value.xip.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
        return detail::make_error(errc::value_out_of_range);
    }
    if (out.size() != encoded_size(value, type)) {
        return detail::make_error(errc::invalid_state);
    }
    detail::span_writer w(out);
    w.put<std::int32_t>(static_cast<std::int32_t>(value.xip.size()));
    w.put<std::uint64_t>(value.xmin);
    w.put<std::uint64_t>(value.xmax);
    for (const std::uint64_t x : value.xip) {
        w.put<std::uint64_t>(x);
    }
    return {};
}

std::error_code codec<pg_snapshot>::decode(oid_t type, std::span<const std::byte> in, pg_snapshot& out) {
    if (!accepts(type)) {
        return detail::make_error(errc::type_mismatch);
    }
    if (in.size() < 20) {
        return detail::make_error(errc::malformed_message);
    }
    const std::int32_t count = detail::load_be<std::int32_t>(in.data());
    // The count must match the bytes exactly, which bounds the allocation by the input.
    if (count < 0 || (in.size() - 20) % 8 != 0 || static_cast<std::size_t>(count) != (in.size() - 20) / 8) {
        return detail::make_error(errc::malformed_message);
    }
    out.xmin = detail::load_be<std::uint64_t>(in.data() + 4);
    out.xmax = detail::load_be<std::uint64_t>(in.data() + 12);
    out.xip.resize(static_cast<std::size_t>(count));
    for (std::size_t i = 0; i < out.xip.size(); ++i) {
        out.xip[i] = detail::load_be<std::uint64_t>(in.data() + 20 + 8 * i);
    }
    if (!out.is_valid()) {
        return detail::make_error(errc::malformed_message);
    }
    return {};
}

}  // namespace pgring
