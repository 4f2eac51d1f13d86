#pragma once

/// @file
/// Writing result tables as psql does: aligned (psql's default), unaligned (-A), CSV (--csv), and
/// pgring's own JSON lines (--json).

#include <optional>
#include <pgring/oid.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "options.hpp"

namespace pgring::cli {

/// One result column: its name and type.
struct table_column {
    std::string name;
    oid_t type = 0;
};

/// One statement's result, every value already in its text form; nullopt is NULL.
struct result_table {
    std::vector<table_column> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
};

/// How to write tables.
struct print_options {
    output_format format = output_format::aligned;
    bool tuples_only = false;             ///< no header, no row-count footer
    std::string field_separator = "|";    ///< unaligned
    std::string record_separator = "\n";  ///< unaligned
};

/// Appends `table` to `out` in `options.format`, exactly as psql prints it (aligned: centered
/// header, `-+-` rule, numbers right-aligned, multi-line values with `+` markers, `(N rows)`
/// footer and a blank line; unaligned: separators, footer; CSV: psql's quoting). JSON: one
/// object per row, keys the column names.
void print_table(const result_table& table, const print_options& options, std::string& out);

/// True for the types psql right-aligns in aligned output (integers, floats, numeric, oid, xid,
/// xid8, cid, money).
bool is_right_aligned(oid_t type) noexcept;

/// The number of terminal columns `text` takes (UTF-8; wide characters count 2, combining marks
/// 0), after psql's escaping of control characters. `text` has no newline.
std::size_t display_width(std::string_view text);

/// One line of a value as psql shows it in aligned output: tabs expanded to the next multiple of
/// 8 columns, carriage return as `\r`, other control characters as `\xNN` (`\uNNNN` beyond
/// ASCII).
std::string escape_for_display(std::string_view line);

/// Appends `text` as a JSON string literal.
void append_json_string(std::string_view text, std::string& out);

}  // namespace pgring::cli
