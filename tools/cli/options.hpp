#pragma once

/// @file
/// pgring's command line: psql's options that pgring supports, parsed into `cli_options`.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace pgring::cli {

/// How result tables are written.
enum class output_format { aligned, unaligned, csv, json };

/// One -c or -f argument, in command-line order.
struct script_source {
    bool is_file = false;  ///< -f (`-` is standard input) rather than -c
    std::string text;      ///< the SQL of -c, the file name of -f
};

/// Everything the command line says.
struct cli_options {
    std::optional<std::string> dbname;    ///< -d or the first argument: a dbname, conninfo or URI
    std::optional<std::string> host;      ///< -h
    std::optional<std::string> port;      ///< -p
    std::optional<std::string> username;  ///< -U or the second argument
    std::vector<script_source> scripts;   ///< -c and -f, in order
    output_format format = output_format::aligned;
    bool tuples_only = false;                          ///< -t
    std::optional<std::string> field_separator;        ///< -F (default "|"; "," for --csv)
    std::optional<std::string> record_separator;       ///< -R (default "\n")
    bool quiet = false;                                ///< -q
    bool on_error_stop = true;                         ///< -v ON_ERROR_STOP (on unless set to off)
    std::optional<std::chrono::milliseconds> timeout;  ///< --timeout per statement
    std::vector<std::string> listen_channels;          ///< --listen, in order (repeatable)
    bool help = false;                                 ///< --help
    bool version = false;                              ///< --version
};

/// Parses argv (psql's syntax: short options with attached or separate values, long options
/// with `=` or a separate value, up to two non-option arguments dbname and username). Returns
/// false with a message such as `invalid option -- 'Z'` for a command line it cannot use.
bool parse_options(int argc, const char* const* argv, cli_options& out, std::string& error);

/// The connection string for `options`: the -d value (a conninfo string or URI is expanded, a
/// plain name is the dbname) with -h, -p and -U added as keywords, as psql gives them to libpq.
/// Returns false with libpq's message when the -d value is not a valid connection string.
bool build_conninfo(const cli_options& options, std::string& conninfo, std::string& error);

/// The --help text.
const char* help_text() noexcept;

}  // namespace pgring::cli
