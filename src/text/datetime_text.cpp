// date_out, time_out, timetz_out, timestamp_out, timestamptz_out and interval_out of
// PostgreSQL 15: EncodeDateOnly, EncodeTimeOnly, EncodeDateTime and EncodeInterval, with the
// same field widths, signs and trailing-zero trimming of the fractional seconds.

#include "text/datetime_text.hpp"

#include <pgring/detail/codec_support.hpp>

#include "text/time_zone.hpp"

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

namespace pgring::text {

namespace {

constexpr std::int64_t usecs_per_sec = 1000000;
constexpr std::int64_t usecs_per_minute = 60 * usecs_per_sec;
constexpr std::int64_t usecs_per_hour = 60 * usecs_per_minute;
constexpr std::int64_t usecs_per_day = 24 * usecs_per_hour;
constexpr std::size_t max_tz_abbreviation = 10;  // MAXTZLEN
constexpr std::string_view invalid_text = "invalid";  // as the to_string() of pgring/datetime.hpp

constexpr const char* month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* day_names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    const std::int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// A broken-down date and time (PostgreSQL's struct pg_tm); year 0 is 1 BC.
struct broken_down {
    std::int64_t year = 2000;
    int month = 1;
    int day = 1;
    int weekday = 6;  // 0 = Sunday
    int hour = 0;
    int minute = 0;
    int second = 0;
    int fraction = 0;  // microseconds
};

// Fills the date fields from days since 1970-01-01 (proleptic Gregorian).
void set_date(std::int64_t days, broken_down& tm) noexcept {
    tm.weekday = static_cast<int>(((days % 7) + 7 + 4) % 7);
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    tm.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    tm.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    tm.year = yoe + era * 400 + (tm.month <= 2 ? 1 : 0);
}

// Fills every field from microseconds since 1970-01-01 00:00:00.
void set_date_time(std::int64_t unix_days, std::int64_t usecs_of_day, broken_down& tm) noexcept {
    set_date(unix_days, tm);
    tm.hour = static_cast<int>(usecs_of_day / usecs_per_hour);
    usecs_of_day -= tm.hour * usecs_per_hour;
    tm.minute = static_cast<int>(usecs_of_day / usecs_per_minute);
    usecs_of_day -= tm.minute * usecs_per_minute;
    tm.second = static_cast<int>(usecs_of_day / usecs_per_sec);
    tm.fraction = static_cast<int>(usecs_of_day - tm.second * usecs_per_sec);
}

// Unsigned decimal, zero-padded to at least `width` digits (pg_ultostr_zeropad).
void append_padded(std::string& out, std::uint64_t value, int width) {
    char buf[24];
    int n = 0;
    do {
        buf[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    for (int i = n; i < width; ++i) {
        out += '0';
    }
    while (n > 0) {
        out += buf[--n];
    }
}

void append_signed(std::string& out, std::int64_t value) {
    if (value < 0) {
        out += '-';
        append_padded(out, 0 - static_cast<std::uint64_t>(value), 1);
    } else {
        append_padded(out, static_cast<std::uint64_t>(value), 1);
    }
}

std::uint64_t magnitude(std::int64_t value) noexcept {
    return value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
}

// AppendSeconds: |sec|, then a fraction of |fraction| microseconds without trailing zeros.
void append_seconds(std::string& out, int sec, int fraction, bool fill_zeros) {
    append_padded(out, magnitude(sec), fill_zeros ? 2 : 1);
    if (fraction == 0) {
        return;
    }
    char digits[6];
    std::uint64_t v = magnitude(fraction);
    for (int i = 5; i >= 0; --i) {
        digits[i] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
    int len = 6;
    while (len > 1 && digits[len - 1] == '0') {
        --len;
    }
    out += '.';
    out.append(digits, static_cast<std::size_t>(len));
}

// The year as printed: 1 BC is 0001 (with " BC" after).
std::uint64_t display_year(std::int64_t year) noexcept {
    return year > 0 ? static_cast<std::uint64_t>(year) : static_cast<std::uint64_t>(1 - year);
}

// EncodeTimezone: +hh, +hh:mm or +hh:mm:ss, from seconds east.
void append_numeric_zone(std::string& out, std::int32_t utc_offset) {
    out += utc_offset >= 0 ? '+' : '-';
    std::uint64_t sec = magnitude(utc_offset);
    std::uint64_t min = sec / 60;
    sec -= min * 60;
    const std::uint64_t hour = min / 60;
    min -= hour * 60;
    append_padded(out, hour, 2);
    if (sec != 0 || min != 0) {
        out += ':';
        append_padded(out, min, 2);
    }
    if (sec != 0) {
        out += ':';
        append_padded(out, sec, 2);
    }
}

void append_time_of_day(std::string& out, const broken_down& tm) {
    append_padded(out, static_cast<std::uint64_t>(tm.hour), 2);
    out += ':';
    append_padded(out, static_cast<std::uint64_t>(tm.minute), 2);
    out += ':';
    append_seconds(out, tm.second, tm.fraction, true);
}

date_style_setting date_style_of(const text_settings& settings) {
    date_style_setting ds;
    parse_date_style(settings.date_style, ds);
    return ds;
}

// The numeric day and month in the order of `ds`, separated by `sep` (SQL style).
void append_day_month(std::string& out, const broken_down& tm, date_order order, char sep) {
    const int first = order == date_order::dmy ? tm.day : tm.month;
    const int second = order == date_order::dmy ? tm.month : tm.day;
    append_padded(out, static_cast<std::uint64_t>(first), 2);
    out += sep;
    append_padded(out, static_cast<std::uint64_t>(second), 2);
}

// EncodeDateOnly.
void append_date_only(std::string& out, const broken_down& tm, date_style_setting ds) {
    switch (ds.style) {
    case date_style::iso:
        append_padded(out, display_year(tm.year), 4);
        out += '-';
        append_padded(out, static_cast<std::uint64_t>(tm.month), 2);
        out += '-';
        append_padded(out, static_cast<std::uint64_t>(tm.day), 2);
        break;
    case date_style::sql:
        append_day_month(out, tm, ds.order, '/');
        out += '/';
        append_padded(out, display_year(tm.year), 4);
        break;
    case date_style::german:
        append_day_month(out, tm, date_order::dmy, '.');
        out += '.';
        append_padded(out, display_year(tm.year), 4);
        break;
    case date_style::postgres:
        append_day_month(out, tm, ds.order, '-');
        out += '-';
        append_padded(out, display_year(tm.year), 4);
        break;
    }
    if (tm.year <= 0) {
        out += " BC";
    }
}

// EncodeDateTime; `zone` is null for a timestamp without time zone.
void append_date_time(std::string& out, const broken_down& tm, date_style_setting ds, const local_time_type* zone) {
    const auto append_named_zone = [&] {
        if (zone == nullptr) {
            return;
        }
        // timestamptz2tm always gives an abbreviation, possibly empty (a bare-offset TimeZone
        // such as '+05:30'): the server then prints the space and nothing after it.
        out += ' ';
        out += zone->abbreviation.substr(0, max_tz_abbreviation);
    };
    switch (ds.style) {
    case date_style::iso:
        append_padded(out, display_year(tm.year), 4);
        out += '-';
        append_padded(out, static_cast<std::uint64_t>(tm.month), 2);
        out += '-';
        append_padded(out, static_cast<std::uint64_t>(tm.day), 2);
        out += ' ';
        append_time_of_day(out, tm);
        if (zone != nullptr) {
            append_numeric_zone(out, zone->utc_offset);
        }
        break;
    case date_style::sql:
    case date_style::german:
        if (ds.style == date_style::sql) {
            append_day_month(out, tm, ds.order, '/');
            out += '/';
        } else {
            append_day_month(out, tm, date_order::dmy, '.');
            out += '.';
        }
        append_padded(out, display_year(tm.year), 4);
        out += ' ';
        append_time_of_day(out, tm);
        append_named_zone();
        break;
    case date_style::postgres:
        out += day_names[tm.weekday];
        out += ' ';
        if (ds.order == date_order::dmy) {
            append_padded(out, static_cast<std::uint64_t>(tm.day), 2);
            out += ' ';
            out += month_names[tm.month - 1];
        } else {
            out += month_names[tm.month - 1];
            out += ' ';
            append_padded(out, static_cast<std::uint64_t>(tm.day), 2);
        }
        out += ' ';
        append_time_of_day(out, tm);
        out += ' ';
        append_padded(out, display_year(tm.year), 4);
        append_named_zone();
        break;
    }
    if (tm.year <= 0) {
        out += " BC";
    }
}


// AddPostgresIntPart.
void add_postgres_part(std::string& out, std::int64_t value, std::string_view unit, bool& is_zero, bool& is_before) {
    if (value == 0) {
        return;
    }
    if (!is_zero) {
        out += ' ';
    }
    if (is_before && value > 0) {
        out += '+';
    }
    append_signed(out, value);
    out += ' ';
    out += unit;
    if (value != 1) {
        out += 's';
    }
    is_before = value < 0;
    is_zero = false;
}

// AddVerboseIntPart.
void add_verbose_part(std::string& out, std::int64_t value, std::string_view unit, bool& is_zero, bool& is_before) {
    if (value == 0) {
        return;
    }
    if (is_zero) {
        is_before = value < 0;
        value = value < 0 ? -value : value;
    } else if (is_before) {
        value = -value;
    }
    out += ' ';
    append_signed(out, value);
    out += ' ';
    out += unit;
    if (value != 1) {
        out += 's';
    }
    is_zero = false;
}

// AddISO8601IntPart.
void add_iso_part(std::string& out, std::int64_t value, char unit) {
    if (value == 0) {
        return;
    }
    append_signed(out, value);
    out += unit;
}

}  // namespace

bool parse_date_style(std::string_view value, date_style_setting& out) {
    date_style_setting result;
    bool have_style = false;
    bool have_order = false;
    std::size_t pos = 0;
    while (pos < value.size()) {
        while (pos < value.size() && (value[pos] == ',' || value[pos] == ' ' || value[pos] == '\t')) {
            ++pos;
        }
        std::size_t end = pos;
        while (end < value.size() && value[end] != ',' && value[end] != ' ' && value[end] != '\t') {
            ++end;
        }
        const std::string_view word = value.substr(pos, end - pos);
        pos = end;
        if (word.empty()) {
            continue;
        }
        const auto set_style = [&](date_style s) {
            if (have_style && result.style != s) {
                return false;
            }
            result.style = s;
            have_style = true;
            return true;
        };
        const auto set_order = [&](date_order o) {
            if (have_order && result.order != o) {
                return false;
            }
            result.order = o;
            have_order = true;
            return true;
        };
        bool ok = true;
        if (pgring::detail::ascii_iequals(word, "ISO")) {
            ok = set_style(date_style::iso);
        } else if (pgring::detail::ascii_iequals(word, "SQL")) {
            ok = set_style(date_style::sql);
        } else if (pgring::detail::ascii_iequals(word, "POSTGRES")) {
            ok = set_style(date_style::postgres);
        } else if (pgring::detail::ascii_iequals(word, "GERMAN")) {
            ok = set_style(date_style::german);
            if (ok && !have_order) {
                result.order = date_order::dmy;  // German implies DMY unless an order is given
            }
        } else if (pgring::detail::ascii_iequals(word, "YMD")) {
            ok = set_order(date_order::ymd);
        } else if (pgring::detail::ascii_iequals(word, "DMY") || pgring::detail::ascii_iequals(word, "EURO") || pgring::detail::ascii_iequals(word, "EUROPEAN")) {
            ok = set_order(date_order::dmy);
        } else if (pgring::detail::ascii_iequals(word, "MDY") || pgring::detail::ascii_iequals(word, "US") || pgring::detail::ascii_iequals(word, "NONEURO") ||
                   pgring::detail::ascii_iequals(word, "NONEUROPEAN")) {
            ok = set_order(date_order::mdy);
        } else if (pgring::detail::ascii_iequals(word, "DEFAULT")) {
            ok = set_style(date_style::iso) && set_order(date_order::mdy);
        } else {
            ok = false;
        }
        if (!ok) {
            return false;
        }
    }
    if (!have_style && !have_order) {
        return false;
    }
    out = result;
    return true;
}

bool parse_interval_style(std::string_view value, interval_style& out) {
    if (pgring::detail::ascii_iequals(value, "postgres")) {
        out = interval_style::postgres;
    } else if (pgring::detail::ascii_iequals(value, "postgres_verbose")) {
        out = interval_style::postgres_verbose;
    } else if (pgring::detail::ascii_iequals(value, "sql_standard")) {
        out = interval_style::sql_standard;
    } else if (pgring::detail::ascii_iequals(value, "iso_8601")) {
        out = interval_style::iso_8601;
    } else {
        return false;
    }
    return true;
}

void render_date(date value, const text_settings& settings, std::string& out) {
    if (!value.is_valid()) {
        out += invalid_text;
        return;
    }
    if (value.is_infinity()) {
        out += "infinity";
        return;
    }
    if (value.is_minus_infinity()) {
        out += "-infinity";
        return;
    }
    broken_down tm;
    set_date(std::int64_t{value.days} + postgres_epoch_days, tm);
    append_date_only(out, tm, date_style_of(settings));
}

void render_time(pgring::time value, std::string& out) {
    if (!value.is_valid()) {
        out += invalid_text;
        return;
    }
    broken_down tm;
    const std::int64_t us = value.microseconds;
    tm.hour = static_cast<int>(us / usecs_per_hour);
    tm.minute = static_cast<int>(us % usecs_per_hour / usecs_per_minute);
    tm.second = static_cast<int>(us % usecs_per_minute / usecs_per_sec);
    tm.fraction = static_cast<int>(us % usecs_per_sec);
    append_time_of_day(out, tm);
}

void render_timetz(timetz value, const text_settings& settings, std::string& out) {
    static_cast<void>(settings);  // timetz_out prints the same in every DateStyle
    if (!value.is_valid()) {
        out += invalid_text;
        return;
    }
    render_time(value.time_of_day, out);
    append_numeric_zone(out, value.utc_offset);
}

void render_timestamp(timestamp value, const text_settings& settings, std::string& out) {
    if (!value.is_valid()) {
        out += invalid_text;
        return;
    }
    if (value.is_infinity()) {
        out += "infinity";
        return;
    }
    if (value.is_minus_infinity()) {
        out += "-infinity";
        return;
    }
    const std::int64_t days = floor_div(value.microseconds, usecs_per_day);
    broken_down tm;
    set_date_time(days + postgres_epoch_days, value.microseconds - days * usecs_per_day, tm);
    append_date_time(out, tm, date_style_of(settings), nullptr);
}

void render_timestamptz(timestamptz value, const text_settings& settings, std::string& out) {
    if (!value.is_valid()) {
        out += invalid_text;
        return;
    }
    if (value.is_infinity()) {
        out += "infinity";
        return;
    }
    if (value.is_minus_infinity()) {
        out += "-infinity";
        return;
    }
    const std::int64_t seconds = floor_div(value.microseconds, usecs_per_sec);
    const std::int64_t fraction = value.microseconds - seconds * usecs_per_sec;
    const std::int64_t unix_seconds = seconds + std::int64_t{postgres_epoch_days} * 86400;
    // The zone of the previous call on this thread, to skip the shared cache's lock.
    thread_local std::string last_name;
    thread_local std::shared_ptr<const time_zone> last_zone;
    if (!last_zone || last_name != settings.time_zone) {
        last_zone = time_zone::find(settings.time_zone);
        last_name = settings.time_zone;
    }
    const std::shared_ptr<const time_zone> zone = last_zone;
    const local_time_type local = zone ? zone->lookup(unix_seconds) : local_time_type{0, false, "UTC"};
    const std::int64_t local_seconds = unix_seconds + local.utc_offset;
    const std::int64_t days = floor_div(local_seconds, 86400);
    broken_down tm;
    set_date_time(days, (local_seconds - days * 86400) * usecs_per_sec + fraction, tm);
    append_date_time(out, tm, date_style_of(settings), &local);
}

void render_interval(const interval& value, const text_settings& settings, std::string& out) {
    interval_style style = interval_style::postgres;
    parse_interval_style(settings.interval_style, style);

    // interval2itm: every field truncated toward zero, so each has the sign of its source.
    std::int64_t year = value.months / 12;
    std::int64_t mon = value.months % 12;
    std::int64_t mday = value.days;
    std::int64_t time = value.microseconds;
    std::int64_t hour = time / usecs_per_hour;
    time -= hour * usecs_per_hour;
    std::int64_t min = time / usecs_per_minute;
    time -= min * usecs_per_minute;
    std::int64_t sec = time / usecs_per_sec;
    std::int64_t fsec = time - sec * usecs_per_sec;
    bool is_zero = true;
    bool is_before = false;

    switch (style) {
    case interval_style::sql_standard: {
        const bool has_negative = year < 0 || mon < 0 || mday < 0 || hour < 0 || min < 0 || sec < 0 || fsec < 0;
        const bool has_positive = year > 0 || mon > 0 || mday > 0 || hour > 0 || min > 0 || sec > 0 || fsec > 0;
        const bool has_year_month = year != 0 || mon != 0;
        const bool has_day_time = mday != 0 || hour != 0 || min != 0 || sec != 0 || fsec != 0;
        const bool sql_standard_value = !(has_negative && has_positive) && !(has_year_month && has_day_time);
        if (has_negative && sql_standard_value) {
            out += '-';
            year = -year;
            mon = -mon;
            mday = -mday;
            hour = -hour;
            min = -min;
            sec = -sec;
            fsec = -fsec;
        }
        const auto append_hms = [&] {
            append_padded(out, magnitude(hour), 1);
            out += ':';
            append_padded(out, magnitude(min), 2);
            out += ':';
            append_seconds(out, static_cast<int>(sec), static_cast<int>(fsec), true);
        };
        if (!has_negative && !has_positive) {
            out += '0';
        } else if (!sql_standard_value) {
            out += (year < 0 || mon < 0) ? '-' : '+';
            append_padded(out, magnitude(year), 1);
            out += '-';
            append_padded(out, magnitude(mon), 1);
            out += ' ';
            out += mday < 0 ? '-' : '+';
            append_padded(out, magnitude(mday), 1);
            out += ' ';
            out += (hour < 0 || min < 0 || sec < 0 || fsec < 0) ? '-' : '+';
            append_hms();
        } else if (has_year_month) {
            append_signed(out, year);
            out += '-';
            append_signed(out, mon);
        } else if (mday != 0) {
            append_signed(out, mday);
            out += ' ';
            append_hms();
        } else {
            append_hms();
        }
        break;
    }
    case interval_style::iso_8601:
        if (year == 0 && mon == 0 && mday == 0 && hour == 0 && min == 0 && sec == 0 && fsec == 0) {
            out += "PT0S";
            break;
        }
        out += 'P';
        add_iso_part(out, year, 'Y');
        add_iso_part(out, mon, 'M');
        add_iso_part(out, mday, 'D');
        if (hour != 0 || min != 0 || sec != 0 || fsec != 0) {
            out += 'T';
        }
        add_iso_part(out, hour, 'H');
        add_iso_part(out, min, 'M');
        if (sec != 0 || fsec != 0) {
            if (sec < 0 || fsec < 0) {
                out += '-';
            }
            append_seconds(out, static_cast<int>(sec), static_cast<int>(fsec), false);
            out += 'S';
        }
        break;
    case interval_style::postgres:
        add_postgres_part(out, year, "year", is_zero, is_before);
        add_postgres_part(out, mon, "mon", is_zero, is_before);
        add_postgres_part(out, mday, "day", is_zero, is_before);
        if (is_zero || hour != 0 || min != 0 || sec != 0 || fsec != 0) {
            const bool minus = hour < 0 || min < 0 || sec < 0 || fsec < 0;
            if (!is_zero) {
                out += ' ';
            }
            if (minus) {
                out += '-';
            } else if (is_before) {
                out += '+';
            }
            append_padded(out, magnitude(hour), 2);
            out += ':';
            append_padded(out, magnitude(min), 2);
            out += ':';
            append_seconds(out, static_cast<int>(sec), static_cast<int>(fsec), true);
        }
        break;
    case interval_style::postgres_verbose:
        out += '@';
        add_verbose_part(out, year, "year", is_zero, is_before);
        add_verbose_part(out, mon, "mon", is_zero, is_before);
        add_verbose_part(out, mday, "day", is_zero, is_before);
        add_verbose_part(out, hour, "hour", is_zero, is_before);
        add_verbose_part(out, min, "min", is_zero, is_before);
        if (sec != 0 || fsec != 0) {
            out += ' ';
            if (sec < 0 || (sec == 0 && fsec < 0)) {
                if (is_zero) {
                    is_before = true;
                } else if (!is_before) {
                    out += '-';
                }
            } else if (is_before) {
                out += '-';
            }
            append_seconds(out, static_cast<int>(sec), static_cast<int>(fsec), false);
            out += " sec";
            if (magnitude(sec) != 1 || fsec != 0) {
                out += 's';
            }
            is_zero = false;
        }
        if (is_zero) {
            out += " 0";
        }
        if (is_before) {
            out += " ago";
        }
        break;
    }
}

}  // namespace pgring::text
