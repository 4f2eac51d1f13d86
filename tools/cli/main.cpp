// pgring: a psql-compatible command-line client. Runs -c strings and -f files statement by
// statement (extended protocol, binary results rendered to PostgreSQL's text form) and prints
// the results as psql does. See --help.

#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <span>
#include <stdexcept>
#include <pgring/connection.hpp>
#include <pgring/loop.hpp>
#include <pgring/notification.hpp>
#include <pgring/text.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "copy_command.hpp"
#include "copy_progress.hpp"
#include "error_report.hpp"
#include "options.hpp"
#include "printer.hpp"
#include "statement_splitter.hpp"

#ifndef PGRING_CLI_VERSION
#define PGRING_CLI_VERSION "unknown"
#endif

namespace pgring::cli {
namespace {

// Exit statuses, as psql's.
constexpr int exit_ok = 0;
constexpr int exit_error = 1;
constexpr int exit_connection = 2;
constexpr int exit_script_stopped = 3;  // an error in a -f file stopped it (ON_ERROR_STOP)

void write_stdout(const std::string& s) {
    std::fwrite(s.data(), 1, s.size(), stdout);
}

// Errors go to stderr after everything printed so far, so the two streams interleave as psql's.
void write_stderr(const std::string& s) {
    std::fflush(stdout);
    std::fwrite(s.data(), 1, s.size(), stderr);
    std::fflush(stderr);
}

// The types psql gets in text form that pgring's renderer cannot produce from binary (the
// reg* types print catalog names the server looks up); arrays of them follow automatically.
std::vector<oid_t> text_result_types() {
    return {oid::regproc,   oid::regprocedure,  oid::regoper,     oid::regoperator,
            oid::regclass,  oid::regtype,       oid::regrole,     oid::regnamespace,
            oid::regconfig, oid::regdictionary, oid::regcollation};
}

// Where the statements of one -c string or -f file come from.
struct script {
    std::string text;
    bool from_file = false;
    std::string file_name;  // for error prefixes: "-" is "<stdin>"
};

bool contains(const std::vector<std::string>& words, std::string_view w) {
    for (const std::string& x : words) {
        if (x == w) {
            return true;
        }
    }
    return false;
}

// COPY between the server and this client (COPY ... FROM STDIN / TO STDOUT).
bool is_copy_with_client(const std::vector<std::string>& words) {
    return !words.empty() && words[0] == "copy" && (contains(words, "stdin") || contains(words, "stdout"));
}

// The data of a COPY ... FROM STDIN read from a stream (this program's stdin for a -c string, the
// file or program of a \copy), as psql reads it: up to a line "\." or the end (the whole of it
// for the binary format). A read error aborts the COPY with psql's words.
class stream_copy_source {
public:
    stream_copy_source(std::FILE* stream, bool binary) : stream_(stream), binary_(binary) {}

    std::size_t operator()(std::span<std::byte> buffer) {
        std::size_t n = 0;
        while (n < buffer.size()) {
            if (pending_offset_ == pending_.size() && !refill()) {
                break;
            }
            const std::size_t take = std::min(buffer.size() - n, pending_.size() - pending_offset_);
            std::memcpy(buffer.data() + n, pending_.data() + pending_offset_, take);
            pending_offset_ += take;
            n += take;
        }
        return n;
    }

private:
    bool refill() {
        pending_.clear();
        pending_offset_ = 0;
        if (done_) {
            return false;
        }
        if (binary_) {
            pending_.resize(64 * 1024);
            const std::size_t got = std::fread(pending_.data(), 1, pending_.size(), stream_);
            pending_.resize(got);
            done_ = got == 0;
            check_read_error();
            return got > 0;
        }
        char* line = nullptr;
        std::size_t capacity = 0;
        const ssize_t got = ::getline(&line, &capacity, stream_);
        if (got > 0) {
            pending_.assign(line, static_cast<std::size_t>(got));
        }
        std::free(line);
        check_read_error();
        if (got <= 0 || pending_ == "\\.\n" || pending_ == "\\." || pending_ == "\\.\r\n") {
            pending_.clear();
            done_ = true;
            return false;
        }
        return true;
    }

    void check_read_error() const {
        if (std::ferror(stream_) != 0) {
            throw std::runtime_error("aborted because of read failure");  // becomes the CopyFail message
        }
    }

    std::FILE* stream_;
    bool binary_;
    bool done_ = false;
    std::string pending_;
    std::size_t pending_offset_ = 0;
};

std::string errno_text(int error) {
    return std::error_code(error, std::generic_category()).message();
}

// psql's words for a program's exit status (wait_result_to_str).
std::string exit_status_text(int status) {
    if (WIFEXITED(status)) {
        const int code = WEXITSTATUS(status);
        if (code == 126) {
            return "command not executable";
        }
        if (code == 127) {
            return "command not found";
        }
        return "child process exited with exit code " + std::to_string(code);
    }
    if (WIFSIGNALED(status)) {
        const char* name = ::strsignal(WTERMSIG(status));
        return "child process was terminated by signal " + std::to_string(WTERMSIG(status)) + ": " +
               (name != nullptr ? name : "unknown signal");
    }
    return "child process exited with unrecognized status " + std::to_string(status);
}

// The client's side of a \copy: a file, a program's pipe, or a standard stream (not closed).
// Opening and closing fail with psql's messages. While a program reads what it is sent, SIGPIPE
// is ignored, so a program that exits early makes writes fail instead of ending this process.
class copy_stream {
public:
    copy_stream() = default;
    copy_stream(const copy_stream&) = delete;
    copy_stream& operator=(const copy_stream&) = delete;
    ~copy_stream() {
        std::string ignored;
        (void)close(ignored);
    }

    bool open(const copy_command& cmd, std::string& error) {
        if (cmd.endpoint == copy_endpoint::script || cmd.endpoint == copy_endpoint::process_stdio) {
            stream_ = cmd.from ? stdin : stdout;
            return true;
        }
        if (cmd.endpoint == copy_endpoint::program) {
            name_ = cmd.target;
            std::fflush(nullptr);
            if (!cmd.from) {
                struct sigaction ignore {};
                ignore.sa_handler = SIG_IGN;
                sigemptyset(&ignore.sa_mask);
                sigpipe_saved_ = sigaction(SIGPIPE, &ignore, &old_sigpipe_) == 0;
            }
            errno = 0;
            stream_ = ::popen(name_.c_str(), cmd.from ? "r" : "w");
            if (stream_ == nullptr) {
                error = "could not execute command \"" + name_ + "\": " + errno_text(errno);
                restore_sigpipe();
                return false;
            }
            program_ = true;
            owned_ = true;
            return true;
        }
        const char* home = std::getenv("HOME");
        name_ = resolve_copy_path(cmd.target, home != nullptr ? home : "");
        stream_ = std::fopen(name_.c_str(), cmd.from ? "rb" : "wb");
        if (stream_ == nullptr) {
            error = name_ + ": " + errno_text(errno);
            return false;
        }
        owned_ = true;
        struct stat st {};
        if (::fstat(::fileno(stream_), &st) != 0) {
            error = "could not stat file \"" + name_ + "\": " + errno_text(errno);
        } else if (S_ISDIR(st.st_mode)) {
            error = name_ + ": cannot copy from/to a directory";
        } else {
            return true;
        }
        (void)close(error);
        return false;
    }

    std::FILE* get() const noexcept { return stream_; }
    bool is_stdout() const noexcept { return stream_ == stdout; }

    // Closes a file or waits for the program; false with psql's message when that fails.
    bool close(std::string& error) {
        if (!owned_) {
            return true;
        }
        owned_ = false;
        bool ok = true;
        if (program_) {
            const int status = ::pclose(stream_);
            if (status == -1) {
                error = "could not close pipe to external command: " + errno_text(errno);
                ok = false;
            } else if (status != 0) {
                error = name_ + ": " + exit_status_text(status);
                ok = false;
            }
            restore_sigpipe();
        } else if (std::fclose(stream_) != 0) {
            error = name_ + ": " + errno_text(errno);
            ok = false;
        }
        stream_ = nullptr;
        return ok;
    }

private:
    void restore_sigpipe() {
        if (sigpipe_saved_) {
            sigaction(SIGPIPE, &old_sigpipe_, nullptr);
            sigpipe_saved_ = false;
        }
    }

    std::FILE* stream_ = nullptr;
    std::string name_;  // the file's path or the program's command, for messages
    bool owned_ = false;
    bool program_ = false;
    bool sigpipe_saved_ = false;
    struct sigaction old_sigpipe_ {};
};

std::uint64_t count_lines(std::span<const std::byte> data) {
    std::uint64_t n = 0;
    for (const std::byte b : data) {
        n += b == std::byte{'\n'} ? 1 : 0;
    }
    return n;
}

// A query whose rows have no columns (`SELECT FROM t`) reports no columns, like a command does;
// psql prints it as a table. SELECT ... INTO is a command whose tag is SELECT n.
bool returns_empty_rows(const std::vector<std::string>& words, const std::string& tag) {
    if (!tag.starts_with("SELECT ") || words.empty() || contains(words, "into")) {
        return false;
    }
    return words[0] == "select" || words[0] == "values" || words[0] == "table" || words[0] == "with";
}

class session {
public:
    session(connection& conn, const cli_options& options) : conn_(conn), options_(options) {
        print_.format = options.format;
        print_.tuples_only = options.tuples_only;
        if (options.field_separator) {
            print_.field_separator = *options.field_separator;
        }
        if (options.record_separator) {
            print_.record_separator = *options.record_separator;
        }
    }

    // Reads the settings that change the text of values. Errors: those of the query.
    task<bool> refresh_settings() {
        apply_reported_settings();
        if (conn_.transaction_status() == 'E') {
            co_return true;  // nothing runs in a failed transaction; the values have not changed
        }
        result<rows> r = co_await conn_.try_query(
            "SELECT current_setting('extra_float_digits'), current_setting('bytea_output')");
        if (!r) {
            report_failure(r.error(), r.diag(), {}, "");
            co_return false;
        }
        std::string digits;
        std::string bytea;
        if (r->size() != 1 || r->columns().size() != 2 || (*r)[0][0].get(digits) || (*r)[0][1].get(bytea)) {
            write_stderr("pgring: error: cannot read extra_float_digits and bytea_output\n");
            co_return false;
        }
        settings_.apply("extra_float_digits", digits);
        settings_.apply("bytea_output", bytea);
        co_return true;
    }

    // Runs every statement of `s`; returns the exit status.
    task<int> run_script(const script& s) {
        int status = exit_ok;
        // A named vector: g++ 12 mishandles a range-for temporary across co_await.
        const std::vector<script_item> items =
            s.from_file ? split_script_with_copy_data(s.text) : split_command_string(s.text);
        for (const script_item& item : items) {
            // psql runs a -c string as a meta-command only when it starts with the backslash.
            const bool copy = item.text == "\\copy" && (s.from_file || item.offset == 0);
            if (item.kind == script_item::kind_t::meta_command && !copy) {
                // Before anything of the script runs: a meta-command changes how the rest reads.
                write_stderr(prefix(s, item) + "pgring: " + item.text +
                             (item.text == "\\copy" ? " must start its -c argument\n" : " is not supported\n"));
                co_return exit_error;
            }
        }
        // Without ON_ERROR_STOP, psql's outcome: a -c string is one simple Query, so its first
        // error ends that string and makes its status 1; a file goes on with its next statement
        // and its errors leave the status 0.
        for (const script_item& item : items) {
            status = co_await run_statement(s, item);
            if (status == exit_ok) {
                continue;
            }
            if (status == exit_connection || !s.from_file) {
                co_return status;
            }
            if (options_.on_error_stop) {
                co_return exit_script_stopped;
            }
            status = exit_ok;
        }
        co_return status;
    }

private:
    static std::string prefix(const script& s, const script_item& item) {
        if (!s.from_file) {
            return {};
        }
        return "pgring:" + (s.file_name == "-" ? std::string("<stdin>") : s.file_name) + ":" +
               std::to_string(item.line) + ": ";
    }

    // The settings the server reports (ParameterStatus) whenever they change.
    void apply_reported_settings() {
        for (const char* name : {"DateStyle", "IntervalStyle", "TimeZone"}) {
            if (const std::optional<std::string> v = conn_.parameter(name)) {
                settings_.apply(name, *v);
            }
        }
    }

    // A client-side error of a meta-command, as psql writes it: bare for a -c string, after
    // `pgring:file:line: error: ` in a file.
    static void report_client_error(const script& s, const script_item& item, const std::string& message) {
        write_stderr(s.from_file ? prefix(s, item) + "error: " + message + "\n" : message + "\n");
    }

    task<int> run_statement(const script& s, const script_item& item) {
        apply_reported_settings();
        operations ops = options_.timeout ? conn_.with({.timeout = *options_.timeout}) : conn_.with({});
        if (item.kind == script_item::kind_t::meta_command) {
            const int copy_status = co_await run_meta_copy(s, item, ops);
            co_return copy_status;
        }
        const std::vector<std::string> words = statement_words(item.text);
        if (is_copy_with_client(words)) {
            const int copy_status = co_await run_copy(s, item, words, ops);
            co_return copy_status;
        }
        result<rows> r = co_await ops.try_query(item.text);
        if (!r) {
            // psql's LINE context counts lines in what it sent: the whole -c string, or one
            // statement of a file.
            const statement_origin origin =
                s.from_file ? statement_origin{item.text, 0} : statement_origin{s.text, item.offset};
            report_failure(r.error(), r.diag(), origin, prefix(s, item));
            if (!conn_.is_open()) {
                write_stderr(
                    "server closed the connection unexpectedly\n"
                    "\tThis probably means the server terminated abnormally\n"
                    "\tbefore or while processing the request.\n"
                    "connection to server was lost\n");
                co_return exit_connection;
            }
            co_return exit_error;
        }
        const std::string& tag = r->command_tag();
        std::string out;
        if (!r->columns().empty() || returns_empty_rows(words, tag)) {
            if (!render(*r, out)) {
                co_return exit_error;
            }
            const bool dml =
                tag.starts_with("INSERT") || tag.starts_with("UPDATE") || tag.starts_with("DELETE");
            if (dml && show_tags()) {
                out += tag + "\n";
            }
        } else if (show_tags() && !tag.empty()) {
            out += tag + "\n";
        }
        write_stdout(out);
        if (tag == "SET" || tag == "RESET" || tag.starts_with("DISCARD") || tag == "ROLLBACK" ||
            tag == "COMMIT") {
            const bool ok = co_await refresh_settings();
            if (!ok) {
                co_return exit_error;
            }
        }
        co_return exit_ok;
    }

    // COPY ... TO STDOUT writes the data to stdout (no tag, as psql); COPY ... FROM STDIN reads
    // the lines that follow it in a file, or this program's stdin, and prints its tag.
    task<int> run_copy(const script& s, const script_item& item, const std::vector<std::string>& words,
                       operations ops) {
        result<command_result> r = command_result{};
        if (is_copy_from_stdin(item.text)) {
            if (item.copy_data) {
                r = co_await ops.try_copy_in(item.text, std::string_view(*item.copy_data));
            } else {
                r = co_await ops.try_copy_in(item.text, stream_copy_source(stdin, contains(words, "binary")));
            }
        } else {
            r = co_await ops.try_copy_out(item.text, [](std::span<const std::byte> data) {
                std::fwrite(data.data(), 1, data.size(), stdout);
            });
        }
        if (!r) {
            const statement_origin origin =
                s.from_file ? statement_origin{item.text, 0} : statement_origin{s.text, item.offset};
            report_failure(r.error(), r.diag(), origin, prefix(s, item));
            co_return conn_.is_open() ? exit_error : exit_connection;
        }
        if (is_copy_from_stdin(item.text) && show_tags()) {
            write_stdout(r->command_tag + "\n");
        }
        co_return exit_ok;
    }

    // \copy, as psql's do_copy: the client's side opened first (a missing file fails before the
    // server sees anything), then COPY ... FROM STDIN / TO STDOUT with the data of that side.
    // The tag is printed unless the data went to stdout; a progress line is drawn on stderr when
    // it is a terminal and the data does not come from or go to a terminal.
    task<int> run_meta_copy(const script& s, const script_item& item, operations ops) {
        const std::optional<std::string> scs = conn_.parameter("standard_conforming_strings");
        copy_command cmd;
        std::string error;
        if (!parse_copy_command(item.arguments, !scs || *scs == "on", cmd, error)) {
            report_client_error(s, item, error);
            co_return exit_error;
        }
        // In a file, `\copy ... from stdin` reads the lines after it (split_script_with_copy_data).
        const std::string* inline_data =
            cmd.from && cmd.endpoint == copy_endpoint::script && item.copy_data ? &*item.copy_data : nullptr;
        copy_stream stream;
        if (inline_data == nullptr && !stream.open(cmd, error)) {
            report_client_error(s, item, error);
            co_return exit_error;
        }
        const std::string sql = cmd.sql();
        const bool binary = contains(statement_words(sql), "binary");
        const bool data_on_terminal = inline_data == nullptr && ::isatty(::fileno(stream.get())) != 0;
        copy_progress progress(::isatty(STDERR_FILENO) != 0 && !data_on_terminal, !(cmd.from && binary));
        result<command_result> r = command_result{};
        int write_error = -1;  // errno of the first failed write of COPY TO data
        if (inline_data != nullptr) {
            std::size_t offset = 0;
            r = co_await ops.try_copy_in(sql, [inline_data, &offset, &progress](std::span<std::byte> buffer) {
                const std::size_t n = std::min(buffer.size(), inline_data->size() - offset);
                std::memcpy(buffer.data(), inline_data->data() + offset, n);
                offset += n;
                progress.add(count_lines(buffer.first(n)), n);
                return n;
            });
        } else if (cmd.from) {
            stream_copy_source source(stream.get(), binary);
            r = co_await ops.try_copy_in(sql, [&source, &progress](std::span<std::byte> buffer) {
                const std::size_t n = source(buffer);
                progress.add(count_lines(buffer.first(n)), n);
                return n;
            });
        } else {
            std::FILE* out = stream.get();
            r = co_await ops.try_copy_out(
                sql, [out, &write_error, &progress](std::span<const std::byte> data) {
                    progress.add(1, data.size());
                    if (write_error < 0 && std::fwrite(data.data(), 1, data.size(), out) != data.size()) {
                        write_error = errno;
                    }
                });
            if (write_error < 0 && std::fflush(out) != 0) {
                write_error = errno;
            }
        }
        progress.finish();
        if (write_error >= 0) {
            report_client_error(s, item, "could not write COPY data: " + errno_text(write_error));
        }
        int status = exit_ok;
        if (!r) {
            report_failure(r.error(), r.diag(), statement_origin{sql, 0}, prefix(s, item));
            status = conn_.is_open() ? exit_error : exit_connection;
        } else {
            if (show_tags() && !(!cmd.from && stream.is_stdout())) {
                write_stdout(r->command_tag + "\n");
            }
            status = write_error >= 0 ? exit_error : exit_ok;
        }
        std::fflush(stdout);  // the tag before anything a program writes when it ends
        if (!stream.close(error)) {
            report_client_error(s, item, error);
            status = status == exit_ok ? exit_error : status;
        }
        co_return status;
    }

    bool show_tags() const noexcept { return !options_.quiet && options_.format != output_format::json; }

    bool render(const rows& rs, std::string& out) {
        result_table table;
        for (const column& c : rs.columns()) {
            table.columns.push_back({c.name, c.type});
        }
        table.rows.reserve(rs.size());
        for (const row_view r : rs) {
            std::vector<std::optional<std::string>> values;
            values.reserve(r.size());
            for (const field_view f : r) {
                if (f.is_null()) {
                    values.emplace_back();
                    continue;
                }
                std::string text;
                if (const std::error_code ec =
                        render_text(f.type(), f.format(), f.bytes(), settings_, &conn_.types(), text)) {
                    write_stderr("pgring: error: cannot show a value of type " + std::to_string(f.type()) +
                                 ": " + ec.message() + "\n");
                    return false;
                }
                values.emplace_back(std::move(text));
            }
            table.rows.push_back(std::move(values));
        }
        print_table(table, print_, out);
        return true;
    }

    void report_failure(std::error_code ec, const diagnostics& d, const statement_origin& origin,
                        const std::string& where) {
        if (ec == errc::timeout && options_.timeout) {
            char seconds[32];
            const auto [end, ignored] = std::to_chars(seconds, seconds + sizeof seconds,
                                                      static_cast<double>(options_.timeout->count()) / 1000);
            write_stderr(where + "pgring: error: the statement ran longer than --timeout " +
                         std::string(seconds, end) + " s and was cancelled\n");
            return;
        }
        if (!d.severity.empty() && !d.message.empty()) {
            write_stderr(format_server_message(d, origin, where));
            return;
        }
        write_stderr(
            where + "pgring: error: " + (!d.client_message.empty() ? d.client_message : ec.message()) + "\n");
    }

    connection& conn_;
    const cli_options& options_;
    print_options print_;
    text_settings settings_;
};

// Ctrl-C as in psql: a CancelRequest for the running statement, which then fails with
// "canceling statement due to user request"; a second Ctrl-C ends the program at once. SIGINT is
// blocked in every thread and taken by a thread of its own with sigwait(), which hands the
// cancel to the loop thread with loop::post() (nothing runs in signal-handler context).
class interrupt_handler {
public:
    explicit interrupt_handler(loop& lp) : lp_(lp) {
        sigemptyset(&signals_);
        sigaddset(&signals_, SIGINT);
        pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
        thread_ = std::thread([this] { wait_for_interrupts(); });
    }
    interrupt_handler(const interrupt_handler&) = delete;
    interrupt_handler& operator=(const interrupt_handler&) = delete;
    ~interrupt_handler() {
        stopping_ = true;
        pthread_kill(thread_.native_handle(), SIGINT);
        thread_.join();
    }
    /// The connection to cancel statements on (null: none). Thread: the loop thread.
    void watch(connection* conn) noexcept { conn_ = conn; }
    /// From now on Ctrl-C closes the watched connection instead of cancelling (the end of
    /// --listen), and interrupted() turns true. Thread: the loop thread.
    void close_on_interrupt() noexcept { close_on_interrupt_ = true; }
    /// True once Ctrl-C closed the connection (see close_on_interrupt()). Thread: the loop thread.
    bool interrupted() const noexcept { return interrupted_; }

private:
    void wait_for_interrupts() {
        int interrupts = 0;
        while (true) {
            int sig = 0;
            if (sigwait(&signals_, &sig) != 0 || stopping_) {
                return;
            }
            if (++interrupts > 1) {
                static const char message[] = "pgring: interrupted\n";
                (void)::write(STDERR_FILENO, message, sizeof message - 1);
                std::_Exit(exit_error);
            }
            lp_.post([this] {
                if (close_on_interrupt_) {
                    interrupted_ = true;
                    if (conn_ != nullptr) {
                        conn_->close();  // wakes the notification wait with connection_closed
                    }
                    return;
                }
                if (conn_ != nullptr && conn_->is_open()) {
                    conn_->cancel();
                    write_stderr("Cancel request sent\n");
                }
            });
        }
    }

    loop& lp_;
    sigset_t signals_{};
    std::atomic<bool> stopping_{false};
    connection* conn_ = nullptr;
    bool close_on_interrupt_ = false;  // loop thread only, as conn_
    bool interrupted_ = false;
    std::thread thread_;
};

bool read_script(const script_source& src, script& out) {
    out.from_file = src.is_file;
    if (!src.is_file) {
        out.text = src.text;
        return true;
    }
    out.file_name = src.text;
    if (src.text == "-") {
        out.text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        return true;
    }
    std::ifstream in(src.text, std::ios::binary);
    if (!in) {
        write_stderr("pgring: error: " + src.text + ": " +
                     std::error_code(errno, std::generic_category()).message() + "\n");
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    out.text = std::move(text).str();
    return true;
}

task<int> run_scripts(connection& conn, const cli_options& options);
task<int> run_listen(connection& conn, const cli_options& options, interrupt_handler& interrupts);

task<int> run_cli(loop& lp, interrupt_handler& interrupts, const cli_options& options,
                  const std::string& conninfo) {
    connection_options copts;
    copts.text_result_types = text_result_types();
    copts.on_notice = [](const diagnostics& d) { write_stderr(format_server_message(d, {}, "", false)); };
    result<connection> c = co_await connection::try_connect(lp, conninfo, std::move(copts));
    if (!c) {
        const diagnostics& d = c.diag();
        std::string text = !d.client_message.empty() ? d.client_message
                                                     : (!d.message.empty() ? d.message : c.error().message());
        write_stderr("pgring: error: " + text + "\n");
        co_return exit_connection;
    }
    connection conn = std::move(*c);
    interrupts.watch(&conn);
    int status = exit_ok;
    if (options.listen_channels.empty()) {
        status = co_await run_scripts(conn, options);
    } else {
        status = co_await run_listen(conn, options, interrupts);
    }
    interrupts.watch(nullptr);
    co_return status;
}

// psql's line for a notification (PrintNotifications in psql's common.c has the wording).
std::string notification_line(const notification& n) {
    std::string line = "Asynchronous notification \"" + n.channel + "\"";
    if (!n.payload.empty()) {
        line += " with payload \"" + n.payload + "\"";
    }
    line += " received from server process with PID " + std::to_string(n.process_id) + ".\n";
    return line;
}

// --listen: LISTEN on every channel, run the -c/-f scripts (they may NOTIFY), then print each
// notification as it arrives until Ctrl-C (exit 0) or the loss of the connection (exit 2).
task<int> run_listen(connection& conn, const cli_options& options, interrupt_handler& interrupts) {
    for (const std::string& channel : options.listen_channels) {
        result<void> r = co_await conn.try_listen(channel);
        if (!r) {
            const diagnostics& d = r.diag();
            if (!d.severity.empty() && !d.message.empty()) {
                write_stderr(format_server_message(d, {}, ""));
            } else {
                write_stderr("pgring: error: " + (!d.client_message.empty() ? d.client_message : r.error().message()) +
                             "\n");
            }
            co_return conn.is_open() ? exit_error : exit_connection;
        }
    }
    if (!options.scripts.empty()) {
        const int status = co_await run_scripts(conn, options);
        if (status != exit_ok) {
            co_return status;
        }
    }
    notification_stream stream = conn.notifications();
    interrupts.close_on_interrupt();
    for (;;) {
        result<notification> n = co_await stream.next();
        if (!n) {
            if (interrupts.interrupted()) {
                co_return exit_ok;
            }
            // As psql: the server's last word (a FATAL such as an administrator's termination),
            // then the loss.
            const diagnostics& d = n.diag();
            if (!d.severity.empty() && !d.message.empty()) {
                write_stderr(format_server_message(d, {}, ""));
            } else if (!d.client_message.empty()) {
                write_stderr("pgring: error: " + d.client_message + "\n");
            }
            write_stderr("connection to server was lost\n");
            co_return exit_connection;
        }
        write_stdout(notification_line(*n));
        std::fflush(stdout);
    }
}

task<int> run_scripts(connection& conn, const cli_options& options) {
    session s(conn, options);
    const bool ok = co_await s.refresh_settings();
    if (!ok) {
        co_return exit_error;
    }
    std::vector<script_source> sources = options.scripts;
    if (sources.empty()) {
        sources.push_back({true, "-"});
    }
    int status = exit_ok;
    for (const script_source& src : sources) {
        script sc;
        if (!read_script(src, sc)) {
            status = exit_error;
            if (options.on_error_stop) {
                break;
            }
            continue;
        }
        status = co_await s.run_script(sc);
        if (status == exit_connection || (status != exit_ok && options.on_error_stop)) {
            break;
        }
    }
    std::fflush(stdout);
    co_return status;
}

}  // namespace
}  // namespace pgring::cli

int main(int argc, char** argv) {
    using namespace pgring::cli;
    cli_options options;
    std::string error;
    if (!parse_options(argc, argv, options, error)) {
        std::fprintf(stderr, "pgring: error: %s\npgring: hint: Try \"pgring --help\" for more information.\n",
                     error.c_str());
        return exit_error;
    }
    if (options.help) {
        std::fputs(help_text(), stdout);
        return exit_ok;
    }
    if (options.version) {
        std::printf("pgring %s\n", PGRING_CLI_VERSION);
        return exit_ok;
    }
    std::string conninfo;
    if (!build_conninfo(options, conninfo, error)) {
        std::fprintf(stderr, "pgring: error: %s\n", error.c_str());
        return exit_connection;
    }
    try {
        pgring::loop lp;
        interrupt_handler interrupts(lp);
        return lp.run(run_cli(lp, interrupts, options, conninfo));
    } catch (const std::exception& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "pgring: error: %s\n", e.what());
        return exit_error;
    }
}
