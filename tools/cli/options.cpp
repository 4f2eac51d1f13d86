#include "options.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <pgring/connect_options.hpp>
#include <string_view>

namespace pgring::cli {
namespace {

// One option of the table below: its short letter (0 for none), long name, and whether it takes
// a value.
struct option_spec {
    char short_name;
    const char* long_name;
    bool has_value;
};

constexpr option_spec option_table[] = {
    {'d', "dbname", true},
    {'h', "host", true},
    {'p', "port", true},
    {'U', "username", true},
    {'c', "command", true},
    {'f', "file", true},
    {'A', "no-align", false},
    {'t', "tuples-only", false},
    {'F', "field-separator", true},
    {'R', "record-separator", true},
    {'X', "no-psqlrc", false},
    {'q', "quiet", false},
    {'v', "set", true},
    {'v', "variable", true},
    {0, "csv", false},
    {0, "json", false},
    {0, "timeout", true},
    {0, "listen", true},
    {'?', "help", false},
    {'V', "version", false},
};

bool is_true(std::string_view v) {
    std::string lower;
    for (const char c : v) {
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return lower == "1" || lower == "on" || lower == "true" || lower == "yes" || lower == "t" || lower == "y";
}

bool is_false(std::string_view v) {
    std::string lower;
    for (const char c : v) {
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return lower == "0" || lower == "off" || lower == "false" || lower == "no" || lower == "f" ||
           lower == "n";
}

// psql's \set-style variable from -v NAME=VALUE: only ON_ERROR_STOP changes pgring's behaviour;
// other names are accepted and ignored.
bool apply_variable(std::string_view assignment, cli_options& out, std::string& error) {
    const std::size_t eq = assignment.find('=');
    const std::string_view name = assignment.substr(0, eq);
    if (name.empty()) {
        error = "invalid variable assignment: \"" + std::string(assignment) + "\"";
        return false;
    }
    if (name == "ON_ERROR_STOP") {
        const std::string_view value = eq == std::string_view::npos ? "on" : assignment.substr(eq + 1);
        if (is_true(value)) {
            out.on_error_stop = true;
        } else if (is_false(value)) {
            out.on_error_stop = false;
        } else {
            error =
                "unrecognized value \"" + std::string(value) + "\" for \"ON_ERROR_STOP\": Boolean expected";
            return false;
        }
    }
    return true;
}

bool parse_timeout(std::string_view text, cli_options& out, std::string& error) {
    const std::string s(text);
    char* end = nullptr;
    const double seconds = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(seconds) || seconds < 0 || seconds > 1e9) {
        error = "invalid --timeout value: \"" + s + "\" (seconds expected)";
        return false;
    }
    out.timeout = std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000)));
    return true;
}

bool apply_option(const option_spec& spec, const char* value, cli_options& out, std::string& error) {
    const std::string_view name = spec.long_name;
    switch (spec.short_name) {
        case 'd':
            out.dbname = value;
            return true;
        case 'h':
            out.host = value;
            return true;
        case 'p':
            out.port = value;
            return true;
        case 'U':
            out.username = value;
            return true;
        case 'c':
            out.scripts.push_back({false, value});
            return true;
        case 'f':
            out.scripts.push_back({true, value});
            return true;
        case 'A':
            out.format = output_format::unaligned;
            return true;
        case 't':
            out.tuples_only = true;
            return true;
        case 'F':
            out.field_separator = value;
            return true;
        case 'R':
            out.record_separator = value;
            return true;
        case 'X':
            return true;
        case 'q':
            out.quiet = true;
            return true;
        case 'v':
            return apply_variable(value, out, error);
        case '?':
            out.help = true;
            return true;
        case 'V':
            out.version = true;
            return true;
        default:
            break;
    }
    if (name == "csv") {
        out.format = output_format::csv;
    } else if (name == "json") {
        out.format = output_format::json;
    } else if (name == "timeout") {
        return parse_timeout(value, out, error);
    } else if (name == "listen") {
        const std::string_view channel = value;
        if (channel.empty()) {
            error = "--listen needs a channel name";
            return false;
        }
        out.listen_channels.emplace_back(channel);
    }
    return true;
}

std::string quote_conninfo_value(std::string_view v) {
    std::string out = "'";
    for (const char c : v) {
        if (c == '\'' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '\'';
    return out;
}

bool is_connection_string(std::string_view s) {
    return s.starts_with("postgresql://") || s.starts_with("postgres://") ||
           s.find('=') != std::string_view::npos;
}

}  // namespace

bool parse_options(int argc, const char* const* argv, cli_options& out, std::string& error) {
    int positional = 0;
    bool options_done = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (options_done || arg.size() < 2 || arg[0] != '-') {
            if (positional == 0 && !out.dbname) {
                out.dbname = std::string(arg);
            } else if (positional <= 1 && !out.username) {
                out.username = std::string(arg);
            } else {
                error = "extra command-line argument \"" + std::string(arg) + "\" ignored";
                return false;
            }
            ++positional;
            continue;
        }
        if (arg == "--") {
            options_done = true;
            continue;
        }
        if (arg.starts_with("--")) {
            const std::string_view body = arg.substr(2);
            const std::size_t eq = body.find('=');
            const std::string_view name = body.substr(0, eq);
            const option_spec* spec = nullptr;
            for (const option_spec& o : option_table) {
                if (name == o.long_name) {
                    spec = &o;
                    break;
                }
            }
            if (spec == nullptr) {
                error = "unrecognized option '" + std::string(arg) + "'";
                return false;
            }
            std::string value;
            if (spec->has_value) {
                if (eq != std::string_view::npos) {
                    value = std::string(body.substr(eq + 1));
                } else if (i + 1 < argc) {
                    value = argv[++i];
                } else {
                    error = "option '--" + std::string(name) + "' requires an argument";
                    return false;
                }
            } else if (eq != std::string_view::npos) {
                error = "option '--" + std::string(name) + "' doesn't allow an argument";
                return false;
            }
            if (!apply_option(*spec, value.c_str(), out, error)) {
                return false;
            }
            continue;
        }
        // A cluster of short options: -At, -tc SQL, -cSQL.
        for (std::size_t k = 1; k < arg.size(); ++k) {
            const option_spec* spec = nullptr;
            for (const option_spec& o : option_table) {
                if (o.short_name != 0 && o.short_name == arg[k]) {
                    spec = &o;
                    break;
                }
            }
            if (spec == nullptr) {
                error = std::string("invalid option -- '") + arg[k] + "'";
                return false;
            }
            std::string value;
            if (spec->has_value) {
                if (k + 1 < arg.size()) {
                    value = std::string(arg.substr(k + 1));
                } else if (i + 1 < argc) {
                    value = argv[++i];
                } else {
                    error = std::string("option requires an argument -- '") + arg[k] + "'";
                    return false;
                }
                k = arg.size();
            }
            if (!apply_option(*spec, value.c_str(), out, error)) {
                return false;
            }
        }
    }
    return true;
}

bool build_conninfo(const cli_options& options, std::string& conninfo, std::string& error) {
    // Later settings win, in psql's order: host, port, user, then the expanded dbname.
    conninfo_values values;
    if (options.host) {
        values.set("host", *options.host);
    }
    if (options.port) {
        values.set("port", *options.port);
    }
    if (options.username) {
        values.set("user", *options.username);
    }
    if (options.dbname) {
        if (is_connection_string(*options.dbname)) {
            if (parse_conninfo(*options.dbname, values, error)) {
                return false;
            }
        } else {
            values.set("dbname", *options.dbname);
        }
    }
    values.set_if_absent("fallback_application_name", "pgring");
    conninfo.clear();
    for (const auto& [key, value] : values.entries()) {
        if (!conninfo.empty()) {
            conninfo += ' ';
        }
        conninfo += key + "=" + quote_conninfo_value(value);
    }
    return true;
}

const char* help_text() noexcept {
    return R"(pgring is a psql-compatible PostgreSQL command-line client, built on the pgring library.

Usage:
  pgring [OPTION]... [DBNAME [USERNAME]]

General options:
  -c, --command=COMMAND    run SQL COMMAND (repeatable; run in order with -f)
  -f, --file=FILENAME      run the SQL in FILENAME (repeatable; "-" is standard input)
  -v, --set=, --variable=NAME=VALUE
                           set a psql variable; ON_ERROR_STOP=0 goes on after errors
                           (pgring stops at the first error by default)
  -X, --no-psqlrc          accepted (pgring reads no startup file)
  --timeout=SECONDS        cancel a statement that runs longer and exit with an error
  --listen=CHANNEL         LISTEN on CHANNEL (repeatable; the name is taken as written), run
                           the -c/-f scripts if any (not standard input), then print each
                           notification as psql does until Ctrl-C (exit 0) or the connection
                           is lost (exit 2)
  -V, --version            output version information, then exit
  -?, --help               show this help, then exit

Output format options:
  -A, --no-align           unaligned table output mode
  --csv                    CSV (Comma-Separated Values) table output mode
  --json                   one JSON object per row (numbers, booleans, null and json
                           values typed; everything else as its text); no command
                           tags are printed in this mode
  -F, --field-separator=STRING
                           field separator for unaligned output (default: "|")
  -R, --record-separator=STRING
                           record separator for unaligned output (default: newline)
  -t, --tuples-only        print rows only
  -q, --quiet              run quietly (no command tags)

Connection options:
  -d, --dbname=DBNAME      database name, connection string or URI
  -h, --host=HOSTNAME      database server host or socket directory
  -p, --port=PORT          database server port
  -U, --username=USERNAME  database user name
  PG* environment variables, the service file and ~/.pgpass are used as by libpq.

Each -c string and -f file may hold several statements separated by semicolons; each statement
runs on its own with the extended query protocol (psql sends one -c string as one simple query,
one implicit transaction). Backslash meta-commands are not supported.

Exit status: 0 on success, 1 for an SQL or client error, 2 when the connection fails.
)";
}

}  // namespace pgring::cli
