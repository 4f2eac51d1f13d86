// float4out and float8out. With extra_float_digits > 0 PostgreSQL prints the shortest decimal
// that reads back as the same value (its Ryu port); std::to_chars finds the same digits (the
// shortest, nearest the exact value), and only the choice between fixed and exponential
// notation is PostgreSQL's own: fixed when the decimal exponent of the first digit lies in
// [-4, DBL_DIG) (FLT_DIG for float4), like printf's %g. With extra_float_digits <= 0 it prints
// %.*g with DBL_DIG + extra_float_digits significant digits.
//
// PostgreSQL's Ryu is built without STRICTLY_SHORTEST: a decimal lying exactly on the bound of
// the value's rounding interval is not taken, though reading it back would round (half to even)
// to the value, so PostgreSQL prints 4.6000000000000004e+22 where the shortest is 4.6e+22.
// std::to_chars accepts such bounds; shortest_inside() corrects for it.

#include "text/float_text.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace pgring::text {

namespace {

// Appends the special values; false for a finite value.
template <class F>
bool render_special(F value, std::string& out) {
    if (std::isnan(value)) {
        out += "NaN";
        return true;
    }
    if (std::isinf(value)) {
        out += value < 0 ? "-Infinity" : "Infinity";
        return true;
    }
    return false;
}

// A decimal in scientific form as digits (no leading or trailing zeros) and the exponent of
// the first digit; `negative` apart.
struct decimal {
    bool negative = false;
    std::string digits;
    int exponent = 0;
};

// Parses the output of to_chars/printf in scientific form ("-1.2300e+05").
decimal parse_scientific(std::string_view s) {
    decimal d;
    if (!s.empty() && s.front() == '-') {
        d.negative = true;
        s.remove_prefix(1);
    }
    const std::size_t e = s.find_first_of("eE");
    for (const char c : s.substr(0, e)) {
        if (c != '.') {
            d.digits += c;
        }
    }
    while (d.digits.size() > 1 && d.digits.back() == '0') {
        d.digits.pop_back();
    }
    d.exponent = e == std::string_view::npos ? 0 : std::atoi(std::string(s.substr(e + 1)).c_str());
    return d;
}


template <class F>
decimal to_decimal(F value, int precision) {
    char buf[64];
    const std::to_chars_result r =
        precision < 0 ? std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific)
                      : std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific, precision);
    return parse_scientific(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

template <class F>
F parse_as(const decimal& d) {
    std::string s = d.negative ? "-" : "";
    s += d.digits.substr(0, 1);
    if (d.digits.size() > 1) {
        s += '.';
        s += d.digits.substr(1);
    }
    s += 'e';
    s += std::to_string(d.exponent);
    if constexpr (std::is_same_v<F, float>) {
        return std::strtof(s.c_str(), nullptr);
    } else {
        return std::strtod(s.c_str(), nullptr);
    }
}

// A positive dyadic rational `odd * 2^exponent`, odd > 0 odd.
struct dyadic {
    std::uint64_t odd = 0;
    int exponent = 0;
};

dyadic normalised(std::uint64_t m, int e) {
    const int z = std::countr_zero(m);
    return {m >> z, e + z};
}

// The magnitude of a finite nonzero float as significand * 2^exponent.
template <class F>
void split(F value, std::uint64_t& significand, int& exponent) {
    constexpr int mantissa_bits = std::numeric_limits<F>::digits - 1;  // 52 or 23
    constexpr int bias = std::numeric_limits<F>::max_exponent - 1;     // 1023 or 127
    using bits_t = std::conditional_t<std::is_same_v<F, float>, std::uint32_t, std::uint64_t>;
    const auto bits = static_cast<std::uint64_t>(std::bit_cast<bits_t>(value));
    const std::uint64_t mantissa = bits & ((std::uint64_t{1} << mantissa_bits) - 1);
    const int biased = static_cast<int>((bits >> mantissa_bits) &
                                        ((std::uint64_t{1} << (8 * sizeof(F) - 1 - mantissa_bits)) - 1));
    if (biased == 0) {
        significand = mantissa;
        exponent = 1 - bias - mantissa_bits;
    } else {
        significand = mantissa | (std::uint64_t{1} << mantissa_bits);
        exponent = biased - bias - mantissa_bits;
    }
}

// The midpoint between the magnitudes of two adjacent finite floats, exactly.
template <class F>
dyadic midpoint(F a, F b) {
    std::uint64_t ma = 0;
    std::uint64_t mb = 0;
    int ea = 0;
    int eb = 0;
    split(a, ma, ea);
    split(b, mb, eb);
    const int e = ea < eb ? ea : eb;
    // Adjacent floats differ in exponent by at most 1, so the sum stays below 2^56.
    const std::uint64_t sum = (ma << (ea - e)) + (mb << (eb - e));
    return normalised(sum, e - 1);
}

// True when the decimal `d` (nonzero, at most 19 digits) equals the dyadic `x` exactly:
// D * 10^k == odd * 2^p, with D = D' * 2^a (D' odd), holds when a + k == p and D' * 5^k == odd
// (k >= 0), or D' == odd * 5^-k (k < 0).
bool equals(const decimal& d, const dyadic& x) {
    if (d.digits.size() > 19) {
        return false;
    }
    std::uint64_t digits = 0;
    for (const char c : d.digits) {
        digits = digits * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (digits == 0) {
        return false;
    }
    const int k = d.exponent - static_cast<int>(d.digits.size()) + 1;
    const dyadic lhs = normalised(digits, 0);
    if (lhs.exponent + k != x.exponent) {
        return false;
    }
    // Multiply the smaller side by 5^|k|, giving up once past the other (both are below 2^64).
    std::uint64_t small = k >= 0 ? lhs.odd : x.odd;
    const std::uint64_t large = k >= 0 ? x.odd : lhs.odd;
    for (int i = 0; i < (k >= 0 ? k : -k); ++i) {
        if (small > large / 5) {
            return false;
        }
        small *= 5;
    }
    return small == large;
}

// True when `d`, which reads back as `value`, lies exactly on a bound of its rounding interval
// (halfway to a neighbour): only possible when the value's significand is even, as then
// round-half-even reads the tie back as `value`.
template <class F>
bool on_bound(F value, const decimal& d) {
    using bits_t = std::conditional_t<std::is_same_v<F, float>, std::uint32_t, std::uint64_t>;
    if ((std::bit_cast<bits_t>(value) & 1) != 0) {
        return false;
    }
    const F magnitude = std::fabs(value);
    for (const F neighbour :
         {std::nextafter(magnitude, F(0)), std::nextafter(magnitude, std::numeric_limits<F>::infinity())}) {
        if (std::isinf(neighbour)) {
            continue;
        }
        if (equals(d, midpoint(magnitude, neighbour))) {
            return true;
        }
    }
    return false;
}

// The digits PostgreSQL's Ryu port chooses: the shortest decimal strictly inside the rounding
// interval (it is built without STRICTLY_SHORTEST, so a decimal on the interval's bound does not
// count, even where reading it back would give the value), the nearest to the value among those
// of that length. std::to_chars gives the shortest decimal of the closed interval; only when
// that lies on a bound are longer ones tried, each the value correctly rounded to that length.
template <class F>
decimal shortest_inside(F value) {
    decimal d = to_decimal(value, -1);
    if (!on_bound(value, d)) {
        return d;
    }
    constexpr int max_digits = std::numeric_limits<F>::max_digits10;
    for (int n = static_cast<int>(d.digits.size()) + 1; n < max_digits; ++n) {
        decimal c = to_decimal(value, n - 1);
        if (parse_as<F>(c) == value && !on_bound(value, c)) {
            return c;
        }
    }
    return to_decimal(value, max_digits - 1);
}

// The shortest round-trip form, in fixed notation when the exponent lies in [-4, max_fixed).
template <class F>
void render_shortest(F value, int max_fixed, std::string& out) {
    if (value == 0) {
        out += std::signbit(value) ? "-0" : "0";
        return;
    }
    const decimal d = shortest_inside(value);
    if (d.negative) {
        out += '-';
    }
    const std::string& digits = d.digits;
    const int exponent = d.exponent;
    const int count = static_cast<int>(digits.size());
    if (exponent < -4 || exponent >= max_fixed) {
        out += digits[0];
        if (count > 1) {
            out += '.';
            out.append(digits, 1);
        }
        char buf[8];
        const int n = std::snprintf(buf, sizeof buf, "e%c%02d", exponent < 0 ? '-' : '+',
                                    exponent < 0 ? -exponent : exponent);
        out.append(buf, static_cast<std::size_t>(n));
        return;
    }
    if (exponent < 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-exponent - 1), '0');
        out += digits;
    } else if (exponent + 1 >= count) {
        out += digits;
        out.append(static_cast<std::size_t>(exponent + 1 - count), '0');
    } else {
        out.append(digits, 0, static_cast<std::size_t>(exponent + 1));
        out += '.';
        out.append(digits, static_cast<std::size_t>(exponent + 1));
    }
}

void render_printf(double value, int digits, std::string& out) {
    char buf[64];
    const int n = std::snprintf(buf, sizeof buf, "%.*g", digits < 1 ? 1 : digits, value);
    out.append(buf, static_cast<std::size_t>(n));
}

}  // namespace

void render_float8(double value, int extra_float_digits, std::string& out) {
    if (render_special(value, out)) {
        return;
    }
    if (extra_float_digits > 0) {
        render_shortest(value, 15, out);
    } else {
        render_printf(value, 15 + extra_float_digits, out);
    }
}

void render_float4(float value, int extra_float_digits, std::string& out) {
    if (render_special(value, out)) {
        return;
    }
    if (extra_float_digits > 0) {
        render_shortest(value, 6, out);
    } else {
        render_printf(static_cast<double>(value), 6 + extra_float_digits, out);
    }
}

}  // namespace pgring::text
