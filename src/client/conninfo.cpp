// Connection strings, service files, environment and password files, following libpq's
// fe-connect.c (conninfo_parse, conninfo_uri_parse_options, parseServiceFile,
// conninfo_add_defaults, pqConnectOptions2, passwordFromFile) rule for rule, so that a string
// written for psql means the same to pgring. Everything above system_resolve_context() is
// sans-io.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <pgring/connect_options.hpp>
#include <pgring/error.hpp>
#include <string>
#include <utility>

namespace pgring {

namespace {

// libpq's PQconninfoOptions (PostgreSQL 17): every keyword and the environment variable that
// supplies it when neither the connection string nor the service file does.
struct keyword_info {
    std::string_view keyword;
    std::string_view envvar;
};

constexpr std::array<keyword_info, 41> keyword_table{{
    {"service", "PGSERVICE"},
    {"user", "PGUSER"},
    {"password", "PGPASSWORD"},
    {"passfile", "PGPASSFILE"},
    {"channel_binding", "PGCHANNELBINDING"},
    {"connect_timeout", "PGCONNECT_TIMEOUT"},
    {"dbname", "PGDATABASE"},
    {"host", "PGHOST"},
    {"hostaddr", "PGHOSTADDR"},
    {"port", "PGPORT"},
    {"client_encoding", "PGCLIENTENCODING"},
    {"options", "PGOPTIONS"},
    {"application_name", "PGAPPNAME"},
    {"fallback_application_name", ""},
    {"keepalives", ""},
    {"keepalives_idle", ""},
    {"keepalives_interval", ""},
    {"keepalives_count", ""},
    {"tcp_user_timeout", ""},
    {"sslmode", "PGSSLMODE"},
    {"sslnegotiation", "PGSSLNEGOTIATION"},
    {"sslcompression", "PGSSLCOMPRESSION"},
    {"sslcert", "PGSSLCERT"},
    {"sslkey", "PGSSLKEY"},
    {"sslcertmode", "PGSSLCERTMODE"},
    {"sslpassword", ""},
    {"sslrootcert", "PGSSLROOTCERT"},
    {"sslcrl", "PGSSLCRL"},
    {"sslcrldir", "PGSSLCRLDIR"},
    {"sslsni", "PGSSLSNI"},
    {"requirepeer", "PGREQUIREPEER"},
    {"require_auth", "PGREQUIREAUTH"},
    {"ssl_min_protocol_version", "PGSSLMINPROTOCOLVERSION"},
    {"ssl_max_protocol_version", "PGSSLMAXPROTOCOLVERSION"},
    {"gssencmode", "PGGSSENCMODE"},
    {"krbsrvname", "PGKRBSRVNAME"},
    {"gsslib", "PGGSSLIB"},
    {"gssdelegation", "PGGSSDELEGATION"},
    {"replication", ""},
    {"target_session_attrs", "PGTARGETSESSIONATTRS"},
    {"load_balance_hosts", "PGLOADBALANCEHOSTS"},
}};

constexpr std::string_view uri_designator = "postgresql://";
constexpr std::string_view short_uri_designator = "postgres://";
constexpr std::string_view default_host_name = "localhost";
constexpr std::string_view default_port_text = "5432";

// isspace() in the C locale, which is what libpq's parsers see.
constexpr bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::error_code fail(std::string& error_message, std::string text) {
    error_message = std::move(text);
    return errc::invalid_conninfo;
}

std::string quote(std::string_view s) {
    std::string q;
    q.reserve(s.size() + 2);
    q += '"';
    q += s;
    q += '"';
    return q;
}

// "invalid <keyword> value: "<value>"", libpq's message for an enumerated value it does not know.
std::error_code fail_value(std::string& error_message, std::string_view keyword, std::string_view value) {
    return fail(error_message, "invalid " + std::string(keyword) + " value: " + quote(value));
}

// Stores one setting as conninfo_storeval() does: requiressl becomes sslmode, unknown keywords
// are errors.
std::error_code store(conninfo_values& out, std::string_view keyword, std::string_view value,
                      std::string& error_message) {
    if (keyword == "requiressl") {
        keyword = "sslmode";
        value = (!value.empty() && value.front() == '1') ? "require" : "prefer";
    }
    if (!is_conninfo_keyword(keyword)) {
        return fail(error_message, "invalid connection option " + quote(keyword));
    }
    out.set(keyword, value);
    return {};
}

// -- keyword/value form -------------------------------------------------------------------------

std::error_code parse_keyword_value(std::string_view text, conninfo_values& out, std::string& error_message) {
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        if (is_space(text[i])) {
            ++i;
            continue;
        }
        // The keyword ends at '=' or whitespace; whitespace may separate it from the '='.
        const std::size_t keyword_start = i;
        while (i < n && text[i] != '=' && !is_space(text[i])) {
            ++i;
        }
        const std::string_view keyword = text.substr(keyword_start, i - keyword_start);
        while (i < n && is_space(text[i])) {
            ++i;
        }
        if (i == n || text[i] != '=') {
            return fail(error_message,
                        "missing \"=\" after " + quote(keyword) + " in connection info string");
        }
        ++i;
        while (i < n && is_space(text[i])) {
            ++i;
        }

        // A backslash makes the next character literal in both forms of value; a backslash at
        // the very end is dropped (unquoted) or leaves the quote unterminated (quoted).
        std::string value;
        if (i < n && text[i] == '\'') {
            ++i;
            for (;;) {
                if (i == n) {
                    return fail(error_message, "unterminated quoted string in connection info string");
                }
                const char c = text[i];
                if (c == '\\') {
                    ++i;
                    if (i < n) {
                        value += text[i++];
                    }
                    continue;
                }
                ++i;
                if (c == '\'') {
                    break;
                }
                value += c;
            }
        } else {
            while (i < n) {
                const char c = text[i];
                if (is_space(c)) {
                    ++i;
                    break;
                }
                ++i;
                if (c == '\\') {
                    if (i < n) {
                        value += text[i++];
                    }
                } else {
                    value += c;
                }
            }
        }
        if (auto ec = store(out, keyword, value, error_message)) {
            return ec;
        }
    }
    return {};
}

// -- URI form -----------------------------------------------------------------------------------

bool hex_digit(char c, int& v) noexcept {
    if (c >= '0' && c <= '9') {
        v = c - '0';
    } else if (c >= 'A' && c <= 'F') {
        v = c - 'A' + 10;
    } else if (c >= 'a' && c <= 'f') {
        v = c - 'a' + 10;
    } else {
        return false;
    }
    return true;
}

// conninfo_uri_decode(): %XY -> byte; '+' stays '+'; %00 is refused (values are C strings).
std::error_code uri_decode(std::string_view in, std::string& out, std::string& error_message) {
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size();) {
        if (in[i] != '%') {
            out += in[i++];
            continue;
        }
        int hi = 0;
        int lo = 0;
        if (i + 1 >= in.size() || !hex_digit(in[i + 1], hi) || i + 2 >= in.size() ||
            !hex_digit(in[i + 2], lo)) {
            return fail(error_message, "invalid percent-encoded token: " + quote(in));
        }
        const int c = (hi << 4) | lo;
        if (c == 0) {
            return fail(error_message, "forbidden value %00 in percent-encoded value: " + quote(in));
        }
        out += static_cast<char>(c);
        i += 3;
    }
    return {};
}

std::error_code store_decoded(conninfo_values& out, std::string_view keyword, std::string_view raw,
                              std::string& error_message) {
    std::string value;
    if (auto ec = uri_decode(raw, value, error_message)) {
        return ec;
    }
    return store(out, keyword, value, error_message);
}

// conninfo_uri_parse_params(): name=value pairs separated by '&', both percent-decoded.
std::error_code parse_uri_params(std::string_view params, conninfo_values& out, std::string& error_message) {
    while (!params.empty()) {
        std::size_t i = 0;
        std::size_t eq = std::string_view::npos;
        for (;;) {
            if (i < params.size() && params[i] == '=') {
                if (eq != std::string_view::npos) {
                    return fail(error_message, "extra key/value separator \"=\" in URI query parameter: " +
                                                   quote(params.substr(0, eq)));
                }
                eq = i++;
            } else if (i == params.size() || params[i] == '&') {
                if (eq == std::string_view::npos) {
                    return fail(error_message, "missing key/value separator \"=\" in URI query parameter: " +
                                                   quote(params.substr(0, i)));
                }
                break;
            } else {
                ++i;
            }
        }
        std::string keyword;
        std::string value;
        if (auto ec = uri_decode(params.substr(0, eq), keyword, error_message)) {
            return ec;
        }
        if (auto ec = uri_decode(params.substr(eq + 1, i - eq - 1), value, error_message)) {
            return ec;
        }
        // JDBC compatibility, as libpq.
        if (keyword == "ssl" && value == "true") {
            keyword = "sslmode";
            value = "require";
        }
        if (keyword != "requiressl" && !is_conninfo_keyword(keyword)) {
            return fail(error_message, "invalid URI query parameter: " + quote(keyword));
        }
        if (auto ec = store(out, keyword, value, error_message)) {
            return ec;
        }
        params = i < params.size() ? params.substr(i + 1) : std::string_view{};
    }
    return {};
}

// conninfo_uri_parse_options(), on indices instead of a cut-up copy:
//
//   postgresql://[user[:password]@][netloc][:port][,...][/dbname][?param1=value1&...]
//                ^start                                                            ^n
//
// The user part exists when an '@' comes before the first '/'. Hosts and ports are collected
// raw, joined with commas, and percent-decoded as a whole, like libpq.
std::error_code parse_uri(std::string_view uri, std::size_t prefix_length, conninfo_values& out,
                          std::string& error_message) {
    const std::size_t n = uri.size();
    const std::size_t start = prefix_length;
    std::size_t p = start;

    std::size_t at = start;
    while (at < n && uri[at] != '@' && uri[at] != '/') {
        ++at;
    }
    if (at < n && uri[at] == '@') {
        std::size_t user_end = start;
        while (uri[user_end] != ':' && uri[user_end] != '@') {
            ++user_end;
        }
        const std::string_view user = uri.substr(start, user_end - start);
        if (!user.empty()) {
            if (auto ec = store_decoded(out, "user", user, error_message)) {
                return ec;
            }
        }
        if (uri[user_end] == ':') {
            const std::string_view password = uri.substr(user_end + 1, at - user_end - 1);
            if (!password.empty()) {
                if (auto ec = store_decoded(out, "password", password, error_message)) {
                    return ec;
                }
            }
        }
        p = at + 1;
    }

    std::string hosts;
    std::string ports;
    char terminator = '\0';
    auto char_at = [&](std::size_t i) { return i < n ? uri[i] : '\0'; };
    for (;;) {
        std::size_t host_start = p;
        std::size_t host_end = p;
        if (char_at(p) == '[') {
            host_start = ++p;
            while (p < n && uri[p] != ']') {
                ++p;
            }
            if (p == n) {
                return fail(
                    error_message,
                    "end of string reached when looking for matching \"]\" in IPv6 host address in URI: " +
                        quote(uri));
            }
            if (p == host_start) {
                return fail(error_message, "IPv6 host address may not be empty in URI: " + quote(uri));
            }
            host_end = p++;
            const char c = char_at(p);
            if (c != '\0' && c != ':' && c != '/' && c != '?' && c != ',') {
                return fail(error_message, "unexpected character \"" + std::string(1, c) + "\" at position " +
                                               std::to_string(p + 1) +
                                               " in URI (expected \":\" or \"/\"): " + quote(uri));
            }
        } else {
            while (p < n && uri[p] != ':' && uri[p] != '/' && uri[p] != '?' && uri[p] != ',') {
                ++p;
            }
            host_end = p;
        }
        terminator = char_at(p);
        hosts += uri.substr(host_start, host_end - host_start);
        if (terminator == ':') {
            const std::size_t port_start = ++p;
            while (p < n && uri[p] != '/' && uri[p] != '?' && uri[p] != ',') {
                ++p;
            }
            terminator = char_at(p);
            ports += uri.substr(port_start, p - port_start);
        }
        if (terminator != ',') {
            break;
        }
        ++p;
        hosts += ',';
        ports += ',';
    }
    if (!hosts.empty()) {
        if (auto ec = store_decoded(out, "host", hosts, error_message)) {
            return ec;
        }
    }
    if (!ports.empty()) {
        if (auto ec = store_decoded(out, "port", ports, error_message)) {
            return ec;
        }
    }

    if (terminator != '\0' && terminator != '?') {
        const std::size_t dbname_start = ++p;
        while (p < n && uri[p] != '?') {
            ++p;
        }
        terminator = char_at(p);
        // An empty dbname is not stored, so that PGDATABASE still applies (as libpq).
        const std::string_view dbname = uri.substr(dbname_start, p - dbname_start);
        if (!dbname.empty()) {
            if (auto ec = store_decoded(out, "dbname", dbname, error_message)) {
                return ec;
            }
        }
    }
    if (terminator != '\0') {
        return parse_uri_params(uri.substr(p + 1), out, error_message);
    }
    return {};
}

std::size_t uri_prefix_length(std::string_view text) noexcept {
    if (text.substr(0, uri_designator.size()) == uri_designator) {
        return uri_designator.size();
    }
    if (text.substr(0, short_uri_designator.size()) == short_uri_designator) {
        return short_uri_designator.size();
    }
    return 0;
}

// -- validation ---------------------------------------------------------------------------------

std::vector<std::string_view> split_commas(std::string_view s) {
    std::vector<std::string_view> parts;
    for (;;) {
        const std::size_t comma = s.find(',');
        parts.push_back(s.substr(0, comma));
        if (comma == std::string_view::npos) {
            return parts;
        }
        s.remove_prefix(comma + 1);
    }
}

// strtol(value, &end, 10) with libpq's pqParseIntParam() checks: leading whitespace and a sign
// allowed, at least one digit, the result fits an int, only whitespace after it.
bool parse_int(std::string_view s, int& result) noexcept {
    std::size_t i = 0;
    while (i < s.size() && is_space(s[i])) {
        ++i;
    }
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        negative = s[i] == '-';
        ++i;
    }
    const std::size_t digits_start = i;
    long long v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        v = v * 10 + (s[i] - '0');
        if (v > static_cast<long long>(INT_MAX) + 1) {
            return false;
        }
        ++i;
    }
    if (i == digits_start) {
        return false;
    }
    while (i < s.size() && is_space(s[i])) {
        ++i;
    }
    if (i != s.size()) {
        return false;
    }
    v = negative ? -v : v;
    if (v > INT_MAX || v < INT_MIN) {
        return false;
    }
    result = static_cast<int>(v);
    return true;
}

std::error_code parse_int_option(const conninfo_values& values, std::string_view keyword,
                                 std::optional<int>& result, std::string& error_message) {
    const std::string* text = values.find(keyword);
    if (text == nullptr) {
        return {};
    }
    int v = 0;
    if (!parse_int(*text, v)) {
        return fail(error_message,
                    "invalid integer value " + quote(*text) + " for connection option " + quote(keyword));
    }
    result = v;
    return {};
}

template <class E, std::size_t N>
std::error_code parse_enum(const conninfo_values& values, std::string_view keyword,
                           const std::array<std::pair<std::string_view, E>, N>& names, E& result,
                           std::string& error_message) {
    const std::string* text = values.find(keyword);
    if (text == nullptr) {
        return {};
    }
    for (const auto& [name, value] : names) {
        if (*text == name) {
            result = value;
            return {};
        }
    }
    return fail_value(error_message, keyword, *text);
}

constexpr std::array<std::pair<std::string_view, ssl_mode>, 6> ssl_mode_names{{
    {"disable", ssl_mode::disable},
    {"allow", ssl_mode::allow},
    {"prefer", ssl_mode::prefer},
    {"require", ssl_mode::require},
    {"verify-ca", ssl_mode::verify_ca},
    {"verify-full", ssl_mode::verify_full},
}};
constexpr std::array<std::pair<std::string_view, ssl_negotiation>, 2> ssl_negotiation_names{{
    {"postgres", ssl_negotiation::postgres},
    {"direct", ssl_negotiation::direct},
}};
constexpr std::array<std::pair<std::string_view, ssl_cert_mode>, 3> ssl_cert_mode_names{{
    {"disable", ssl_cert_mode::disable},
    {"allow", ssl_cert_mode::allow},
    {"require", ssl_cert_mode::require},
}};
constexpr std::array<std::pair<std::string_view, tls_version>, 5> tls_version_names{{
    {"", tls_version::any},
    {"TLSv1", tls_version::tls1_0},
    {"TLSv1.1", tls_version::tls1_1},
    {"TLSv1.2", tls_version::tls1_2},
    {"TLSv1.3", tls_version::tls1_3},
}};
constexpr std::array<std::pair<std::string_view, channel_binding_mode>, 3> channel_binding_names{{
    {"disable", channel_binding_mode::disable},
    {"prefer", channel_binding_mode::prefer},
    {"require", channel_binding_mode::require},
}};
constexpr std::array<std::pair<std::string_view, gss_enc_mode>, 2> gss_enc_mode_names{{
    {"disable", gss_enc_mode::disable},
    {"prefer", gss_enc_mode::prefer},
}};
constexpr std::array<std::pair<std::string_view, target_server_type>, 6> target_server_type_names{{
    {"any", target_server_type::any},
    {"read-write", target_server_type::read_write},
    {"read-only", target_server_type::read_only},
    {"primary", target_server_type::primary},
    {"standby", target_server_type::standby},
    {"prefer-standby", target_server_type::prefer_standby},
}};
constexpr std::array<std::pair<std::string_view, load_balance_mode>, 2> load_balance_mode_names{{
    {"disable", load_balance_mode::disable},
    {"random", load_balance_mode::random},
}};
constexpr std::array<std::pair<std::string_view, auth_method>, 6> auth_method_names{{
    {"password", auth_method::password},
    {"md5", auth_method::md5},
    {"gss", auth_method::gss},
    {"sspi", auth_method::sspi},
    {"scram-sha-256", auth_method::scram_sha_256},
    {"none", auth_method::none},
}};

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<std::string_view, E>, N>& names, E v) noexcept {
    for (const auto& [name, value] : names) {
        if (value == v) {
            return name;
        }
    }
    return {};
}

bool equals_ignore_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        x = (x >= 'A' && x <= 'Z') ? static_cast<char>(x - 'A' + 'a') : x;
        y = (y >= 'A' && y <= 'Z') ? static_cast<char>(y - 'A' + 'a') : y;
        if (x != y) {
            return false;
        }
    }
    return true;
}

// ssl_{min,max}_protocol_version are compared without regard to case (sslVerifyProtocolVersion).
std::error_code parse_tls_version(const conninfo_values& values, std::string_view keyword,
                                  tls_version& result, std::string& error_message) {
    const std::string* text = values.find(keyword);
    if (text == nullptr) {
        return {};
    }
    for (const auto& [name, value] : tls_version_names) {
        if (equals_ignore_case(*text, name)) {
            result = value;
            return {};
        }
    }
    return fail_value(error_message, keyword, *text);
}

// require_auth: a comma-separated list of methods, all plain or all negated with '!'; a method
// named twice is an error (it is likely a typo in a setting where typos are dangerous).
std::error_code parse_require_auth(std::string_view text, require_auth_policy& policy,
                                   std::string& error_message) {
    policy = require_auth_policy{};
    if (text.empty()) {
        return {};
    }
    bool first = true;
    for (const std::string_view part : split_commas(text)) {
        std::string_view method = part;
        if (!method.empty() && method.front() == '!') {
            if (!first && !policy.negated) {
                return fail(error_message, "negative require_auth method " + quote(method) +
                                               " cannot be mixed with non-negative methods");
            }
            policy.negated = true;
            method.remove_prefix(1);
        } else if (policy.negated) {
            return fail(error_message,
                        "require_auth method " + quote(method) + " cannot be mixed with negative methods");
        }
        first = false;
        const auto it = std::find_if(auth_method_names.begin(), auth_method_names.end(),
                                     [&](const auto& entry) { return entry.first == method; });
        if (it == auth_method_names.end()) {
            return fail_value(error_message, "require_auth", method);
        }
        // libpq's bitmasks make gss and sspi overlap (both allow GSS continuation messages),
        // but each name still counts once; only an exact repeat is a duplicate.
        if (std::find(policy.methods.begin(), policy.methods.end(), it->second) != policy.methods.end()) {
            return fail(error_message, "require_auth method " + quote(part) + " is specified more than once");
        }
        policy.methods.push_back(it->second);
    }
    return {};
}

// client_encoding: pgring always speaks UTF8, so only names the server resolves to UTF8 (it
// ignores case and punctuation, and knows "unicode" as an alias) are accepted, plus "auto".
bool is_utf8_name(std::string_view name) noexcept {
    std::string clean;
    for (char c : name) {
        if (c >= 'A' && c <= 'Z') {
            clean += static_cast<char>(c - 'A' + 'a');
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            clean += c;
        }
    }
    return clean == "utf8" || clean == "unicode";
}

// A hostaddr must be numeric: what getaddrinfo(AI_NUMERICHOST) accepts, which includes the
// inet_aton() forms of IPv4 ("127.1") and an IPv6 zone ("fe80::1%eth0").
bool is_numeric_address(const std::string& text) noexcept {
    if (text.empty()) {
        return false;
    }
    for (char c : text) {
        if (is_space(c)) {
            return false;
        }
    }
    in_addr v4{};
    if (inet_aton(text.c_str(), &v4) != 0) {
        return true;
    }
    const std::size_t zone = text.find('%');
    if (zone != std::string::npos && zone + 1 == text.size()) {
        return false;
    }
    const std::string address = text.substr(0, zone);
    in6_addr v6{};
    return inet_pton(AF_INET6, address.c_str(), &v6) == 1;
}

bool is_unix_socket_path(std::string_view host) noexcept {
    return !host.empty() && (host.front() == '/' || host.front() == '@');
}

std::string join_path(std::string_view dir, std::string_view file) {
    std::string path(dir);
    path += '/';
    path += file;
    return path;
}

std::optional<std::string> get_env(const environment& env, std::string_view name) {
    if (!env) {
        return std::nullopt;
    }
    return env(name);
}

std::optional<std::string> read_config(const resolve_context& context, const std::string& path,
                                       config_file kind) {
    if (!context.read_file) {
        return std::nullopt;
    }
    return context.read_file(path, kind);
}

// pwdfMatchesString(): one ':'-terminated field of a password-file line against `token`;
// returns the rest of the line after the field, or nullopt. "*:" matches anything; a
// backslash escapes the next character.
std::optional<std::string_view> match_pgpass_field(std::string_view line, std::string_view token) noexcept {
    if (line.size() >= 2 && line[0] == '*' && line[1] == ':') {
        return line.substr(2);
    }
    std::size_t i = 0;
    std::size_t t = 0;
    while (i < line.size()) {
        bool escaped = false;
        if (line[i] == '\\') {
            ++i;
            escaped = true;
        }
        if (i == line.size()) {
            return std::nullopt;
        }
        if (line[i] == ':' && t == token.size() && !escaped) {
            return line.substr(i + 1);
        }
        if (t == token.size() || line[i] != token[t]) {
            return std::nullopt;
        }
        ++i;
        ++t;
    }
    return std::nullopt;
}

}  // namespace

// -- public API ---------------------------------------------------------------------------------

bool require_auth_policy::allows(auth_method m) const noexcept {
    if (methods.empty()) {
        return true;
    }
    const bool listed = std::find(methods.begin(), methods.end(), m) != methods.end();
    return negated ? !listed : listed;
}

std::string_view to_string(ssl_mode v) noexcept {
    return name_of(ssl_mode_names, v);
}
std::string_view to_string(ssl_negotiation v) noexcept {
    return name_of(ssl_negotiation_names, v);
}
std::string_view to_string(ssl_cert_mode v) noexcept {
    return name_of(ssl_cert_mode_names, v);
}
std::string_view to_string(tls_version v) noexcept {
    return name_of(tls_version_names, v);
}
std::string_view to_string(channel_binding_mode v) noexcept {
    return name_of(channel_binding_names, v);
}
std::string_view to_string(gss_enc_mode v) noexcept {
    return name_of(gss_enc_mode_names, v);
}
std::string_view to_string(target_server_type v) noexcept {
    return name_of(target_server_type_names, v);
}
std::string_view to_string(load_balance_mode v) noexcept {
    return name_of(load_balance_mode_names, v);
}
std::string_view to_string(auth_method v) noexcept {
    return name_of(auth_method_names, v);
}

bool is_conninfo_keyword(std::string_view keyword) noexcept {
    return std::any_of(keyword_table.begin(), keyword_table.end(),
                       [&](const keyword_info& k) { return k.keyword == keyword; });
}

const std::string* conninfo_values::find(std::string_view keyword) const noexcept {
    for (const auto& [k, v] : entries_) {
        if (k == keyword) {
            return &v;
        }
    }
    return nullptr;
}

void conninfo_values::set(std::string_view keyword, std::string_view value) {
    for (auto& [k, v] : entries_) {
        if (k == keyword) {
            v.assign(value);
            return;
        }
    }
    entries_.emplace_back(std::string(keyword), std::string(value));
}

bool conninfo_values::set_if_absent(std::string_view keyword, std::string_view value) {
    if (find(keyword) != nullptr) {
        return false;
    }
    entries_.emplace_back(std::string(keyword), std::string(value));
    return true;
}

bool conninfo_values::erase(std::string_view keyword) {
    const auto it = std::find_if(entries_.begin(), entries_.end(),
                                 [&](const auto& entry) { return entry.first == keyword; });
    if (it == entries_.end()) {
        return false;
    }
    entries_.erase(it);
    return true;
}

std::error_code parse_conninfo(std::string_view text, conninfo_values& out, std::string& error_message) {
    // libpq sees a C string; a NUL inside would silently cut the string short there.
    if (text.find('\0') != std::string_view::npos) {
        return fail(error_message, "connection string contains a NUL byte");
    }
    if (const std::size_t prefix = uri_prefix_length(text); prefix != 0) {
        return parse_uri(text, prefix, out, error_message);
    }
    return parse_keyword_value(text, out, error_message);
}

std::error_code parse_conninfo(std::string_view text, connect_options& out, std::string& error_message) {
    conninfo_values values;
    if (auto ec = parse_conninfo(text, values, error_message)) {
        return ec;
    }
    return build_connect_options(values, {}, out, error_message);
}

std::error_code parse_service_file(std::string_view contents, std::string_view service,
                                   std::string_view file_name, conninfo_values& values, bool& found,
                                   std::string& error_message) {
    found = false;
    int line_number = 0;
    auto syntax_error = [&](std::string_view what) {
        return fail(error_message, std::string(what) + " in service file " + quote(file_name) + ", line " +
                                       std::to_string(line_number));
    };
    while (!contents.empty()) {
        const std::size_t eol = contents.find('\n');
        std::string_view line = contents.substr(0, eol);
        contents = eol == std::string_view::npos ? std::string_view{} : contents.substr(eol + 1);
        ++line_number;

        while (!line.empty() && is_space(line.back())) {
            line.remove_suffix(1);
        }
        while (!line.empty() && is_space(line.front())) {
            line.remove_prefix(1);
        }
        if (line.empty() || line.front() == '#') {
            continue;
        }
        if (line.front() == '[') {
            if (found) {
                return {};  // the end of the wanted section
            }
            // As libpq: "[name]" followed by anything still names the section.
            found = line.size() >= service.size() + 2 && line.substr(1, service.size()) == service &&
                    line[service.size() + 1] == ']';
            continue;
        }
        if (!found) {
            continue;
        }
        if (line.substr(0, 4) == "ldap") {
            return syntax_error("LDAP service lookups are not supported");
        }
        const std::size_t eq = line.find('=');
        if (eq == std::string_view::npos) {
            return syntax_error("syntax error");
        }
        const std::string_view key = line.substr(0, eq);
        if (key == "service") {
            return syntax_error("nested service specifications not supported");
        }
        if (!is_conninfo_keyword(key)) {
            return syntax_error("syntax error");
        }
        values.set_if_absent(key, line.substr(eq + 1));
    }
    return {};
}

void apply_environment(conninfo_values& values, const environment& env) {
    if (!env) {
        return;
    }
    for (const keyword_info& k : keyword_table) {
        if (k.envvar.empty() || values.find(k.keyword) != nullptr) {
            continue;
        }
        if (auto v = env(k.envvar)) {
            values.set(k.keyword, *v);
        }
    }
    if (values.find("sslmode") == nullptr) {
        if (auto v = env("PGREQUIRESSL"); v && !v->empty() && v->front() == '1') {
            values.set("sslmode", "require");
        }
    }
}

std::vector<std::pair<std::string, std::string>> environment_server_parameters(const environment& env) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 3> variables{{
        {"PGDATESTYLE", "datestyle"},
        {"PGTZ", "timezone"},
        {"PGGEQO", "geqo"},
    }};
    std::vector<std::pair<std::string, std::string>> parameters;
    for (const auto& [variable, parameter] : variables) {
        if (auto v = get_env(env, variable); v && !equals_ignore_case(*v, "default")) {
            parameters.emplace_back(std::string(parameter), std::move(*v));
        }
    }
    return parameters;
}

std::error_code build_connect_options(const conninfo_values& values, std::string_view os_user,
                                      connect_options& out, std::string& error_message) {
    out = connect_options{};
    for (const auto& [keyword, value] : values.entries()) {
        if (!is_conninfo_keyword(keyword)) {
            return fail(error_message, "invalid connection option " + quote(keyword));
        }
    }
    auto text_of = [&](std::string_view keyword) -> std::string_view {
        const std::string* v = values.find(keyword);
        return v != nullptr ? std::string_view(*v) : std::string_view{};
    };

    // Hosts: the hostaddr list, if given, fixes their number; the host list must match it.
    const std::string_view host_text = text_of("host");
    const std::string_view hostaddr_text = text_of("hostaddr");
    const std::string_view port_text = text_of("port");
    std::vector<std::string_view> addrs;
    std::vector<std::string_view> names;
    if (!hostaddr_text.empty()) {
        addrs = split_commas(hostaddr_text);
    }
    if (!host_text.empty()) {
        names = split_commas(host_text);
    }
    const std::size_t count = !addrs.empty() ? addrs.size() : (!names.empty() ? names.size() : 1);
    if (!names.empty() && names.size() != count) {
        return fail(error_message, "could not match " + std::to_string(names.size()) + " host names to " +
                                       std::to_string(count) + " hostaddr values");
    }
    out.hosts.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        host_spec& h = out.hosts[i];
        h.hostaddr = addrs.empty() ? std::string_view{} : addrs[i];
        h.host = names.empty() ? std::string_view{} : names[i];
        if (h.hostaddr.empty() && h.host.empty()) {
            h.host = default_socket_dir;
        }
    }
    // Ports: one for every host, or one per host (checked now, parsed below).
    std::vector<std::string_view> ports;
    if (!port_text.empty()) {
        ports = split_commas(port_text);
        if (ports.size() != 1 && ports.size() != count) {
            return fail(error_message, "could not match " + std::to_string(ports.size()) +
                                           " port numbers to " + std::to_string(count) + " hosts");
        }
    }

    out.user = text_of("user");
    if (out.user.empty()) {
        out.user = os_user;
    }
    out.dbname = text_of("dbname");
    if (out.dbname.empty()) {
        out.dbname = out.user;
    }
    out.password = text_of("password");
    out.passfile = text_of("passfile");
    out.service = text_of("service");
    out.application_name = text_of("application_name");
    out.fallback_application_name = text_of("fallback_application_name");
    out.options = text_of("options");
    out.replication = text_of("replication");
    out.sslcert = text_of("sslcert");
    out.sslkey = text_of("sslkey");
    out.sslpassword = text_of("sslpassword");
    out.sslrootcert = text_of("sslrootcert");
    out.sslcrl = text_of("sslcrl");
    out.sslcrldir = text_of("sslcrldir");
    out.requirepeer = text_of("requirepeer");
    out.gsslib = text_of("gsslib");
    if (const std::string* v = values.find("krbsrvname")) {
        out.krbsrvname = *v;
    }
    // libpq looks only at the first character of these switches.
    if (const std::string* v = values.find("sslsni")) {
        out.sslsni = !v->empty() && v->front() == '1';
    }
    if (const std::string* v = values.find("sslcompression")) {
        out.sslcompression = !v->empty() && v->front() == '1';
    }
    if (const std::string* v = values.find("gssdelegation")) {
        out.gssdelegation = !v->empty() && v->front() == '1';
    }

    // In pqConnectOptions2()'s order, so that the first problem reported is libpq's.
    if (auto ec = parse_require_auth(text_of("require_auth"), out.require_auth, error_message)) {
        return ec;
    }
    if (auto ec = parse_enum(values, "channel_binding", channel_binding_names, out.channel_binding,
                             error_message)) {
        return ec;
    }
    const bool sslmode_given = values.find("sslmode") != nullptr;
    if (auto ec = parse_enum(values, "sslmode", ssl_mode_names, out.sslmode, error_message)) {
        return ec;
    }
    if (!sslmode_given && out.sslrootcert == "system") {
        out.sslmode = ssl_mode::verify_full;
    }
    if (auto ec =
            parse_enum(values, "sslnegotiation", ssl_negotiation_names, out.sslnegotiation, error_message)) {
        return ec;
    }
    if (out.sslnegotiation == ssl_negotiation::direct && out.sslmode != ssl_mode::require &&
        out.sslmode != ssl_mode::verify_ca && out.sslmode != ssl_mode::verify_full) {
        return fail(error_message, "weak sslmode " + quote(to_string(out.sslmode)) +
                                       " may not be used with sslnegotiation=direct (use \"require\", "
                                       "\"verify-ca\", or \"verify-full\")");
    }
    if (out.sslrootcert == "system" && out.sslmode != ssl_mode::verify_full) {
        return fail(error_message, "weak sslmode " + quote(to_string(out.sslmode)) +
                                       " may not be used with sslrootcert=system (use \"verify-full\")");
    }
    if (auto ec = parse_tls_version(values, "ssl_min_protocol_version", out.ssl_min_protocol_version,
                                    error_message)) {
        return ec;
    }
    if (auto ec = parse_tls_version(values, "ssl_max_protocol_version", out.ssl_max_protocol_version,
                                    error_message)) {
        return ec;
    }
    if (out.ssl_min_protocol_version != tls_version::any &&
        out.ssl_max_protocol_version != tls_version::any &&
        out.ssl_min_protocol_version > out.ssl_max_protocol_version) {
        return fail(error_message, "invalid SSL protocol version range");
    }
    if (auto ec = parse_enum(values, "sslcertmode", ssl_cert_mode_names, out.sslcertmode, error_message)) {
        return ec;
    }
    if (const std::string* v = values.find("gssencmode"); v != nullptr && *v == "require") {
        return fail(error_message,
                    "gssencmode value \"require\" is not supported (pgring has no GSSAPI encryption)");
    }
    if (auto ec = parse_enum(values, "gssencmode", gss_enc_mode_names, out.gssencmode, error_message)) {
        return ec;
    }
    if (auto ec = parse_enum(values, "target_session_attrs", target_server_type_names,
                             out.target_session_attrs, error_message)) {
        return ec;
    }
    if (auto ec = parse_enum(values, "load_balance_hosts", load_balance_mode_names, out.load_balance_hosts,
                             error_message)) {
        return ec;
    }
    if (const std::string* v = values.find("client_encoding")) {
        if (!v->empty() && *v != "auto" && !is_utf8_name(*v)) {
            return fail(error_message,
                        "client_encoding value " + quote(*v) + " is not supported (pgring always uses UTF8)");
        }
        out.client_encoding = *v;
    }

    // What libpq checks only when it tries a host: the port number, then the address.
    for (std::size_t i = 0; i < count; ++i) {
        host_spec& h = out.hosts[i];
        const std::string_view port = ports.empty() ? std::string_view{} : ports[ports.size() == 1 ? 0 : i];
        if (!port.empty()) {
            int v = 0;
            if (!parse_int(port, v)) {
                return fail(error_message,
                            "invalid integer value " + quote(port) + " for connection option \"port\"");
            }
            if (v < 1 || v > 65535) {
                return fail(error_message, "invalid port number: " + quote(port));
            }
            h.port = static_cast<std::uint16_t>(v);
        }
        if (!h.hostaddr.empty() && !is_numeric_address(h.hostaddr)) {
            return fail(error_message, "could not parse network address " + quote(h.hostaddr));
        }
    }

    // The integers libpq parses only when it connects.
    std::optional<int> number;
    if (auto ec = parse_int_option(values, "connect_timeout", number, error_message)) {
        return ec;
    }
    if (number && *number > 0) {
        // Rounding could make a one-second limit fire almost at once; libpq insists on two.
        out.connect_timeout = std::chrono::seconds(std::max(*number, 2));
    }
    if (const std::string* v = values.find("keepalives")) {
        // useKeepalives(): strtol() must consume everything; only "" converts no digit and passes.
        std::string_view s = *v;
        while (!s.empty() && is_space(s.front())) {
            s.remove_prefix(1);
        }
        if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
            s.remove_prefix(1);
        }
        const bool digits_only =
            !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!v->empty() && !digits_only) {
            return fail(error_message, "keepalives parameter must be an integer");
        }
        out.keepalives = std::any_of(s.begin(), s.end(), [](char c) { return c != '0'; });
    }
    number.reset();
    if (auto ec = parse_int_option(values, "keepalives_idle", number, error_message)) {
        return ec;
    }
    if (number) {
        out.keepalives_idle = std::chrono::seconds(std::max(*number, 0));
    }
    number.reset();
    if (auto ec = parse_int_option(values, "keepalives_interval", number, error_message)) {
        return ec;
    }
    if (number) {
        out.keepalives_interval = std::chrono::seconds(std::max(*number, 0));
    }
    number.reset();
    if (auto ec = parse_int_option(values, "keepalives_count", number, error_message)) {
        return ec;
    }
    if (number) {
        out.keepalives_count = std::max(*number, 0);
    }
    number.reset();
    if (auto ec = parse_int_option(values, "tcp_user_timeout", number, error_message)) {
        return ec;
    }
    if (number) {
        out.tcp_user_timeout = std::chrono::milliseconds(std::max(*number, 0));
    }
    return {};
}

std::optional<std::string> lookup_pgpass(std::string_view contents, std::string_view host,
                                         std::string_view port, std::string_view dbname,
                                         std::string_view user) {
    if (dbname.empty() || user.empty()) {
        return std::nullopt;
    }
    if (host.empty() || (is_unix_socket_path(host) && host == default_socket_dir)) {
        host = default_host_name;
    }
    if (port.empty()) {
        port = default_port_text;
    }
    while (!contents.empty()) {
        const std::size_t eol = contents.find('\n');
        std::string_view line = contents.substr(0, eol);
        contents = eol == std::string_view::npos ? std::string_view{} : contents.substr(eol + 1);
        if (!line.empty() && line.front() == '#') {
            continue;
        }
        while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) {
            line.remove_suffix(1);
        }
        if (line.empty()) {
            continue;
        }
        std::optional<std::string_view> rest = match_pgpass_field(line, host);
        if (rest) {
            rest = match_pgpass_field(*rest, port);
        }
        if (rest) {
            rest = match_pgpass_field(*rest, dbname);
        }
        if (rest) {
            rest = match_pgpass_field(*rest, user);
        }
        if (!rest) {
            continue;
        }
        // The password runs to the next unescaped ':' (later fields are ignored).
        std::string password;
        for (std::size_t i = 0; i < rest->size() && (*rest)[i] != ':'; ++i) {
            if ((*rest)[i] == '\\' && i + 1 < rest->size()) {
                ++i;
            }
            password += (*rest)[i];
        }
        return password;
    }
    return std::nullopt;
}

void apply_pgpass(connect_options& options, std::string_view contents) {
    if (!options.password.empty()) {
        return;
    }
    for (host_spec& h : options.hosts) {
        const std::string& key = h.host.empty() ? h.hostaddr : h.host;
        if (auto password =
                lookup_pgpass(contents, key, std::to_string(h.port), options.dbname, options.user)) {
            h.password = std::move(*password);
        }
    }
}

std::error_code resolve_connect_options(std::string_view conninfo, const resolve_context& context,
                                        connect_options& out, std::string& error_message) {
    conninfo_values values;
    if (auto ec = parse_conninfo(conninfo, values, error_message)) {
        return ec;
    }

    // parseServiceInfo(): PGSERVICEFILE (which must exist) or ~/.pg_service.conf, then the
    // system-wide file; the first file that has the section wins.
    std::optional<std::string> service;
    if (const std::string* v = values.find("service")) {
        service = *v;
    } else {
        service = get_env(context.env, "PGSERVICE");
    }
    if (service) {
        bool found = false;
        std::optional<std::string> user_file = get_env(context.env, "PGSERVICEFILE");
        if (!user_file && !context.home_dir.empty()) {
            user_file = join_path(context.home_dir, ".pg_service.conf");
        }
        if (user_file) {
            std::optional<std::string> contents = read_config(context, *user_file, config_file::service);
            if (!contents && get_env(context.env, "PGSERVICEFILE")) {
                return fail(error_message, "service file " + quote(*user_file) + " not found");
            }
            if (contents) {
                if (auto ec =
                        parse_service_file(*contents, *service, *user_file, values, found, error_message)) {
                    return ec;
                }
            }
        }
        if (!found) {
            const std::string dir = get_env(context.env, "PGSYSCONFDIR").value_or(context.sysconfdir);
            const std::string system_file = join_path(dir, "pg_service.conf");
            if (auto contents = read_config(context, system_file, config_file::service)) {
                if (auto ec =
                        parse_service_file(*contents, *service, system_file, values, found, error_message)) {
                    return ec;
                }
            }
        }
        if (!found) {
            return fail(error_message, "definition of service " + quote(*service) + " not found");
        }
    }

    apply_environment(values, context.env);
    if (auto ec = build_connect_options(values, context.os_user, out, error_message)) {
        return ec;
    }
    if (out.user.empty()) {
        return fail(error_message, "no user name given and the local user name is unknown");
    }
    out.server_parameters = environment_server_parameters(context.env);

    if (out.password.empty()) {
        std::string passfile = out.passfile;
        if (passfile.empty() && !context.home_dir.empty()) {
            passfile = join_path(context.home_dir, ".pgpass");
        }
        if (!passfile.empty()) {
            if (auto contents = read_config(context, passfile, config_file::password)) {
                apply_pgpass(out, *contents);
            }
        }
    }
    return {};
}

// -- the process's own environment and files ----------------------------------------------------

namespace {

constexpr off_t max_config_file_size = 4 * 1024 * 1024;

std::optional<std::string> read_config_file(const std::string& path, config_file kind) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return std::nullopt;
    }
    std::optional<std::string> contents;
    struct stat st {};
    // libpq ignores a password file that is not a plain file or that group or others may use.
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= max_config_file_size &&
        (kind != config_file::password || (st.st_mode & (S_IRWXG | S_IRWXO)) == 0)) {
        std::string data;
        char buffer[4096];
        for (;;) {
            const ssize_t got = ::read(fd, buffer, sizeof buffer);
            if (got < 0 && errno == EINTR) {
                continue;
            }
            if (got < 0) {
                data.clear();
                break;
            }
            if (got == 0) {
                contents = std::move(data);
                break;
            }
            data.append(buffer, static_cast<std::size_t>(got));
            if (data.size() > static_cast<std::size_t>(max_config_file_size)) {
                break;
            }
        }
    }
    ::close(fd);
    return contents;
}

// getpwuid_r() for the effective user: its name and home directory, or empty strings.
std::pair<std::string, std::string> password_entry() {
    long size = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    std::string buffer(size > 0 ? static_cast<std::size_t>(size) : 16384, '\0');
    passwd pw{};
    passwd* result = nullptr;
    for (;;) {
        const int rc = ::getpwuid_r(::geteuid(), &pw, buffer.data(), buffer.size(), &result);
        if (rc == ERANGE && buffer.size() < 1024 * 1024) {
            buffer.resize(buffer.size() * 2);
            continue;
        }
        if (rc != 0 || result == nullptr) {
            return {};
        }
        return {pw.pw_name != nullptr ? pw.pw_name : "", pw.pw_dir != nullptr ? pw.pw_dir : ""};
    }
}

}  // namespace

resolve_context system_resolve_context() {
    resolve_context context;
    context.env = [](std::string_view name) -> std::optional<std::string> {
        const char* v = std::getenv(std::string(name).c_str());
        if (v == nullptr) {
            return std::nullopt;
        }
        return std::string(v);
    };
    auto [user, home] = password_entry();
    context.os_user = std::move(user);
    const char* home_env = std::getenv("HOME");
    context.home_dir = (home_env != nullptr && home_env[0] != '\0') ? std::string(home_env) : std::move(home);
    context.read_file = read_config_file;
    return context;
}

std::error_code resolve_connect_options(std::string_view conninfo, connect_options& out,
                                        std::string& error_message) {
    return resolve_connect_options(conninfo, system_resolve_context(), out, error_message);
}

}  // namespace pgring
