// The date/time value types: calendar conversions and PostgreSQL's ISO text forms.
//
// Dates are proleptic Gregorian with astronomical year numbering internally (year 0 is 1 BC);
// the text form writes year <= 0 as (1 - year) followed by " BC", as PostgreSQL does.

#include <pgring/datetime.hpp>

#include <pgring/error.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace pgring {

namespace {

constexpr std::int64_t usecs_per_day = 86400000000;
constexpr std::int64_t usecs_per_second = 1000000;

struct civil {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

// Days since 1970-01-01 -> calendar date, for any int64 day count a date or timestamp can have.
// Counts 400-year eras of 146097 days from 0000-03-01, so that the leap day ends a year.
civil civil_from_days(std::int64_t z) noexcept {
    z += 719468;  // 0000-03-01 to 1970-01-01
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<std::uint64_t>(z - era * 146097);                    // [0, 146096]
    const std::uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
    const std::uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
    const std::uint64_t mp = (5 * doy + 2) / 153;                                     // March is 0
    const auto day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
    const auto month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
    const std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
    return {year, month, day};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    const std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void append_number(std::string& s, std::int64_t v, int width) {
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "%0*lld", width, static_cast<long long>(v));
    s.append(buf, static_cast<std::size_t>(n));
}

void append_date(std::string& s, const civil& c) {
    append_number(s, c.year > 0 ? c.year : 1 - c.year, 4);
    s += '-';
    append_number(s, c.month, 2);
    s += '-';
    append_number(s, c.day, 2);
}

// HH:MM:SS[.fraction], the fraction without trailing zeros; `us` in [0, 24:00:00].
void append_time(std::string& s, std::int64_t us) {
    const std::int64_t seconds = us / usecs_per_second;
    append_number(s, seconds / 3600, 2);
    s += ':';
    append_number(s, seconds / 60 % 60, 2);
    s += ':';
    append_number(s, seconds % 60, 2);
    std::int64_t fraction = us % usecs_per_second;
    if (fraction != 0) {
        int width = 6;
        while (fraction % 10 == 0) {
            fraction /= 10;
            --width;
        }
        s += '.';
        append_number(s, fraction, width);
    }
}

// +HH, +HH:MM or +HH:MM:SS, seconds east of UTC.
void append_offset(std::string& s, std::int32_t offset) {
    s += offset < 0 ? '-' : '+';
    const std::int32_t a = offset < 0 ? -offset : offset;
    append_number(s, a / 3600, 2);
    if (a % 3600 != 0) {
        s += ':';
        append_number(s, a / 60 % 60, 2);
        if (a % 60 != 0) {
            s += ':';
            append_number(s, a % 60, 2);
        }
    }
}

std::string timestamp_text(std::int64_t us, bool with_zone) {
    const std::int64_t days = floor_div(us, usecs_per_day);
    const civil c = civil_from_days(days + postgres_epoch_days);
    std::string s;
    append_date(s, c);
    s += ' ';
    append_time(s, us - days * usecs_per_day);
    if (with_zone) {
        s += "+00";
    }
    if (c.year <= 0) {
        s += " BC";
    }
    return s;
}

// The last day std::chrono::year_month_day can hold, in days since 1970-01-01.
constexpr std::int64_t chrono_max_days =
    std::chrono::sys_days(std::chrono::year(32767) / std::chrono::December / 31).time_since_epoch().count();

}  // namespace

std::error_code date::from_ymd(std::chrono::year_month_day ymd, date& out) noexcept {
    if (!ymd.ok()) {
        return make_error_code(errc::value_out_of_range);
    }
    const std::int64_t d = std::chrono::sys_days(ymd).time_since_epoch().count() - postgres_epoch_days;
    if (d < min_days || d > max_days) {
        return make_error_code(errc::value_out_of_range);
    }
    out.days = static_cast<std::int32_t>(d);
    return {};
}

std::error_code date::to_ymd(std::chrono::year_month_day& out) const noexcept {
    const std::int64_t d = std::int64_t{days} + postgres_epoch_days;
    if (!is_finite() || d > chrono_max_days) {
        return make_error_code(errc::value_out_of_range);
    }
    out = std::chrono::year_month_day(std::chrono::sys_days(std::chrono::days(d)));
    return {};
}

std::string date::to_string() const {
    if (is_infinity()) {
        return "infinity";
    }
    if (is_minus_infinity()) {
        return "-infinity";
    }
    if (!is_finite()) {
        return "invalid";
    }
    const civil c = civil_from_days(std::int64_t{days} + postgres_epoch_days);
    std::string s;
    append_date(s, c);
    if (c.year <= 0) {
        s += " BC";
    }
    return s;
}

std::string time::to_string() const {
    if (!is_valid()) {
        return "invalid";
    }
    std::string s;
    append_time(s, microseconds);
    return s;
}

std::string timetz::to_string() const {
    if (!is_valid()) {
        return "invalid";
    }
    std::string s;
    append_time(s, time_of_day.microseconds);
    append_offset(s, utc_offset);
    return s;
}

std::string timestamp::to_string() const {
    if (is_infinity()) {
        return "infinity";
    }
    if (is_minus_infinity()) {
        return "-infinity";
    }
    if (!is_finite()) {
        return "invalid";
    }
    return timestamp_text(microseconds, false);
}

std::string timestamptz::to_string() const {
    if (is_infinity()) {
        return "infinity";
    }
    if (is_minus_infinity()) {
        return "-infinity";
    }
    if (!is_finite()) {
        return "invalid";
    }
    return timestamp_text(microseconds, true);
}

}  // namespace pgring
