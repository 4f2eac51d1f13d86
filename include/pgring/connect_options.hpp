#pragma once

/// @file
/// `pgring::connect_options`: where and how to connect, parsed from the connection strings that
/// libpq and psql accept (keyword/value strings and `postgresql://` URIs), completed from a
/// service file, the `PG*` environment variables, the password file and libpq's defaults.
///
/// Everything except `resolve_connect_options(std::string_view, connect_options&, std::string&)`
/// is sans-io: the environment and the files are inputs given by the caller. The steps, in
/// libpq's order of precedence (an earlier step wins over a later one):
///
/// 1. `parse_conninfo()`: the connection string, into `conninfo_values` (what libpq's
///    PQconninfoParse() returns: known keywords only, nothing validated yet);
/// 2. `parse_service_file()`: the settings of the service named by `service` or `PGSERVICE`;
/// 3. `apply_environment()`: `PGHOST`, `PGPORT`, `PGUSER`, `PGSSLMODE`, ...;
/// 4. `build_connect_options()`: libpq's compiled-in defaults, then validation of every value
///    into the typed `connect_options`;
/// 5. `apply_pgpass()`: a password per host from the password file, when none was given.
///
/// `resolve_connect_options()` runs all five steps. The keyword set is PostgreSQL 17's.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace pgring {

/// The directory of the server's Unix-domain socket when no host is given (Debian's libpq
/// DEFAULT_PGSOCKET_DIR).
inline constexpr std::string_view default_socket_dir = "/var/run/postgresql";

/// The port when none is given.
inline constexpr std::uint16_t default_port = 5432;

/// Where `pg_service.conf` is looked for when `PGSYSCONFDIR` is not set (Debian's libpq
/// SYSCONFDIR).
inline constexpr std::string_view default_sysconfdir = "/etc/postgresql-common";

/// `sslmode`: whether and how TLS is used.
enum class ssl_mode : std::uint8_t {
    disable,      ///< "disable": never TLS
    allow,        ///< "allow": plaintext first, TLS if the server insists
    prefer,       ///< "prefer" (default): TLS if the server offers it, else plaintext
    require,      ///< "require": TLS, certificate not checked (unless a root certificate exists)
    verify_ca,    ///< "verify-ca": TLS, certificate chain checked
    verify_full,  ///< "verify-full": TLS, chain and host name checked
};

/// `sslnegotiation` (PostgreSQL 17): how TLS is started.
enum class ssl_negotiation : std::uint8_t {
    postgres,  ///< "postgres" (default): SSLRequest first, then the TLS handshake
    direct,    ///< "direct": the TLS handshake at once (ALPN "postgresql"); needs sslmode >= require
};

/// `sslcertmode` (PostgreSQL 16): whether a client certificate is sent.
enum class ssl_cert_mode : std::uint8_t {
    disable,  ///< "disable": never send one
    allow,    ///< "allow" (default): send one if the server asks and one is configured
    require,  ///< "require": fail unless the server asked for a certificate
};

/// `ssl_min_protocol_version` / `ssl_max_protocol_version` (spelled "TLSv1" ... "TLSv1.3",
/// case-insensitive).
enum class tls_version : std::uint8_t {
    any,     ///< empty value: no bound
    tls1_0,  ///< "TLSv1"
    tls1_1,  ///< "TLSv1.1"
    tls1_2,  ///< "TLSv1.2" (the default minimum)
    tls1_3,  ///< "TLSv1.3"
};

/// `channel_binding`: SCRAM channel binding (tls-server-end-point).
enum class channel_binding_mode : std::uint8_t {
    disable,  ///< "disable": never
    prefer,   ///< "prefer" (default): when TLS is used and the server offers SCRAM-SHA-256-PLUS
    require,  ///< "require": fail unless the authentication uses channel binding
};

/// `gssencmode`: pgring has no GSSAPI encryption, so only the values that can do without it
/// are accepted ("require" is an error).
enum class gss_enc_mode : std::uint8_t {
    disable,  ///< "disable"
    prefer,   ///< "prefer" (libpq's default): same as disable for pgring
};

/// `target_session_attrs`: which kind of server a connection attempt accepts.
enum class target_server_type : std::uint8_t {
    any,             ///< "any" (default)
    read_write,      ///< "read-write": default_transaction_read_only off, not in recovery
    read_only,       ///< "read-only"
    primary,         ///< "primary": not in hot standby
    standby,         ///< "standby": in hot standby
    prefer_standby,  ///< "prefer-standby": a standby if any host is one, else any
};

/// `load_balance_hosts` (PostgreSQL 16): the order in which hosts (and addresses) are tried.
enum class load_balance_mode : std::uint8_t {
    disable,  ///< "disable" (default): in the order given
    random,   ///< "random": shuffled
};

/// An authentication method named in `require_auth` (PostgreSQL 16).
enum class auth_method : std::uint8_t {
    password,       ///< "password": cleartext password
    md5,            ///< "md5"
    gss,            ///< "gss"
    sspi,           ///< "sspi"
    scram_sha_256,  ///< "scram-sha-256"
    none,           ///< "none": the server authenticates without a challenge (trust, cert, peer)
};

/// `require_auth`, validated: which authentication requests the server may make. With
/// `negated` false, only the listed methods are allowed ("md5,scram-sha-256"); with `negated`
/// true, every method except the listed ones ("!password,!md5"). An empty list (the default)
/// allows everything.
struct require_auth_policy {
    bool negated = false;              ///< the list was written with '!' before every method
    std::vector<auth_method> methods;  ///< each method at most once, in the order written

    /// True when the server may use `m` (for `auth_method::none`: may skip authentication).
    bool allows(auth_method m) const noexcept;
};

/// One server to try: `connect_options::hosts` holds them in the order given.
struct host_spec {
    /// Host name, IP address, or (starting with '/') the directory of a Unix-domain socket, or
    /// (starting with '@') an abstract-namespace socket name. Empty only when `hostaddr` is set.
    std::string host;
    /// Numeric IPv4 or IPv6 address to connect to without resolving `host` (which then only
    /// names the server for TLS and the password file); empty when not given.
    std::string hostaddr;
    /// TCP port, or the number in the socket file name `.s.PGSQL.<port>`.
    std::uint16_t port = default_port;
    /// The password the password file gives for this host (see `apply_pgpass()`); used only when
    /// `connect_options::password` is empty.
    std::string password;

    /// True when this entry is a Unix-domain socket: no `hostaddr`, and `host` starts with
    /// '/' or '@'.
    bool is_unix_socket() const noexcept {
        return hostaddr.empty() && !host.empty() && (host.front() == '/' || host.front() == '@');
    }
};

/// Where and how to connect: every setting of a libpq connection string, validated and typed.
/// Members are named after libpq's keywords; the defaults are libpq's.
///
/// Lifetime: owns its strings.
struct connect_options {
    /// The servers to try, in order (after `load_balance_hosts` shuffling, when asked for, which
    /// is the connecting code's job). Parsing always yields at least one entry; an empty list
    /// in hand-made options means one `host_spec{std::string(default_socket_dir)}`.
    std::vector<host_spec> hosts;
    std::string user;              ///< `user`; defaults to the operating-system user name
    std::string password;          ///< `password`; empty means "none given" (see `host_spec::password`)
    std::string passfile;          ///< `passfile`: where the password file was looked for, if given
    std::string dbname;            ///< `dbname`; defaults to `user`
    std::string service;           ///< `service`: the service file section that was applied, if any
    std::string application_name;  ///< `application_name`, sent at startup when set
    std::string fallback_application_name;  ///< sent when `application_name` is empty
    std::string options;                    ///< `options`: command-line options for the server ("-c a=b")
    std::string replication;                ///< `replication` as given ("", "true", "database", ...)
    /// `client_encoding` as given: only empty, "auto" or a spelling of UTF8 are accepted,
    /// because pgring always sends `client_encoding=UTF8` at startup.
    std::string client_encoding;
    /// `connect_timeout`, per host: libpq counts whole seconds and raises 1 to 2; zero means
    /// no limit (so does a negative value).
    std::chrono::milliseconds connect_timeout{0};
    bool keepalives = true;                               ///< `keepalives`: SO_KEEPALIVE on TCP connections
    std::optional<std::chrono::seconds> keepalives_idle;  ///< TCP_KEEPIDLE; none = system's
    std::optional<std::chrono::seconds> keepalives_interval;            ///< TCP_KEEPINTVL; none = system's
    std::optional<int> keepalives_count;                                ///< TCP_KEEPCNT; none = system's
    std::optional<std::chrono::milliseconds> tcp_user_timeout;          ///< TCP_USER_TIMEOUT
    target_server_type target_session_attrs = target_server_type::any;  ///< `target_session_attrs`
    load_balance_mode load_balance_hosts = load_balance_mode::disable;  ///< `load_balance_hosts`
    ssl_mode sslmode = ssl_mode::prefer;                                ///< `sslmode`
    ssl_negotiation sslnegotiation = ssl_negotiation::postgres;         ///< `sslnegotiation`
    ssl_cert_mode sslcertmode = ssl_cert_mode::allow;                   ///< `sslcertmode`
    /// `sslcert`: client certificate file; empty means libpq's ~/.postgresql/postgresql.crt,
    /// which the TLS layer looks for.
    std::string sslcert;
    std::string sslkey;       ///< `sslkey`: client key file; empty means ~/.postgresql/postgresql.key
    std::string sslpassword;  ///< `sslpassword`: passphrase of `sslkey`
    /// `sslrootcert`: trusted root certificates; empty means ~/.postgresql/root.crt; "system"
    /// means the system's store (and forces `sslmode=verify-full`).
    std::string sslrootcert;
    std::string sslcrl;           ///< `sslcrl`: certificate revocation list file
    std::string sslcrldir;        ///< `sslcrldir`: certificate revocation list directory
    bool sslsni = true;           ///< `sslsni`: send the host name as TLS SNI
    bool sslcompression = false;  ///< `sslcompression` (obsolete; accepted for compatibility)
    tls_version ssl_min_protocol_version = tls_version::tls1_2;  ///< lowest TLS version allowed
    tls_version ssl_max_protocol_version = tls_version::any;     ///< highest TLS version allowed
    std::string requirepeer;  ///< `requirepeer`: OS user the server must run as (Unix sockets)
    channel_binding_mode channel_binding = channel_binding_mode::prefer;  ///< `channel_binding`
    require_auth_policy require_auth;                                     ///< `require_auth`
    gss_enc_mode gssencmode = gss_enc_mode::prefer;  ///< `gssencmode` (no GSSAPI in pgring)
    std::string krbsrvname = "postgres";             ///< `krbsrvname` (accepted; pgring has no GSSAPI)
    std::string gsslib;                              ///< `gsslib` (accepted; Windows only in libpq)
    bool gssdelegation = false;                      ///< `gssdelegation` (accepted; pgring has no GSSAPI)
    /// Extra run-time parameters for the StartupMessage, after the ones above: libpq's
    /// `PGDATESTYLE`, `PGTZ` and `PGGEQO` (see `environment_server_parameters()`), or the
    /// caller's own. Connection strings cannot set these (libpq rejects unknown keywords); use
    /// `options` ("-c name=value") there.
    std::vector<std::pair<std::string, std::string>> server_parameters;
};

/// The libpq spelling of each enumerator ("verify-full", "prefer-standby", "TLSv1.2", "", ...).
std::string_view to_string(ssl_mode v) noexcept;
/// The libpq spelling.
std::string_view to_string(ssl_negotiation v) noexcept;
/// The libpq spelling.
std::string_view to_string(ssl_cert_mode v) noexcept;
/// The libpq spelling; `tls_version::any` is "".
std::string_view to_string(tls_version v) noexcept;
/// The libpq spelling.
std::string_view to_string(channel_binding_mode v) noexcept;
/// The libpq spelling.
std::string_view to_string(gss_enc_mode v) noexcept;
/// The libpq spelling.
std::string_view to_string(target_server_type v) noexcept;
/// The libpq spelling.
std::string_view to_string(load_balance_mode v) noexcept;
/// The libpq spelling.
std::string_view to_string(auth_method v) noexcept;

/// True when `keyword` is one of libpq's connection keywords (PostgreSQL 17's set, which
/// includes every keyword of earlier versions).
bool is_conninfo_keyword(std::string_view keyword) noexcept;

/// The settings of a connection string before they are validated, as libpq keeps them between
/// parsing and connecting: keyword -> value, each keyword at most once (a later setting replaces
/// an earlier one), values unquoted and percent-decoded. A keyword that is present with an
/// empty value counts as given: the environment does not override it.
///
/// Lifetime: owns its strings.
class conninfo_values {
public:
    /// The value of `keyword`, or null when it is not set. Lifetime: until the next change.
    const std::string* find(std::string_view keyword) const noexcept;
    /// Sets `keyword` to `value`, replacing an earlier value. Does not check the keyword:
    /// `build_connect_options()` rejects unknown ones.
    void set(std::string_view keyword, std::string_view value);
    /// Sets `keyword` to `value` only when it is not set yet; returns true when it did.
    bool set_if_absent(std::string_view keyword, std::string_view value);
    /// Removes `keyword`; returns true when it was set.
    bool erase(std::string_view keyword);
    /// Every setting, in the order the keywords were first set.
    const std::vector<std::pair<std::string, std::string>>& entries() const noexcept { return entries_; }

private:
    std::vector<std::pair<std::string, std::string>> entries_;
};

/// Parses a connection string exactly as libpq's PQconninfoParse() does and adds its settings
/// to `out` (replacing settings of the same keywords). Two forms are accepted:
///
/// - keyword/value: `host=localhost port=5432 dbname='my db'`; spaces around '=' are optional;
///   a value is either unquoted (ends at whitespace) or in single quotes; in both, a backslash
///   makes the next character literal (`\'`, `\\`, `\ `);
/// - URI: `postgresql://[user[:password]@][host][:port][,...][/dbname][?param=value&...]` (or
///   `postgres://`), hosts as names, IPv4, `[IPv6]`, or percent-encoded socket directories;
///   every part is percent-decoded; `ssl=true` means `sslmode=require`.
///
/// The obsolete keyword `requiressl` becomes `sslmode` ("1..." -> require, else prefer).
///
/// Errors: `errc::invalid_conninfo`, with libpq's message in `error_message` (for instance
/// `invalid connection option "foo"`, `missing "=" after "host" in connection info string`,
/// `invalid URI query parameter: "foo"`). On error `out` may hold some of the settings.
[[nodiscard]] std::error_code parse_conninfo(std::string_view text, conninfo_values& out,
                                             std::string& error_message);

/// Parses a connection string and validates it into `out`, with libpq's compiled-in defaults
/// for what it does not set; no environment, service file, password file or OS user name is
/// consulted (`user` and `dbname` stay empty unless given). Same as `parse_conninfo()` into
/// `conninfo_values` followed by `build_connect_options(values, "", out, error_message)`.
///
/// Errors: `errc::invalid_conninfo` with a message such as `invalid sslmode value: "bogus"`.
[[nodiscard]] std::error_code parse_conninfo(std::string_view text, connect_options& out,
                                             std::string& error_message);

/// Looks up an environment variable: its value, or nullopt when it is not set.
using environment = std::function<std::optional<std::string>(std::string_view name)>;

/// Applies the section `[service]` of a service file (pg_service.conf format) to `values`,
/// without overriding settings already present. The format is libpq's: one `keyword=value`
/// per line (no spaces around the keyword, the value is the rest of the line, trailing spaces
/// dropped), `#` comments, blank lines, sections `[name]`; only the first section with the
/// name counts. `file_name` is used in error messages. `found` tells whether the section
/// exists.
///
/// Errors: `errc::invalid_conninfo` for `syntax error in service file "<file>", line <n>` (a
/// line without '=' or with an unknown keyword), nested `service=` settings, and LDAP lines
/// (not supported). Lines of other sections are not checked, as in libpq.
[[nodiscard]] std::error_code parse_service_file(std::string_view contents, std::string_view service,
                                                 std::string_view file_name, conninfo_values& values,
                                                 bool& found, std::string& error_message);

/// Fills every setting not yet present in `values` from its environment variable, as libpq
/// does: PGHOST, PGHOSTADDR, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGPASSFILE, PGSERVICE,
/// PGOPTIONS, PGAPPNAME, PGCONNECT_TIMEOUT, PGCLIENTENCODING, PGSSLMODE, PGSSLNEGOTIATION,
/// PGSSLCOMPRESSION, PGSSLCERT, PGSSLKEY, PGSSLCERTMODE, PGSSLROOTCERT, PGSSLCRL, PGSSLCRLDIR,
/// PGSSLSNI, PGREQUIREPEER, PGREQUIREAUTH, PGSSLMINPROTOCOLVERSION, PGSSLMAXPROTOCOLVERSION,
/// PGGSSENCMODE, PGKRBSRVNAME, PGGSSLIB, PGGSSDELEGATION, PGCHANNELBINDING,
/// PGTARGETSESSIONATTRS, PGLOADBALANCEHOSTS; and the obsolete PGREQUIRESSL=1 as
/// `sslmode=require` when neither `sslmode` nor PGSSLMODE is set. An empty `env` does nothing.
/// Values are checked later, by `build_connect_options()`.
void apply_environment(conninfo_values& values, const environment& env);

/// The run-time parameters libpq sends at startup from the environment: PGDATESTYLE as
/// `datestyle`, PGTZ as `timezone`, PGGEQO as `geqo` (each skipped when unset or "default").
std::vector<std::pair<std::string, std::string>> environment_server_parameters(const environment& env);

/// Validates `values` into `out` (which is overwritten), filling what is missing with libpq's
/// defaults: one host at `default_socket_dir`, port 5432, `user` = `os_user`, `dbname` =
/// `user`, sslmode prefer (verify-full when `sslrootcert=system`), and so on. Host, hostaddr
/// and port lists are split at commas: one port serves every host, otherwise there must be one
/// per host; an empty list entry means the default. Unlike libpq, which reports some of these
/// only when it tries the host, every value is checked here.
///
/// Errors: `errc::invalid_conninfo`, with libpq's message: `invalid connection option "x"`,
/// `could not match 2 port numbers to 3 hosts`, `could not match 1 host names to 2 hostaddr
/// values`, `invalid port number: "99999"`, `invalid integer value "x" for connection option
/// "connect_timeout"`, `invalid sslmode value: "bogus"`, `could not parse network address
/// "x"`, `weak sslmode "require" may not be used with sslrootcert=system (use "verify-full")`,
/// `require_auth method "md5" is specified more than once`, ...; and pgring's own for what it
/// does not support: `gssencmode value "require" is not supported`, `client_encoding value
/// "LATIN1" is not supported`.
[[nodiscard]] std::error_code build_connect_options(const conninfo_values& values, std::string_view os_user,
                                                    connect_options& out, std::string& error_message);

/// Finds the password for one server in the contents of a password file (~/.pgpass format:
/// `hostname:port:database:username:password` per line, `*` matching anything in the first four
/// fields, `\:` and `\\` escapes, `#` comments; the first matching line wins). As in libpq, a
/// `host` that is empty or the default socket directory matches "localhost", an empty `port`
/// matches "5432", and an empty `dbname` or `user` matches nothing.
std::optional<std::string> lookup_pgpass(std::string_view contents, std::string_view host,
                                         std::string_view port, std::string_view dbname,
                                         std::string_view user);

/// Fills `host_spec::password` of every host from the contents of a password file, keyed by the
/// host's `host` (or `hostaddr` when `host` is empty), its port, `dbname` and `user`. Does
/// nothing when `options.password` is set.
void apply_pgpass(connect_options& options, std::string_view contents);

/// Which configuration file `resolve_context::read_file` is asked for.
enum class config_file : std::uint8_t {
    service,   ///< a service file (pg_service.conf)
    password,  ///< the password file: libpq ignores it unless it is a plain file of mode 0600 or less
};

/// What `resolve_connect_options()` reads from outside: the environment, the OS user name,
/// the home directory, and files.
struct resolve_context {
    environment env;       ///< the environment; empty means no variable is set
    std::string os_user;   ///< the default user name; empty means unknown
    std::string home_dir;  ///< for ~/.pgpass and ~/.pg_service.conf; empty means none
    std::string sysconfdir = std::string(default_sysconfdir);  ///< when PGSYSCONFDIR is unset
    /// Reads a whole file; nullopt when it does not exist or cannot be used. Empty means no
    /// file exists.
    std::function<std::optional<std::string>(const std::string& path, config_file kind)> read_file;
};

/// Resolves a connection string the way libpq's PQconnectdb() does before it connects:
/// `parse_conninfo()`; the service file section named by `service` or PGSERVICE, looked for in
/// PGSERVICEFILE (an error if that is set but missing), else ~/.pg_service.conf, then
/// `<PGSYSCONFDIR or sysconfdir>/pg_service.conf`; `apply_environment()`;
/// `build_connect_options()` with `context.os_user`; `environment_server_parameters()`; and,
/// when no password was given, `apply_pgpass()` with the file named by `passfile` (or
/// PGPASSFILE), else ~/.pgpass.
///
/// Errors: `errc::invalid_conninfo`, with the message of the step that failed, or
/// `definition of service "x" not found`, `service file "<path>" not found`, or a message
/// saying that no user name is known (no `user`, no PGUSER, empty `context.os_user`).
[[nodiscard]] std::error_code resolve_connect_options(std::string_view conninfo,
                                                      const resolve_context& context, connect_options& out,
                                                      std::string& error_message);

/// A `resolve_context` for this process: getenv(), the effective user's name (getpwuid_r), the
/// home directory ($HOME, else the password database), and a file reader that skips a password
/// file which is not a plain file or is group/world accessible (silently, where libpq prints a
/// warning) and files over 4 MiB.
///
/// Thread: reads the environment; safe unless another thread changes it at the same time.
resolve_context system_resolve_context();

/// `resolve_connect_options(conninfo, system_resolve_context(), out, error_message)`: what
/// `connect(conninfo)` uses, so that settings written for libpq and psql work unchanged.
///
/// Errors: as the sans-io form.
/// Thread: as `system_resolve_context()`.
[[nodiscard]] std::error_code resolve_connect_options(std::string_view conninfo, connect_options& out,
                                                      std::string& error_message);

}  // namespace pgring
