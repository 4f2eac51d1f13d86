#include "pg_cluster.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>

#include "socket_driver.hpp"

#ifndef PGRING_SOURCE_ROOT
#error "pg_cluster.cpp needs PGRING_SOURCE_ROOT (the source tree, to find tools/pgcluster)"
#endif

namespace pgring::test {

namespace {

pg_cluster g_cluster;
pg_cluster g_standby;

// The standby is started on first use, from whichever thread asks first.
std::mutex g_standby_mutex;
bool g_standby_tried = false;
bool g_standby_ok = false;
std::string g_standby_error;

// Everything the stop paths need, prepared before any of them can run, in plain char arrays so
// the signal handler touches nothing but async-signal-safe calls.
char g_bash[] = "/bin/bash";
char g_script[4096];
char g_stop[] = "stop";

// One server this process started: its directory, whether it still has to be stopped, and the
// watchdog that stops it if this process dies without running any handler.
struct started_server {
    char dir[512];
    volatile sig_atomic_t active;  // started (or being started) and not stopped yet
    int watchdog_fd;               // write end of the watchdog pipe
    pid_t watchdog_pid;
};

// [0] the primary, [1] its standby. stop_all_now() goes from the back, so a standby is stopped
// before the primary it streams from.
constexpr std::size_t primary_slot = 0;
constexpr std::size_t standby_slot = 1;
started_server g_servers[2] = {{{}, 0, -1, -1}, {{}, 0, -1, -1}};

// Runs `bash tools/pgcluster stop DIR` for one server and waits for it. Async-signal-safe.
void stop_server_now(started_server& s) {
    if (s.active == 0) {
        return;
    }
    s.active = 0;
    const pid_t pid = fork();
    if (pid == 0) {
        char* argv[] = {g_bash, g_script, g_stop, s.dir, nullptr};
        execv(g_bash, argv);
        _exit(127);
    }
    if (pid > 0) {
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
}

// Stops every server this process started, the standby first. Async-signal-safe.
void stop_all_now() {
    for (std::size_t i = sizeof(g_servers) / sizeof(g_servers[0]); i-- > 0;) {
        stop_server_now(g_servers[i]);
    }
}

void at_exit_stop() {
    stop_all_now();
}

void on_signal(int sig) {
    stop_all_now();
    signal(sig, SIG_DFL);
    raise(sig);
}

void install_stop_handlers() {
    static bool installed = false;
    if (installed) {
        return;
    }
    installed = true;
    std::atexit(at_exit_stop);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction sa {};
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0;
        sigaction(sig, &sa, nullptr);
    }
}

// A process in a session of its own that waits for EOF on a pipe only this process can write
// to, then runs the stop command for `s`: it cleans up after SIGKILL or a crash, when no
// handler runs.
void start_watchdog(started_server& s) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        return;
    }
    const pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pid == 0) {
        setsid();
        dup2(fds[0], 0);
        const int null_fd = open("/dev/null", O_WRONLY);
        if (null_fd >= 0) {
            dup2(null_fd, 1);
            dup2(null_fd, 2);
        }
        const long max_fd = sysconf(_SC_OPEN_MAX);
        for (long fd = 3; fd < (max_fd > 0 && max_fd < 65536 ? max_fd : 1024); ++fd) {
            close(static_cast<int>(fd));
        }
        char dash_c[] = "-c";
        char script[] = "cat >/dev/null; exec /bin/bash \"$0\" stop \"$1\"";
        char* argv[] = {g_bash, dash_c, script, g_script, s.dir, nullptr};
        execv(g_bash, argv);
        _exit(127);
    }
    close(fds[0]);
    s.watchdog_fd = fds[1];
    s.watchdog_pid = pid;
}

void end_watchdog(started_server& s) {
    if (s.watchdog_fd >= 0) {
        close(s.watchdog_fd);
        s.watchdog_fd = -1;
    }
    if (s.watchdog_pid > 0) {
        int status = 0;
        while (waitpid(s.watchdog_pid, &status, 0) < 0 && errno == EINTR) {
        }
        s.watchdog_pid = -1;
    }
}

// Makes a fresh directory for a cluster (traversable by the postgres user the script runs the
// server as), records it in `s` and arms every stop path for it before anything is started,
// so a test program killed during the start still removes what the start left.
bool prepare_server(started_server& s, const char* name_template, std::string& dir, std::string& why) {
    std::string path = name_template;
    if (mkdtemp(path.data()) == nullptr) {
        why = std::string("mkdtemp failed: ") + std::strerror(errno);
        return false;
    }
    chmod(path.c_str(), 0755);
    if (path.size() >= sizeof(s.dir)) {
        why = "path too long: " + path;
        return false;
    }
    std::memcpy(s.dir, path.c_str(), path.size() + 1);
    dir = path;
    install_stop_handlers();
    start_watchdog(s);
    s.active = 1;
    return true;
}

std::string shell_quote(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    out += '\'';
    return out;
}

// Undoes the quoting of bash's printf %q for the values pgcluster prints (backslash escapes
// and quotes).
std::string shell_unquote(std::string_view v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const char c = v[i];
        if (c == '\\' && i + 1 < v.size()) {
            out += v[++i];
        } else if (c == '\'') {
            const auto end = v.find('\'', i + 1);
            out += v.substr(i + 1, end == std::string_view::npos ? std::string_view::npos : end - i - 1);
            i = end == std::string_view::npos ? v.size() : end;
        } else if (c == '"') {
            ++i;
            while (i < v.size() && v[i] != '"') {
                if (v[i] == '\\' && i + 1 < v.size()) {
                    ++i;
                }
                out += v[i++];
            }
        } else {
            out += c;
        }
    }
    return out;
}

// Runs a shell command; returns its exit status and stdout.
int run_capture(const std::string& command, std::string& out) {
    out.clear();
    FILE* p = popen(command.c_str(), "r");
    if (p == nullptr) {
        return -1;
    }
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) {
        out.append(buf, n);
    }
    const int status = pclose(p);
    if (status == -1) {
        return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

std::string env_or(const char* name, std::string fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? std::string(v) : std::move(fallback);
}

std::string find_bindir() {
    std::string out;
    if (run_capture("pg_config --bindir 2>/dev/null", out) == 0) {
        while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
            out.pop_back();
        }
        if (!out.empty() && access((out + "/psql").c_str(), X_OK) == 0) {
            return out;
        }
    }
    if (run_capture("ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1", out) == 0) {
        while (!out.empty() && out.back() == '\n') {
            out.pop_back();
        }
        if (!out.empty()) {
            return out;
        }
    }
    return {};
}

std::atomic<unsigned> g_counter{0};

}  // namespace

std::string_view auth_role_name(auth_role r) noexcept {
    switch (r) {
        case auth_role::trust:
            return "trust";
        case auth_role::password:
            return "password";
        case auth_role::md5:
            return "md5";
        case auth_role::scram:
            return "scram";
    }
    return "unknown";
}

const pg_cluster& pg_cluster::get() {
    return g_cluster;
}

connection_params pg_cluster::superuser() const {
    connection_params p;
    p.host = host_;
    p.port = port_;
    p.user = user_;
    p.password = dsn_password_;
    p.database = database_;
    return p;
}

connection_params pg_cluster::superuser_unix() const {
    connection_params p = superuser();
    p.host = socket_dir_;
    return p;
}

connection_params pg_cluster::role(auth_role r, transport t) const {
    connection_params p;
    p.host = t == transport::unix_socket ? socket_dir_ : host_;
    p.port = port_;
    p.user = "pgring_" + std::string(auth_role_name(r));
    p.password = r == auth_role::trust ? std::string() : password_;
    p.database = database_;
    return p;
}

psql_result pg_cluster::psql(std::string_view sql) const {
    psql_result result;
    char path[] = "/tmp/pgring-psql.XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) {
        result.output = "mkstemp failed";
        return result;
    }
    const char* p = sql.data();
    std::size_t left = sql.size();
    while (left > 0) {
        const ssize_t n = write(fd, p, left);
        if (n <= 0) {
            break;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    close(fd);
    const std::string psql_bin = bindir_.empty() ? std::string("psql") : bindir_ + "/psql";
    const std::string command = "PGOPTIONS='-c client_min_messages=warning' " + shell_quote(psql_bin) +
                                " -X -q -At -v ON_ERROR_STOP=1 -d " + shell_quote(dsn_) + " -f " +
                                shell_quote(path) + " 2>&1";
    result.status = run_capture(command, result.output);
    unlink(path);
    return result;
}

psql_result pg_cluster::restart_immediate() const {
    psql_result result;
    if (!owned()) {
        result.output = "the server was not started by this binary (PGRING_TEST_DSN)";
        return result;
    }
    const std::string pg_ctl = bindir_.empty() ? std::string("pg_ctl") : bindir_ + "/pg_ctl";
    // pg_ctl restart has no -l: the restarted postmaster writes to pg_ctl's stdout, sent to the log.
    const std::string inner = "exec " + shell_quote(pg_ctl) + " -D " + shell_quote(dir_ + "/data") +
                              " -m immediate -w -t 120 restart >>" + shell_quote(dir_ + "/log") + " 2>&1";
    const std::string command =
        (geteuid() == 0 ? "runuser -u postgres -- sh -c " : "sh -c ") + shell_quote(inner) + " 2>&1";
    result.status = run_capture(command, result.output);
    return result;
}

void pg_cluster_environment::SetUp() {
    pg_cluster& c = g_cluster;
    const char* dsn = std::getenv("PGRING_TEST_DSN");
    if (dsn != nullptr && *dsn != '\0') {
        connection_params p;
        p.database.clear();
        std::string why;
        if (parse_dsn(dsn, p, &why)) {
            GTEST_FAIL() << "PGRING_TEST_DSN is not a valid DSN: " << why;
        }
        c.dsn_ = dsn;
        c.host_ = env_or("PGRING_TEST_HOST", p.host);
        const std::string port = env_or("PGRING_TEST_PORT", std::to_string(p.port));
        c.port_ = static_cast<std::uint16_t>(std::atoi(port.c_str()));
        c.user_ = p.user;
        c.dsn_password_ = p.password;
        c.database_ = p.database.empty() ? p.user : p.database;
        c.socket_dir_ = env_or("PGRING_TEST_SOCKET_DIR", "");
        c.password_ = env_or("PGRING_TEST_PASSWORD", "");
        c.bindir_ = env_or("PGRING_TEST_BINDIR", find_bindir());
        return;
    }

    const std::string script = std::string(PGRING_SOURCE_ROOT) + "/tools/pgcluster";
    if (access(script.c_str(), R_OK) != 0) {
        GTEST_FAIL() << "cannot find " << script << " (PGRING_SOURCE_ROOT)";
    }
    if (script.size() >= sizeof(g_script)) {
        GTEST_FAIL() << "path too long: " << script;
    }
    std::memcpy(g_script, script.c_str(), script.size() + 1);
    std::string dir;
    std::string why;
    if (!prepare_server(g_servers[primary_slot], "/tmp/pgring-test.XXXXXX", dir, why)) {
        GTEST_FAIL() << why;
    }
    c.dir_ = dir;

    std::string out;
    const int status = run_capture("/bin/bash " + shell_quote(script) + " start " + shell_quote(dir), out);
    if (status != 0) {
        GTEST_FAIL() << "tools/pgcluster start " << dir << " failed (exit " << status
                     << "); its messages are above";
    }
    if (!c.read_settings(out, why)) {
        GTEST_FAIL() << why;
    }
}

void pg_cluster_environment::TearDown() {
    stop_all_now();
    for (started_server& s : g_servers) {
        end_watchdog(s);
    }
}

bool pg_cluster::read_settings(const std::string& out, std::string& why) {
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("export ", 0) == 0) {
            line.erase(0, 7);
        }
        const auto eq = line.find('=');
        if (eq == std::string::npos) {
            continue;
        }
        const std::string key = line.substr(0, eq);
        const std::string value = shell_unquote(std::string_view(line).substr(eq + 1));
        if (key == "PGRING_TEST_HOST") {
            host_ = value;
        } else if (key == "PGRING_TEST_PORT") {
            port_ = static_cast<std::uint16_t>(std::atoi(value.c_str()));
        } else if (key == "PGRING_TEST_SOCKET_DIR") {
            socket_dir_ = value;
        } else if (key == "PGRING_TEST_DSN") {
            dsn_ = value;
        } else if (key == "PGRING_TEST_PASSWORD") {
            password_ = value;
        } else if (key == "PGRING_TEST_BINDIR") {
            bindir_ = value;
        }
    }
    connection_params p;
    if (dsn_.empty() || port_ == 0 || parse_dsn(dsn_, p, &why)) {
        why = "tools/pgcluster printed no usable settings:\n" + out;
        return false;
    }
    user_ = p.user;
    database_ = p.database;
    return true;
}

const pg_cluster* pg_cluster::standby() const {
    if (this != &g_cluster) {
        return nullptr;
    }
    const std::lock_guard<std::mutex> lock(g_standby_mutex);
    if (g_standby_tried) {
        return g_standby_ok ? &g_standby : nullptr;
    }
    g_standby_tried = true;
    if (!owned()) {
        g_standby_error =
            "PGRING_TEST_DSN names an existing server; a standby needs a cluster this test binary started";
        return nullptr;
    }
    started_server& slot = g_servers[standby_slot];
    std::string dir;
    if (!prepare_server(slot, "/tmp/pgring-standby.XXXXXX", dir, g_standby_error)) {
        return nullptr;
    }
    g_standby.dir_ = dir;
    std::string out;
    const int status = run_capture(
        "/bin/bash " + shell_quote(g_script) + " standby " + shell_quote(dir_) + " " + shell_quote(dir), out);
    if (status != 0) {
        g_standby_error = "tools/pgcluster standby " + dir_ + " " + dir + " failed (exit " +
                          std::to_string(status) + "); its messages are above";
        stop_server_now(slot);
        return nullptr;
    }
    if (!g_standby.read_settings(out, g_standby_error)) {
        stop_server_now(slot);
        return nullptr;
    }
    if (g_standby.bindir_.empty()) {
        g_standby.bindir_ = bindir_;
    }
    g_standby_ok = true;
    return &g_standby;
}

std::string pg_cluster::standby_error() const {
    if (this != &g_cluster) {
        return "only the primary, pg_cluster::get(), has a standby";
    }
    const std::lock_guard<std::mutex> lock(g_standby_mutex);
    return g_standby_error;
}

bool register_pg_cluster() {
    static const bool registered = [] {
        ::testing::AddGlobalTestEnvironment(new pg_cluster_environment);
        return true;
    }();
    return registered;
}

std::string conninfo_quote(std::string_view value) {
    std::string out = "'";
    for (const char c : value) {
        if (c == '\'' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '\'';
    return out;
}

std::string conninfo_of(const connection_params& p) {
    std::string s = "host=" + conninfo_quote(p.host) + " port=" + std::to_string(p.port) +
                    " user=" + conninfo_quote(p.user) + " dbname=" + conninfo_quote(p.database) + " connect_timeout=10";
    if (!p.password.empty()) {
        s += " password=" + conninfo_quote(p.password);
    }
    return s;
}

std::string superuser_conninfo() {
    return conninfo_of(pg_cluster::get().superuser());
}

std::string unique_name(std::string_view prefix) {
    return std::string(prefix) + "_" + std::to_string(getpid()) + "_" + std::to_string(++g_counter);
}

}  // namespace pgring::test
