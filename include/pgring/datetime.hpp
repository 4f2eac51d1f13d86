#pragma once

/// @file
/// PostgreSQL's date and time types as lossless value types: date, time, timetz, timestamp,
/// timestamptz and interval, with their infinities and the full BC-to-far-future range.
///
/// All of them count from PostgreSQL's epoch, 2000-01-01 00:00:00 (UTC for timestamptz), in the
/// proleptic Gregorian calendar, with microsecond resolution, exactly as the binary wire format
/// does. The std::chrono mappings (see codec.hpp) cover what std::chrono can represent.

#include <chrono>
#include <compare>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>

namespace pgring {

/// Days between 1970-01-01 (std::chrono's system_clock epoch) and 2000-01-01.
inline constexpr std::int32_t postgres_epoch_days = 10957;
/// Microseconds between 1970-01-01 00:00:00 and 2000-01-01 00:00:00.
inline constexpr std::int64_t postgres_epoch_microseconds = std::int64_t{postgres_epoch_days} * 86400000000;

/// A PostgreSQL `date`: days since 2000-01-01, or +-infinity.
///
/// `days` is the wire value: `INT32_MAX` is `infinity`, `INT32_MIN` is `-infinity`, and a finite
/// date lies in [min_days, max_days] (4714-11-24 BC to 5874897-12-31); anything else is invalid
/// and cannot be sent (the codec answers `errc::value_out_of_range`).
///
/// Thread: a plain value.
struct date {
    /// Days since 2000-01-01 (negative before it).
    std::int32_t days = 0;

    /// The first valid day: 4714-11-24 BC (Julian day 0).
    static constexpr std::int32_t min_days = -2451545;
    /// The last valid day: 5874897-12-31.
    static constexpr std::int32_t max_days = 2145031948;

    /// `infinity`, later than every date.
    static constexpr date infinity() noexcept { return {std::numeric_limits<std::int32_t>::max()}; }
    /// `-infinity`, earlier than every date.
    static constexpr date minus_infinity() noexcept { return {std::numeric_limits<std::int32_t>::min()}; }

    /// True for `infinity`.
    constexpr bool is_infinity() const noexcept { return days == std::numeric_limits<std::int32_t>::max(); }
    /// True for `-infinity`.
    constexpr bool is_minus_infinity() const noexcept {
        return days == std::numeric_limits<std::int32_t>::min();
    }
    /// True for a date in [min_days, max_days].
    constexpr bool is_finite() const noexcept { return days >= min_days && days <= max_days; }
    /// True for a finite date or an infinity: what PostgreSQL accepts.
    constexpr bool is_valid() const noexcept { return is_finite() || is_infinity() || is_minus_infinity(); }

    /// The date of a std::chrono calendar day (year 0 is 1 BC, year -4713 is 4714 BC).
    ///
    /// Errors: `errc::value_out_of_range` when `ymd` is not a valid day (`!ymd.ok()`) or lies
    /// before 4714-11-24 BC. `out` is unchanged on error.
    static std::error_code from_ymd(std::chrono::year_month_day ymd, date& out) noexcept;

    /// This date as a std::chrono calendar day.
    ///
    /// Errors: `errc::value_out_of_range` for the infinities, invalid values and dates after
    /// 32767-12-31 (the end of std::chrono::year). `out` is unchanged on error.
    std::error_code to_ymd(std::chrono::year_month_day& out) const noexcept;

    /// PostgreSQL's ISO text form: `2000-01-01`, `4714-11-24 BC`, `infinity`, `-infinity`;
    /// `invalid` for an invalid value.
    std::string to_string() const;

    /// Member-wise comparison.
    friend constexpr auto operator<=>(const date&, const date&) = default;
};

/// A PostgreSQL `time` (without time zone): microseconds since midnight, 0 to 24:00:00
/// inclusive (PostgreSQL accepts `24:00:00`).
///
/// Thread: a plain value.
struct time {
    /// Microseconds since midnight.
    std::int64_t microseconds = 0;

    /// 24:00:00, the largest valid value.
    static constexpr std::int64_t max_microseconds = 86400000000;

    /// True for a value in [0, max_microseconds].
    constexpr bool is_valid() const noexcept { return microseconds >= 0 && microseconds <= max_microseconds; }

    /// PostgreSQL's text form: `01:02:03`, `01:02:03.5` (trailing zeros of the fraction dropped);
    /// `invalid` for an invalid value.
    std::string to_string() const;

    /// Member-wise comparison.
    friend constexpr auto operator<=>(const time&, const time&) = default;
};

/// A PostgreSQL `timetz`: a time of day and the UTC offset it was written with.
///
/// `utc_offset` is in seconds east of UTC, the ISO 8601 sign convention (`+02:00` is 7200);
/// PostgreSQL's wire format counts seconds west, and the codec negates. Valid offsets are
/// strictly between -16 and +16 hours.
///
/// Thread: a plain value.
struct timetz {
    /// The local time of day.
    pgring::time time_of_day;
    /// Seconds east of UTC.
    std::int32_t utc_offset = 0;

    /// The largest magnitude of a valid offset: 15:59:59.
    static constexpr std::int32_t max_offset = 15 * 3600 + 59 * 60 + 59;

    /// True when both the time and the offset are in range.
    constexpr bool is_valid() const noexcept {
        return time_of_day.is_valid() && utc_offset >= -max_offset && utc_offset <= max_offset;
    }

    /// PostgreSQL's text form: `01:02:03+02`, `01:02:03.5-05:30`, `00:00:00+05:30:15`.
    std::string to_string() const;

    /// Member-wise comparison.
    friend constexpr auto operator<=>(const timetz&, const timetz&) = default;
};

/// A PostgreSQL `timestamp` (without time zone): microseconds since 2000-01-01 00:00:00, or
/// +-infinity.
///
/// `microseconds` is the wire value: `INT64_MAX` is `infinity`, `INT64_MIN` is `-infinity`, and
/// a finite value lies in [min_microseconds, max_microseconds] (4714-11-24 00:00:00 BC to
/// 294276-12-31 23:59:59.999999).
///
/// Thread: a plain value.
struct timestamp {
    /// Microseconds since 2000-01-01 00:00:00.
    std::int64_t microseconds = 0;

    /// 4714-11-24 00:00:00 BC.
    static constexpr std::int64_t min_microseconds = -211813488000000000;
    /// 294276-12-31 23:59:59.999999.
    static constexpr std::int64_t max_microseconds = 9223371331199999999;

    /// `infinity`.
    static constexpr timestamp infinity() noexcept { return {std::numeric_limits<std::int64_t>::max()}; }
    /// `-infinity`.
    static constexpr timestamp minus_infinity() noexcept {
        return {std::numeric_limits<std::int64_t>::min()};
    }
    /// True for `infinity`.
    constexpr bool is_infinity() const noexcept {
        return microseconds == std::numeric_limits<std::int64_t>::max();
    }
    /// True for `-infinity`.
    constexpr bool is_minus_infinity() const noexcept {
        return microseconds == std::numeric_limits<std::int64_t>::min();
    }
    /// True for a value in [min_microseconds, max_microseconds].
    constexpr bool is_finite() const noexcept {
        return microseconds >= min_microseconds && microseconds <= max_microseconds;
    }
    /// True for a finite value or an infinity.
    constexpr bool is_valid() const noexcept { return is_finite() || is_infinity() || is_minus_infinity(); }

    /// PostgreSQL's ISO text form: `2000-01-01 00:00:01.5`, `4714-11-24 00:00:00 BC`,
    /// `infinity`; `invalid` for an invalid value.
    std::string to_string() const;

    /// Member-wise comparison.
    friend constexpr auto operator<=>(const timestamp&, const timestamp&) = default;
};

/// A PostgreSQL `timestamptz`: an instant, in microseconds since 2000-01-01 00:00:00 UTC, or
/// +-infinity. Same representation and range as `timestamp`; the wire value is always UTC (the
/// session's TimeZone only affects the text form).
///
/// Thread: a plain value.
struct timestamptz {
    /// Microseconds since 2000-01-01 00:00:00 UTC.
    std::int64_t microseconds = 0;

    /// 4714-11-24 00:00:00+00 BC.
    static constexpr std::int64_t min_microseconds = timestamp::min_microseconds;
    /// 294276-12-31 23:59:59.999999+00.
    static constexpr std::int64_t max_microseconds = timestamp::max_microseconds;

    /// `infinity`.
    static constexpr timestamptz infinity() noexcept { return {std::numeric_limits<std::int64_t>::max()}; }
    /// `-infinity`.
    static constexpr timestamptz minus_infinity() noexcept {
        return {std::numeric_limits<std::int64_t>::min()};
    }
    /// True for `infinity`.
    constexpr bool is_infinity() const noexcept {
        return microseconds == std::numeric_limits<std::int64_t>::max();
    }
    /// True for `-infinity`.
    constexpr bool is_minus_infinity() const noexcept {
        return microseconds == std::numeric_limits<std::int64_t>::min();
    }
    /// True for a value in [min_microseconds, max_microseconds].
    constexpr bool is_finite() const noexcept {
        return microseconds >= min_microseconds && microseconds <= max_microseconds;
    }
    /// True for a finite value or an infinity.
    constexpr bool is_valid() const noexcept { return is_finite() || is_infinity() || is_minus_infinity(); }

    /// The ISO text form in UTC: `2000-01-01 00:00:00+00`, `4714-11-24 00:00:00+00 BC`,
    /// `infinity`; `invalid` for an invalid value.
    std::string to_string() const;

    /// Member-wise comparison.
    friend constexpr auto operator<=>(const timestamptz&, const timestamptz&) = default;
};

/// A PostgreSQL `interval`: months, days and microseconds, kept apart as PostgreSQL keeps them
/// (a month is not a fixed number of days, nor a day a fixed number of microseconds across a
/// daylight-saving change). Every combination of values is valid.
///
/// Thread: a plain value.
struct interval {
    /// Months (years are 12 months).
    std::int32_t months = 0;
    /// Days.
    std::int32_t days = 0;
    /// Microseconds (hours, minutes, seconds and fractions).
    std::int64_t microseconds = 0;

    /// Member-wise comparison.
    friend constexpr bool operator==(const interval&, const interval&) = default;
};

}  // namespace pgring
