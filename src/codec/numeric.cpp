// pgring::numeric and the numeric codecs.
//
// numeric_send's format (PostgreSQL's src/backend/utils/adt/numeric.c):
//
//     int16 ndigits | int16 weight | uint16 sign | uint16 dscale | ndigits x int16 digit
//
// The value is sum(digit[i] * 10000^(weight - i)); sign is 0x0000, 0x4000 (negative), 0xC000
// (NaN), 0xD000 (+Infinity) or 0xF000 (-Infinity); dscale is the number of decimal digits shown
// after the point, at most 0x3FFF. The server sends ndigits as an unsigned count (numeric_recv
// reads it so), strips leading and trailing zero digits, and sends NaN and the infinities with
// no digits and weight 0 (and, an artefact of their short header, dscale 32 for the infinities).

#include <pgring/numeric.hpp>

#include <pgring/codec.hpp>

#include "wire/byte_order.hpp"

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace pgring {

namespace {

using detail::make_error;

constexpr std::int32_t nbase = 10000;
constexpr std::int32_t dec_digits = 4;
constexpr std::uint16_t infinity_dscale = 32;

std::error_code syntax_error() noexcept {
    return std::make_error_code(std::errc::invalid_argument);
}

// A numeric_send value, checked, with its digits still in the input.
struct wire_numeric {
    std::uint16_t ndigits = 0;
    std::int16_t weight = 0;
    std::uint16_t sign = 0;
    std::uint16_t dscale = 0;
    const std::byte* digits = nullptr;

    std::int16_t digit(std::size_t i) const noexcept { return wire::load_i16(digits + 2 * i); }
    bool special() const noexcept {
        return sign != detail::numeric_sign_positive && sign != detail::numeric_sign_negative;
    }
};

// True when digit `d`, the base-10000 digit multiplying 10000^group, has a nonzero decimal digit
// past `dscale` decimal places.
bool hides_digits(std::int32_t group, std::int32_t d, std::uint16_t dscale) noexcept {
    if (group >= 0 || d == 0) {
        return false;
    }
    // The group covers decimal places 4 * -group - 3 .. 4 * -group; `hidden` of them, counted
    // from the least significant, lie past dscale.
    const std::int32_t hidden = dec_digits * -group - dscale;
    if (hidden <= 0) {
        return false;
    }
    if (hidden >= dec_digits) {
        return true;
    }
    constexpr std::int32_t pow10[] = {1, 10, 100, 1000};
    return d % pow10[hidden] != 0;
}

std::error_code parse_wire(std::span<const std::byte> in, wire_numeric& out) noexcept {
    if (in.size() < 8) {
        return make_error(errc::malformed_message);
    }
    wire_numeric w;
    w.ndigits = wire::load_u16(in.data());
    w.weight = wire::load_i16(in.data() + 2);
    w.sign = wire::load_u16(in.data() + 4);
    w.dscale = wire::load_u16(in.data() + 6);
    w.digits = in.data() + 8;
    if (in.size() != 8 + 2 * static_cast<std::size_t>(w.ndigits)) {
        return make_error(errc::malformed_message);
    }
    switch (w.sign) {
        case detail::numeric_sign_positive:
        case detail::numeric_sign_negative:
        case detail::numeric_sign_nan:
        case detail::numeric_sign_infinity:
        case detail::numeric_sign_minus_infinity:
            break;
        default:
            return make_error(errc::malformed_message);
    }
    if (w.dscale > numeric::max_dscale) {
        return make_error(errc::malformed_message);
    }
    if (w.special()) {
        // numeric_recv ignores digits and weight here; a sender that sets them is confused.
        if (w.ndigits != 0 || w.weight != 0) {
            return make_error(errc::malformed_message);
        }
        out = w;
        return {};
    }
    for (std::size_t i = 0; i < w.ndigits; ++i) {
        const std::int16_t d = w.digit(i);
        if (d < 0 || d >= nbase) {
            return make_error(errc::malformed_message);
        }
        if (hides_digits(std::int32_t{w.weight} - static_cast<std::int32_t>(i), d, w.dscale)) {
            return make_error(errc::malformed_message);
        }
    }
    out = w;
    return {};
}

// Sign and magnitude of an integral value given as base-10000 digits; value_out_of_range for a
// fraction or a magnitude past 2^64 - 1. `digit(i)` must be in [0, 9999].
template <class DigitAt>
std::error_code integer_magnitude(std::size_t ndigits, std::int32_t weight, DigitAt digit,
                                  std::uint64_t& magnitude) noexcept {
    std::uint64_t m = 0;
    for (std::size_t i = 0; i < ndigits; ++i) {
        const std::int32_t group = weight - static_cast<std::int32_t>(i);
        const auto d = static_cast<std::uint64_t>(digit(i));
        if (group < 0) {
            if (d != 0) {
                return make_error(errc::value_out_of_range);
            }
            continue;
        }
        if (__builtin_mul_overflow(m, std::uint64_t{nbase}, &m) || __builtin_add_overflow(m, d, &m)) {
            return make_error(errc::value_out_of_range);
        }
    }
    // Zero digits after the last one, down to the units.
    for (std::int32_t g = weight - static_cast<std::int32_t>(ndigits); g >= 0 && m != 0; --g) {
        if (__builtin_mul_overflow(m, std::uint64_t{nbase}, &m)) {
            return make_error(errc::value_out_of_range);
        }
    }
    magnitude = m;
    return {};
}

void append_group(std::string& s, std::int32_t d, std::int32_t count) {
    const char chars[4] = {static_cast<char>('0' + d / 1000), static_cast<char>('0' + d / 100 % 10),
                           static_cast<char>('0' + d / 10 % 10), static_cast<char>('0' + d % 10)};
    s.append(chars, static_cast<std::size_t>(count));
}

bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}


std::int64_t floor_div4(std::int64_t e) noexcept {
    return e >= 0 ? e / 4 : -((-e + 3) / 4);
}

}  // namespace

// ---- pgring::numeric -------------------------------------------------------------------------

void numeric::assign_integer(bool negative, std::uint64_t magnitude) {
    const detail::numeric_integer_shape shape = detail::numeric_integer_shape_of(magnitude);
    digits_.assign(shape.ndigits, 0);
    std::uint64_t rest = magnitude;
    while (rest != 0 && rest % nbase == 0) {
        rest /= nbase;
    }
    for (std::size_t i = shape.ndigits; i > 0; --i) {
        digits_[i - 1] = static_cast<std::int16_t>(rest % nbase);
        rest /= nbase;
    }
    weight_ = shape.weight;
    dscale_ = 0;
    kind_ = kind::finite;
    negative_ = negative && magnitude != 0;
}

std::error_code numeric::from_parts(bool negative, std::int32_t weight, std::uint16_t dscale,
                                    std::span<const std::int16_t> digits, numeric& out) {
    if (dscale > max_dscale || digits.size() > std::numeric_limits<std::uint16_t>::max()) {
        return make_error(errc::value_out_of_range);
    }
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (digits[i] < 0 || digits[i] >= nbase) {
            return make_error(errc::value_out_of_range);
        }
        if (hides_digits(weight - static_cast<std::int32_t>(i), digits[i], dscale)) {
            return make_error(errc::value_out_of_range);
        }
    }
    std::size_t first = 0;
    std::size_t last = digits.size();
    while (first < last && digits[first] == 0) {
        ++first;
    }
    while (last > first && digits[last - 1] == 0) {
        --last;
    }
    numeric n;
    n.dscale_ = dscale;
    if (first != last) {
        // first <= 65535, so no overflow in int32.
        const std::int32_t w = weight - static_cast<std::int32_t>(first);
        if (w < std::numeric_limits<std::int16_t>::min() || w > std::numeric_limits<std::int16_t>::max()) {
            return make_error(errc::value_out_of_range);
        }
        n.weight_ = static_cast<std::int16_t>(w);
        n.negative_ = negative;
        n.digits_.assign(digits.begin() + static_cast<std::ptrdiff_t>(first),
                         digits.begin() + static_cast<std::ptrdiff_t>(last));
    }
    out = std::move(n);
    return {};
}

std::error_code numeric::from_string(std::string_view text, numeric& out) {
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    if (detail::ascii_iequals(text, "nan")) {
        out = nan();
        return {};
    }
    if (detail::ascii_iequals(text, "infinity") || detail::ascii_iequals(text, "+infinity") ||
        detail::ascii_iequals(text, "inf") || detail::ascii_iequals(text, "+inf")) {
        out = infinity();
        return {};
    }
    if (detail::ascii_iequals(text, "-infinity") || detail::ascii_iequals(text, "-inf")) {
        out = minus_infinity();
        return {};
    }

    std::size_t pos = 0;
    bool negative = false;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        negative = text[pos] == '-';
        ++pos;
    }
    // The mantissa's digits, and how many came before the point.
    const std::size_t mantissa_begin = pos;
    std::size_t int_digits = 0;
    std::size_t frac_digits = 0;
    bool seen_point = false;
    for (; pos < text.size(); ++pos) {
        const char c = text[pos];
        if (c >= '0' && c <= '9') {
            ++(seen_point ? frac_digits : int_digits);
        } else if (c == '.' && !seen_point) {
            seen_point = true;
        } else {
            break;
        }
    }
    const std::size_t mantissa_end = pos;
    if (int_digits + frac_digits == 0) {
        return syntax_error();
    }
    // The exponent saturates: past a billion the result is out of range whatever the mantissa.
    constexpr std::int64_t exponent_cap = 1000000000;
    std::int64_t exponent = 0;
    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
        ++pos;
        bool exponent_negative = false;
        if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
            exponent_negative = text[pos] == '-';
            ++pos;
        }
        const std::size_t exponent_begin = pos;
        for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
            exponent = std::min(exponent * 10 + (text[pos] - '0'), exponent_cap);
        }
        if (pos == exponent_begin) {
            return syntax_error();
        }
        if (exponent_negative) {
            exponent = -exponent;
        }
    }
    if (pos != text.size()) {
        return syntax_error();
    }

    const std::int64_t dscale = std::max<std::int64_t>(0, static_cast<std::int64_t>(frac_digits) - exponent);
    if (dscale > max_dscale) {
        return make_error(errc::value_out_of_range);
    }

    // Decimal digit k of the mantissa (points skipped) multiplies 10^(int_digits - 1 - k + exponent).
    std::string_view mantissa = text.substr(mantissa_begin, mantissa_end - mantissa_begin);
    std::int64_t first_exp = 0;
    std::int64_t last_exp = 0;
    bool any = false;
    {
        std::int64_t k = 0;
        for (const char c : mantissa) {
            if (c == '.') {
                continue;
            }
            const std::int64_t e = static_cast<std::int64_t>(int_digits) - 1 - k + exponent;
            if (c != '0') {
                if (!any) {
                    first_exp = e;
                    any = true;
                }
                last_exp = e;
            }
            ++k;
        }
    }
    numeric n;
    n.dscale_ = static_cast<std::uint16_t>(dscale);
    if (any) {
        const std::int64_t hi = floor_div4(first_exp);
        const std::int64_t lo = floor_div4(last_exp);
        if (hi > std::numeric_limits<std::int16_t>::max() || hi < std::numeric_limits<std::int16_t>::min() ||
            hi - lo + 1 > std::numeric_limits<std::uint16_t>::max()) {
            return make_error(errc::value_out_of_range);
        }
        n.weight_ = static_cast<std::int16_t>(hi);
        n.negative_ = negative;
        n.digits_.assign(static_cast<std::size_t>(hi - lo + 1), 0);
        constexpr std::int16_t pow10[] = {1, 10, 100, 1000};
        std::int64_t k = 0;
        for (const char c : mantissa) {
            if (c == '.') {
                continue;
            }
            const std::int64_t e = static_cast<std::int64_t>(int_digits) - 1 - k + exponent;
            ++k;
            if (c == '0' || e > first_exp || e < last_exp) {
                continue;
            }
            const std::int64_t g = floor_div4(e);
            n.digits_[static_cast<std::size_t>(hi - g)] +=
                static_cast<std::int16_t>((c - '0') * pow10[e - 4 * g]);
        }
    }
    out = std::move(n);
    return {};
}

std::error_code numeric::to_int64(std::int64_t& out) const noexcept {
    if (kind_ != kind::finite) {
        return make_error(errc::value_out_of_range);
    }
    std::uint64_t magnitude = 0;
    if (const std::error_code ec = integer_magnitude(
            digits_.size(), weight_, [this](std::size_t i) { return digits_[i]; }, magnitude)) {
        return ec;
    }
    return detail::integer_from_magnitude(negative_, magnitude, out);
}

double numeric::to_double_lossy() const {
    switch (kind_) {
        case kind::nan:
            return std::numeric_limits<double>::quiet_NaN();
        case kind::infinity:
            return std::numeric_limits<double>::infinity();
        case kind::minus_infinity:
            return -std::numeric_limits<double>::infinity();
        case kind::finite:
            break;
    }
    if (digits_.empty()) {
        return 0.0;
    }
    const std::string s = to_string();
    double d = 0;
    const std::from_chars_result r = std::from_chars(s.data(), s.data() + s.size(), d);
    if (r.ec == std::errc::result_out_of_range) {
        // Beyond double's range one way or the other: the weight says which.
        d = weight_ >= 0 ? std::numeric_limits<double>::infinity() : 0.0;
        return negative_ ? -d : d;
    }
    return d;
}

std::string numeric::to_string() const {
    switch (kind_) {
        case kind::nan:
            return "NaN";
        case kind::infinity:
            return "Infinity";
        case kind::minus_infinity:
            return "-Infinity";
        case kind::finite:
            break;
    }
    const auto ndigits = static_cast<std::int32_t>(digits_.size());
    // The digit multiplying 10000^group, 0 outside the stored digits.
    const auto digit_at = [&](std::int32_t group) -> std::int32_t {
        const std::int32_t i = weight_ - group;
        return i >= 0 && i < ndigits ? digits_[static_cast<std::size_t>(i)] : 0;
    };
    std::string s;
    s.reserve(static_cast<std::size_t>(std::max<std::int32_t>(weight_ + 1, 1)) * dec_digits + dscale_ + 3);
    if (negative_) {
        s += '-';
    }
    if (weight_ < 0 || digits_.empty()) {
        s += '0';
    } else {
        s += std::to_string(digit_at(weight_));
        for (std::int32_t g = weight_ - 1; g >= 0; --g) {
            append_group(s, digit_at(g), dec_digits);
        }
    }
    if (dscale_ > 0) {
        s += '.';
        std::int32_t remaining = dscale_;
        for (std::int32_t g = -1; remaining > 0; --g) {
            append_group(s, digit_at(g), std::min(remaining, dec_digits));
            remaining -= dec_digits;
        }
    }
    return s;
}

// ---- integers as numeric ---------------------------------------------------------------------

namespace detail {

std::error_code load_numeric_integer(std::span<const std::byte> in, bool& negative,
                                     std::uint64_t& magnitude) noexcept {
    wire_numeric w;
    if (const std::error_code ec = parse_wire(in, w)) {
        return ec;
    }
    if (w.special()) {
        return make_error(errc::value_out_of_range);
    }
    std::uint64_t m = 0;
    if (const std::error_code ec = integer_magnitude(
            w.ndigits, w.weight, [&w](std::size_t i) { return w.digit(i); }, m)) {
        return ec;
    }
    negative = w.sign == numeric_sign_negative && m != 0;
    magnitude = m;
    return {};
}

}  // namespace detail

// ---- codec<numeric> --------------------------------------------------------------------------

namespace {

std::size_t integer_size(oid_t type) noexcept {
    switch (type) {
        case oid::int2:
            return 2;
        case oid::int4:
            return 4;
        case oid::int8:
            return 8;
        default:
            return 0;
    }
}

}  // namespace

bool codec<numeric>::accepts(oid_t type) noexcept {
    return type == oid::numeric || integer_size(type) != 0;
}

std::size_t codec<numeric>::encoded_size(const numeric& value, oid_t type) noexcept {
    type = detail::effective_oid(type, preferred_oid);
    if (type == oid::numeric) {
        return 8 + 2 * value.digits().size();
    }
    return integer_size(type);
}

std::error_code codec<numeric>::encode(const numeric& value, oid_t type, std::span<std::byte> out) noexcept {
    type = detail::effective_oid(type, preferred_oid);
    if (type != oid::numeric) {
        if (integer_size(type) == 0) {
            return make_error(errc::type_mismatch);
        }
        std::int64_t v = 0;
        if (const std::error_code ec = value.to_int64(v)) {
            return ec;
        }
        return codec<std::int64_t>::encode(v, type, out);
    }
    const std::span<const std::int16_t> digits = value.digits();
    if (out.size() != 8 + 2 * digits.size()) {
        return make_error(errc::invalid_state);
    }
    std::uint16_t sign = detail::numeric_sign_positive;
    std::uint16_t dscale = value.dscale();
    switch (value.value_kind()) {
        case numeric::kind::finite:
            sign = value.is_negative() ? detail::numeric_sign_negative : detail::numeric_sign_positive;
            break;
        case numeric::kind::nan:
            sign = detail::numeric_sign_nan;
            dscale = 0;
            break;
        case numeric::kind::infinity:
            sign = detail::numeric_sign_infinity;
            dscale = infinity_dscale;
            break;
        case numeric::kind::minus_infinity:
            sign = detail::numeric_sign_minus_infinity;
            dscale = infinity_dscale;
            break;
    }
    std::byte* p = out.data();
    wire::store_be<std::uint16_t>(p, static_cast<std::uint16_t>(digits.size()));
    wire::store_be<std::int16_t>(p + 2, value.weight());
    wire::store_be<std::uint16_t>(p + 4, sign);
    wire::store_be<std::uint16_t>(p + 6, dscale);
    for (std::size_t i = 0; i < digits.size(); ++i) {
        wire::store_be<std::int16_t>(p + 8 + 2 * i, digits[i]);
    }
    return {};
}

std::error_code codec<numeric>::decode(oid_t type, std::span<const std::byte> in, numeric& out) {
    if (type != oid::numeric) {
        if (integer_size(type) == 0) {
            return make_error(errc::type_mismatch);
        }
        std::int64_t v = 0;
        if (const std::error_code ec = codec<std::int64_t>::decode(type, in, v)) {
            return ec;
        }
        out = numeric(v);
        return {};
    }
    wire_numeric w;
    if (const std::error_code ec = parse_wire(in, w)) {
        return ec;
    }
    switch (w.sign) {
        case detail::numeric_sign_nan:
            out = numeric::nan();
            return {};
        case detail::numeric_sign_infinity:
            out = numeric::infinity();
            return {};
        case detail::numeric_sign_minus_infinity:
            out = numeric::minus_infinity();
            return {};
        default:
            break;
    }
    // The digits are checked, so from_parts only normalises.
    std::int16_t small[16];
    std::vector<std::int16_t> large;
    std::int16_t* digits = small;
    if (w.ndigits > std::size(small)) {
        large.resize(w.ndigits);
        digits = large.data();
    }
    for (std::size_t i = 0; i < w.ndigits; ++i) {
        digits[i] = w.digit(i);
    }
    const std::error_code ec =
        numeric::from_parts(w.sign == detail::numeric_sign_negative, w.weight, w.dscale,
                            std::span<const std::int16_t>(digits, w.ndigits), out);
    // parse_wire accepted it, so only a canonical weight outside int16 could fail; it cannot,
    // as hidden digits are rejected and dscale <= 16383 keeps the weight above -4097.
    return ec ? make_error(errc::malformed_message) : ec;
}

}  // namespace pgring
