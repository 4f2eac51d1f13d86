#pragma once

/// @file
/// Rendering values in PostgreSQL's own text output form (what `psql` prints), from their binary
/// form: `text_settings` holds the session settings that change the output, `render_text`
/// renders one value of any type.

#include <pgring/oid.hpp>
#include <pgring/type_info.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace pgring {

/// The session settings that change PostgreSQL's text output of values.
///
/// The defaults are the server's defaults. DateStyle, IntervalStyle and TimeZone are reported
/// by the server (ParameterStatus) whenever they change; extra_float_digits and bytea_output are
/// not, so a client that lets users change them asks for them again after a SET or RESET.
struct text_settings {
    std::string date_style = "ISO, MDY";      ///< DateStyle: output style, then field order
    std::string interval_style = "postgres";  ///< IntervalStyle
    std::string time_zone = "UTC";            ///< TimeZone: a zoneinfo name or a POSIX/offset zone
    int extra_float_digits = 1;               ///< extra_float_digits: >0 shortest exact, else %.*g
    std::string bytea_output = "hex";         ///< bytea_output: "hex" or "escape"

    /// Applies one setting by its name (case-insensitive: "DateStyle", "IntervalStyle",
    /// "TimeZone", "extra_float_digits", "bytea_output") as the server reports it. Returns false,
    /// changing nothing, for a name that does not affect text output or a value it cannot parse.
    bool apply(std::string_view name, std::string_view value);
};

/// The value format codes of the protocol.
inline constexpr std::int16_t text_format_code = 0;    ///< text format
inline constexpr std::int16_t binary_format_code = 1;  ///< binary format

/// Appends PostgreSQL's text output form of one non-NULL value to `out`.
///
/// `value` is in `format` (a value already in text format is appended unchanged). Built-in types
/// are rendered from pgring's own catalog; others (enums, composites, domains, arrays and ranges
/// of them, extension types) are looked up in `types`, which may be null.
///
/// Errors: `errc::type_mismatch` for a type that is neither built in nor in `types` (its OID is
/// in the message of the error); the codecs' errors for malformed bytes. On error `out` is left
/// as it was.
[[nodiscard]] std::error_code render_text(oid_t type, std::int16_t format, std::span<const std::byte> value,
                                          const text_settings& settings, const type_lookup* types,
                                          std::string& out);

}  // namespace pgring
