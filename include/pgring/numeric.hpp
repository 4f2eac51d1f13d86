#pragma once

/// @file
/// pgring::numeric: PostgreSQL's arbitrary-precision decimal, held losslessly.

#include <pgring/error.hpp>

#include <concepts>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace pgring {

/// A PostgreSQL `numeric` value exactly as the server holds it: NaN, +-Infinity, or a finite
/// decimal given by a sign, base-10000 digits, the weight of the first digit and a display scale.
///
/// A finite value is `(-1)^negative * sum(digits[i] * 10000^(weight - i))`, shown with
/// `dscale` digits after the decimal point (`1.50` has digits {1, 5000}, weight 0, dscale 2).
/// Values are always normalised the way the server normalises them: no leading or trailing zero
/// digits, zero has no digits, weight 0 and is never negative, and no nonzero digit lies
/// beyond `dscale` decimal places. The limits are those of the wire format: weight is a signed
/// 16-bit number, dscale is at most 16383 (`max_dscale`), and there are at most 65535 digits.
///
/// Equality is representational: `1.5` and `1.50` differ (their dscales differ); NaN equals NaN,
/// as in PostgreSQL.
///
/// Thread: a plain value; distinct objects may be used from distinct threads.
class numeric {
public:
    /// What a numeric is.
    enum class kind : std::uint8_t {
        finite,
        nan,
        infinity,
        minus_infinity,
    };

    /// The largest display scale the wire format can carry (PostgreSQL's NUMERIC_DSCALE_MAX).
    static constexpr std::uint16_t max_dscale = 0x3FFF;
    /// The base of a digit.
    static constexpr std::int16_t base = 10000;

    /// Zero, with dscale 0.
    numeric() noexcept = default;

    /// The integer `v`, exactly (dscale 0).
    template <std::integral I>
    requires(!std::same_as<std::remove_cv_t<I>, bool>) explicit numeric(I v) {
        if constexpr (std::is_signed_v<I>) {
            const bool negative = v < 0;
            // Two's complement magnitude without overflow for the minimum value.
            const auto magnitude =
                negative ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
            assign_integer(negative, magnitude);
        } else {
            assign_integer(false, static_cast<std::uint64_t>(v));
        }
    }

    /// NaN.
    static numeric nan() noexcept { return numeric(kind::nan); }
    /// +Infinity.
    static numeric infinity() noexcept { return numeric(kind::infinity); }
    /// -Infinity.
    static numeric minus_infinity() noexcept { return numeric(kind::minus_infinity); }

    /// Parses PostgreSQL's text form of numeric: optional surrounding whitespace, then `NaN`,
    /// `[+-]Infinity` or `[+-]inf` (any case), or `[+-]digits[.digits][e[+-]digits]` (at least
    /// one digit; `.5` and `5.` are accepted). The display scale is the number of digits after
    /// the point minus the exponent, at least 0, as in PostgreSQL (`1.50` has dscale 2,
    /// `1.5e1` has dscale 0).
    ///
    /// Errors: `std::errc::invalid_argument` for a syntax error; `errc::value_out_of_range` when
    /// the weight or the display scale does not fit the wire format. `out` is unchanged on error.
    static std::error_code from_string(std::string_view text, numeric& out);

    /// Builds a finite value from its parts, normalising leading and trailing zero digits (and
    /// the sign of zero) away.
    ///
    /// Errors: `errc::value_out_of_range` when a digit is outside [0, 9999], `dscale` exceeds
    /// `max_dscale`, a nonzero digit lies beyond `dscale` decimal places, or the normalised
    /// weight does not fit 16 bits. `out` is unchanged on error.
    static std::error_code from_parts(bool negative, std::int32_t weight, std::uint16_t dscale,
                                      std::span<const std::int16_t> digits, numeric& out);

    /// What this value is.
    kind value_kind() const noexcept { return kind_; }
    /// True for NaN.
    bool is_nan() const noexcept { return kind_ == kind::nan; }
    /// True for +Infinity and -Infinity.
    bool is_infinite() const noexcept { return kind_ == kind::infinity || kind_ == kind::minus_infinity; }
    /// True for every value but NaN and the infinities.
    bool is_finite() const noexcept { return kind_ == kind::finite; }
    /// True for negative finite values and -Infinity (never for zero).
    bool is_negative() const noexcept { return negative_ || kind_ == kind::minus_infinity; }
    /// True for a finite zero (of any display scale).
    bool is_zero() const noexcept { return kind_ == kind::finite && digits_.empty(); }

    /// The weight of the first digit (the power of 10000 it multiplies); 0 for zero and for
    /// NaN and the infinities.
    std::int16_t weight() const noexcept { return weight_; }
    /// The number of decimal digits shown after the point; 0 for NaN and the infinities.
    std::uint16_t dscale() const noexcept { return dscale_; }
    /// The base-10000 digits, most significant first; empty for zero, NaN and the infinities.
    ///
    /// Lifetime: until this object is modified or destroyed.
    std::span<const std::int16_t> digits() const noexcept { return digits_; }

    /// The value as an int64_t.
    ///
    /// Errors: `errc::value_out_of_range` for NaN, the infinities, a nonzero fractional part
    /// (no rounding) and values outside the range of int64_t. `out` is unchanged on error.
    std::error_code to_int64(std::int64_t& out) const noexcept;

    /// The nearest double (correctly rounded), +-infinity beyond its range, +-0 below it, NaN
    /// for NaN. Lossy by design: PostgreSQL's numeric has up to 147455 significant digits.
    double to_double_lossy() const;

    /// PostgreSQL's text form (numeric_out): `NaN`, `Infinity`, `-Infinity`, or the decimal with
    /// exactly `dscale` digits after the point (`0.00`, `-1.5`, `100000000`).
    std::string to_string() const;

    /// Representational equality: same kind, sign, weight, dscale and digits.
    friend bool operator==(const numeric&, const numeric&) = default;

private:
    explicit numeric(kind k) noexcept : kind_(k) {}
    void assign_integer(bool negative, std::uint64_t magnitude);

    std::vector<std::int16_t> digits_;
    std::int16_t weight_ = 0;
    std::uint16_t dscale_ = 0;
    kind kind_ = kind::finite;
    bool negative_ = false;
};

}  // namespace pgring
