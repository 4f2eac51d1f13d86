#pragma once

// socket_driver: drives one wire::session over a blocking TCP or unix-domain socket.
//
// For integration tests, the demo and corpus capture, until the io_uring driver exists. The
// session does the protocol; this class only moves bytes:
//
//   recv buffer (64 KiB, fixed):  [ consumed | unconsumed input | free ]
//                                            ^begin_            ^end_
//
// next_event() hands [begin_, end_) to session::consume(), which decodes in place and advances
// the span; when the session needs more bytes, the driver first flushes the write buffer, then
// moves any unconsumed bytes to the front and recv()s into the free part. While flushing, it
// also reads whatever the server sends (into the free part), so a large pipelined write cannot
// deadlock against a server that is blocked writing its results. An event's views point into
// the recv buffer (or the session's reassembly buffer) and die at the next next_event().
//
// Every blocking wait has a deadline (io_timeout); when it passes, the event is `fatal` with
// errc::timeout, so a test never hangs.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <pgring/diagnostics.hpp>
#include <pgring/error.hpp>
#include <pgring/oid.hpp>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "wire/session.hpp"
#include "wire/write_buffer.hpp"

namespace pgring::test {

/// Where and as whom to connect.
struct connection_params {
    std::string host = "127.0.0.1";  ///< an IP address or host name; a path: unix-socket directory
    std::uint16_t port = 5432;
    std::string user = "postgres";
    std::string password;
    std::string database;
};

/// Parses a libpq-style DSN: a `postgresql://` (or `postgres://`) URI
/// (postgresql://user:password@host:port/database, percent-decoding, `?host=/dir` for a unix
/// socket) or `key=value` pairs (host, hostaddr, port, user, dbname, password; values may be
/// single-quoted). Keys it does not know are ignored. Fields not given keep their value in `out`.
/// Errors: errc::invalid_conninfo with `why` filled.
[[nodiscard]] std::error_code parse_dsn(std::string_view dsn, connection_params& out,
                                        std::string* why = nullptr);

/// Session options from connection parameters (user, database, password).
wire::session_options to_session_options(const connection_params& p);

/// One statement's result: description, rows (text or binary bytes, nullopt for NULL), tag.
struct statement_result {
    std::vector<std::string> columns;
    std::vector<oid_t> column_types;
    std::vector<std::int16_t> column_formats;
    std::vector<std::vector<std::optional<std::string>>> rows;
    std::string command_tag;
    bool empty_query = false;  ///< EmptyQueryResponse
    bool suspended = false;    ///< PortalSuspended (Execute with a row limit)
    std::string copy_out;      ///< COPY TO STDOUT: the CopyData bytes, concatenated
    std::error_code ec;        ///< the server's error for this statement
    diagnostics error;         ///< its fields
};

/// A notification received (LISTEN/NOTIFY).
struct notification {
    std::int32_t process_id = 0;
    std::string channel;
    std::string payload;
};

/// Everything one Query or one Sync produced, up to its ReadyForQuery.
struct query_result {
    std::vector<statement_result> statements;
    std::vector<diagnostics> notices;
    std::vector<notification> notifications;
    std::vector<oid_t> parameter_types;  ///< ParameterDescription, when a statement was described
    std::error_code ec;                  ///< the first error (server or client/fatal)
    diagnostics error;                   ///< its fields
    bool fatal = false;                  ///< the connection is unusable (ec says why)
    char transaction_status = 0;         ///< from ReadyForQuery; 0 when it never came
    bool in_statement = false;           ///< accumulate() state: the last statement is still open

    bool ok() const noexcept { return !ec; }
    /// The rows of the only (or last) statement; empty when there is none.
    const std::vector<std::vector<std::optional<std::string>>>& rows() const;
};

/// A parameter of extended_query(): bytes in text or binary format, or NULL.
struct param {
    std::optional<std::string> value;
    std::int16_t format = 0;  ///< 0 text, 1 binary
    oid_t type = 0;           ///< 0: the server infers it

    static param text(std::string v, oid_t type = 0) { return {std::move(v), 0, type}; }
    static param binary(std::string v, oid_t type) { return {std::move(v), 1, type}; }
    static param null(oid_t type = 0) { return {std::nullopt, 0, type}; }
    /// A binary int4 (OID 23) parameter.
    static param int4(std::int32_t v);
    /// A binary int8 (OID 20) parameter.
    static param int8(std::int64_t v);
};

/// Big-endian helpers for binary results.
std::int32_t decode_int4(std::string_view bytes);
std::int64_t decode_int8(std::string_view bytes);

class socket_driver {
public:
    static constexpr std::size_t recv_buffer_size = 64 * 1024;

    explicit socket_driver(wire::session_options options);
    socket_driver(const socket_driver&) = delete;
    socket_driver& operator=(const socket_driver&) = delete;
    ~socket_driver();

    /// Deadline for each blocking wait (default 30 s).
    void set_io_timeout(std::chrono::milliseconds t) noexcept { io_timeout_ = t; }
    /// Keeps a copy of every byte received from the server (see recorded()).
    void set_recording(bool on) noexcept { recording_ = on; }
    const std::vector<std::byte>& recorded() const noexcept { return recorded_; }
    void clear_recorded() noexcept { recorded_.clear(); }

    /// Opens the socket: TCP (with TCP_NODELAY) when `host` is an address or name, the
    /// unix-domain socket `host`/.s.PGSQL.`port` when `host` starts with '/'.
    /// Errors: the system error of socket()/connect(), or errc::invalid_conninfo for a bad host.
    [[nodiscard]] std::error_code connect(const std::string& host, std::uint16_t port);
    /// Sends the StartupMessage and runs authentication until the first ReadyForQuery.
    /// Errors: the fatal or error event's code; session().last_error() has the diagnostics.
    [[nodiscard]] std::error_code startup();
    /// connect() and startup().
    [[nodiscard]] std::error_code open(const connection_params& p);

    /// The next event, reading from the socket when the session needs more bytes (after
    /// flushing the write buffer). Socket EOF or error gives the session's connection_lost()
    /// event; a passed deadline gives a `fatal` event with errc::timeout.
    wire::event next_event();
    /// Sends everything pending in the write buffer (reading incoming bytes meanwhile).
    /// Errors: the send error, connection_closed, timeout.
    /// Lifetime: may move unconsumed input, so the views of the last event die here too.
    [[nodiscard]] std::error_code flush();

    /// Query with `sql`; collects everything up to ReadyForQuery. A COPY FROM STDIN in it is
    /// answered with CopyFail.
    query_result simple_query(std::string_view sql);
    /// Parse (unnamed), Bind, Describe portal, Execute, Sync; collects up to ReadyForQuery.
    /// `result_format`: 0 text, 1 binary for every column.
    query_result extended_query(std::string_view sql, std::span<const param> params = {},
                                std::int16_t result_format = 0);
    /// Queues Bind (unnamed portal, statement `statement`), Execute and Sync without flushing.
    [[nodiscard]] std::error_code queue_bind_execute_sync(std::string_view statement,
                                                          std::span<const param> params,
                                                          std::int16_t result_format = 0);
    /// Query with a COPY ... FROM STDIN: sends `data` in CopyData messages of at most `chunk`
    /// bytes, then CopyDone; collects up to ReadyForQuery.
    query_result copy_in(std::string_view sql, std::string_view data, std::size_t chunk = 8192);
    /// Reads events up to the next ReadyForQuery (or a fatal event) and collects them.
    query_result collect();

    /// Sends Terminate and closes the socket.
    void close();
    /// Closes the socket without Terminate.
    void abort() noexcept;

    wire::session& session() noexcept { return session_; }
    wire::write_buffer& out() noexcept { return out_; }
    int fd() const noexcept { return fd_; }
    /// Error of the last socket operation (empty when none failed).
    const std::error_code& io_error() const noexcept { return io_error_; }

    /// Adds an event to `r` (used by collect(); public for tests that drive events themselves).
    /// Returns true when the event ends the result (ReadyForQuery or fatal).
    bool accumulate(const wire::event& ev, query_result& r);

private:
    // Reads into the free part of the buffer; `wait` blocks (up to the deadline) for data.
    // Returns bytes read, 0 on EOF (eof_ set), -1 on error or timeout (io_error_ set).
    long fill(bool wait);
    void compact() noexcept;
    wire::event lost();

    wire::session session_;
    wire::write_buffer out_;
    std::unique_ptr<std::byte[]> buf_;
    std::size_t begin_ = 0;  // first unconsumed byte
    std::size_t end_ = 0;    // one past the last received byte
    int fd_ = -1;
    bool eof_ = false;
    bool recording_ = false;
    std::vector<std::byte> recorded_;
    std::error_code io_error_;
    std::chrono::milliseconds io_timeout_{30000};
    std::string_view copy_in_data_;  // what accumulate() sends on CopyInResponse (copy_in())
    std::size_t copy_in_chunk_ = 8192;
    bool copy_in_active_ = false;
    bool write_failed_ = false;
};

}  // namespace pgring::test
