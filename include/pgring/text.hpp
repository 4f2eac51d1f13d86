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

/// Appends PostgreSQL's text output form of one non-NULL value to `out`: exactly what the
/// type's output function prints (what `psql` shows) under `settings`.
///
/// `value` is in `format` (a value already in text format is appended unchanged). Built-in types
/// are rendered from pgring's own catalog: numbers (float4/float8 with extra_float_digits, money
/// as lc_monetary C prints it, `$1,234.56`), strings, "char", bytea (bytea_output), uuid, json,
/// jsonb, jsonpath, xml, the network, bit-string and geometric types, pg_lsn, tid, the date/time
/// types (DateStyle, IntervalStyle, TimeZone), arrays of any shape (array_out's quoting and
/// `[lb:ub]=` prefix), int2vector and oidvector, ranges, multiranges and records (each field's
/// type is in the binary value). Others are looked up in `types`, which may be null: a domain
/// renders as its base type, an enum as its label, a composite as a record, arrays, ranges and
/// multiranges of them as those of built-in types, and the extension type citext as text.
///
/// Errors: `errc::type_mismatch` for a type (of the value, an element or a field) that is
/// neither built in nor in `types`; `errc::not_supported` for a type whose binary form pgring
/// cannot render: the reg* types (regclass, regtype, ...: their text needs the catalog; fetch
/// them in text format), tsvector, tsquery, pg_snapshot, txid_snapshot, aclitem, the internal
/// types and extension types other than citext (hstore, ...); the codecs' errors
/// (`errc::malformed_message`) for malformed bytes, including nesting deeper than 32 levels;
/// `errc::invalid_state` for a format code other than 0 and 1. On error `out` is left as it was.
///
/// Thread: a pure function; any thread may call it.
[[nodiscard]] std::error_code render_text(oid_t type, std::int16_t format, std::span<const std::byte> value,
                                          const text_settings& settings, const type_lookup* types,
                                          std::string& out);

}  // namespace pgring
