#pragma once

// Text output of the date/time types as PostgreSQL writes it (date_out, time_out, timetz_out,
// timestamp_out, timestamptz_out, interval_out), honouring DateStyle, IntervalStyle and
// TimeZone from text_settings. Inputs are the binary wire values (see pgring/datetime.hpp).

#include <pgring/datetime.hpp>
#include <pgring/text.hpp>

#include <string>
#include <string_view>

namespace pgring::text {

/// The output style of DateStyle.
enum class date_style { iso, sql, postgres, german };
/// The field order of DateStyle (it changes the SQL and Postgres styles; YMD prints as MDY).
enum class date_order { mdy, dmy, ymd };

/// A parsed DateStyle setting.
struct date_style_setting {
    date_style style = date_style::iso;  ///< output style
    date_order order = date_order::mdy;  ///< field order
};

/// Parses a DateStyle value as PostgreSQL does ("ISO, MDY", "SQL, DMY", "German", "Postgres,
/// European", case-insensitive, comma or space separated). False for an unknown or conflicting
/// keyword; `out` is then unchanged.
bool parse_date_style(std::string_view value, date_style_setting& out);

/// The IntervalStyle values.
enum class interval_style { postgres, postgres_verbose, sql_standard, iso_8601 };

/// Parses an IntervalStyle value (case-insensitive). False for an unknown one.
bool parse_interval_style(std::string_view value, interval_style& out);

/// Appends a date in the DateStyle of `settings`.
///
/// For all of these functions: a value that fails its `is_valid()` (which the codecs never
/// produce) appends `invalid`, as its `to_string()` does; an unparsable DateStyle or
/// IntervalStyle renders in the server default ("ISO, MDY", "postgres").
void render_date(date value, const text_settings& settings, std::string& out);
/// Appends a time of day (the same in every DateStyle).
void render_time(pgring::time value, std::string& out);
/// Appends a time with its UTC offset, in the DateStyle of `settings`.
void render_timetz(timetz value, const text_settings& settings, std::string& out);
/// Appends a timestamp without time zone in the DateStyle of `settings`.
void render_timestamp(timestamp value, const text_settings& settings, std::string& out);
/// Appends a timestamp with time zone, converted to the TimeZone of `settings`, in its DateStyle
/// (with the zone's abbreviation in the SQL, Postgres and German styles). A TimeZone that names
/// no zone (see time_zone::find) renders in UTC.
void render_timestamptz(timestamptz value, const text_settings& settings, std::string& out);
/// Appends an interval in the IntervalStyle of `settings`.
void render_interval(const interval& value, const text_settings& settings, std::string& out);

}  // namespace pgring::text
