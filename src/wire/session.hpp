#pragma once

// wire::session: the sans-io state machine of one PostgreSQL connection (protocol 3.0).
//
// It is driven and never drives. Three kinds of member:
//   commands  send_*(write_buffer&, ...)  append frontend messages and push what the server will
//             answer onto the in-flight queue, so any number of requests can be pipelined;
//   input     consume(input, out)         frames and decodes the next backend message, advances
//             `input`, and returns one event (views into the input, valid until the next
//             consume() call or until the input buffer is released); it may append replies to
//             `out` during authentication, which the driver flushes like any other write;
//   queries   transaction_status(), backend_key(), parameter(), last_error(), state().
// It never does I/O, never reads a clock, never allocates per row.
//
// States (one handler each):
//
//   initial --start()--> startup --AuthenticationOk--> startup_parameters --ReadyForQuery--> ready
//               |  cleartext/md5: PasswordMessage, wait Ok            ^           |
//               |  SASL: sasl_continue --> sasl_final --> (wait Ok)   |   CopyIn/Out/BothResponse
//               v                                                     |           v
//            failed  <--- protocol error, FATAL ErrorResponse,       copy_in / copy_out / copy_both
//                         connection lost (from any state)
//   terminate() -> closed
//
// In `ready` each backend message is checked against the front of the in-flight queue
// (expectation): ParseComplete for Parse, ParameterDescription + RowDescription|NoData for
// Describe statement, DataRow* + CommandComplete|EmptyQueryResponse|PortalSuspended for Execute,
// ReadyForQuery for Sync or Query. After an ErrorResponse in the extended protocol the server
// skips to the next Sync, so the session drops the expectations up to it; the connection stays
// usable. NoticeResponse, NotificationResponse and ParameterStatus may come at any time and
// are returned as their own events.

#include <pgring/diagnostics.hpp>
#include <pgring/error.hpp>
#include <pgring/oid.hpp>

#include "wire/backend.hpp"
#include "wire/framing.hpp"
#include "wire/frontend.hpp"
#include "wire/scram.hpp"
#include "wire/write_buffer.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace pgring::wire {

/// What the session needs to start a connection.
struct session_options {
    std::string user;
    std::string database;          ///< empty: the server uses the user name
    std::string application_name;  ///< empty: not sent
    std::string options;           ///< command-line options for the backend ("-c geqo=off")
    std::vector<std::pair<std::string, std::string>> parameters;  ///< other run-time parameters
    std::string password;
    std::uint32_t scram_max_iterations = scram_sha256::default_max_iterations;
    /// Tests and fuzzing only: a fixed SCRAM client nonce, so a recorded conversation replays.
    /// Empty (the default) means a fresh random nonce per connection; never set it otherwise.
    std::string scram_client_nonce;
    std::size_t max_message_size = frame_reader::default_max_message_size;
    bool allow_cleartext_password = true;  ///< false: refuse AuthenticationCleartextPassword
    bool allow_md5_password = true;        ///< false: refuse AuthenticationMD5Password
};

enum class session_state : std::uint8_t {
    initial,
    startup,             ///< StartupMessage sent, waiting for an authentication request
    password_sent,       ///< cleartext/md5 password sent, waiting for AuthenticationOk
    sasl_continue,       ///< SASLInitialResponse sent, waiting for AuthenticationSASLContinue
    sasl_final,          ///< SASLResponse sent, waiting for AuthenticationSASLFinal
    sasl_ok,             ///< server signature verified, waiting for AuthenticationOk
    startup_parameters,  ///< authenticated; BackendKeyData/ParameterStatus until ReadyForQuery
    ready,               ///< normal operation (requests may be in flight)
    copy_in,             ///< CopyInResponse received: send CopyData, then CopyDone or CopyFail
    copy_out,            ///< CopyOutResponse received: CopyData until CopyDone
    copy_both,           ///< CopyBothResponse received (replication)
    closed,              ///< Terminate sent
    failed,              ///< unusable: last_error() says why
};

enum class event_kind : std::uint8_t {
    need_more,              ///< the input is used up; call again with more bytes
    authenticated,          ///< AuthenticationOk
    ready,                  ///< the first ReadyForQuery: the connection is usable
    backend_key_data,       ///< msg: backend_key_data (also kept: backend_key())
    parameter_status,       ///< msg: parameter_status (also kept: parameter())
    notice,                 ///< msg: error_response (a NoticeResponse)
    notification,           ///< msg: notification_response
    parse_complete,
    bind_complete,
    close_complete,
    parameter_description,  ///< msg: parameter_description
    row_description,        ///< msg: row_description
    no_data,
    data_row,               ///< msg: data_row
    command_complete,       ///< msg: command_complete
    empty_query,
    portal_suspended,
    copy_in_response,       ///< msg: copy_response
    copy_out_response,      ///< msg: copy_response
    copy_both_response,     ///< msg: copy_response
    copy_data,              ///< msg: copy_data
    copy_done,
    ready_for_query,        ///< msg: ready_for_query; one Sync or Query is done
    error,                  ///< a server error for the current request: ec, last_error()
    fatal,                  ///< the connection is unusable: ec, last_error()
};

/// The name of an event kind, for messages and test output.
std::string_view event_name(event_kind k) noexcept;

/// One thing the session learned. Lifetime: `msg` views die at the next consume().
struct event {
    event_kind kind = event_kind::need_more;
    backend::message msg;
    std::error_code ec;
};

class session {
public:
    explicit session(session_options options);
    session(const session&) = delete;
    session& operator=(const session&) = delete;
    ~session();

    // ---- commands ----------------------------------------------------------------------

    /// Writes the StartupMessage (with client_encoding=UTF8). Errors: invalid_state unless
    /// initial; embedded_nul in an option.
    [[nodiscard]] std::error_code start(write_buffer& out);
    /// Query (simple protocol): any number of statements, results in text.
    [[nodiscard]] std::error_code send_query(write_buffer& out, std::string_view sql);
    /// Parse.
    [[nodiscard]] std::error_code send_parse(write_buffer& out, std::string_view statement, std::string_view sql,
                                             std::span<const oid_t> parameter_types = {});
    /// Bind with parameters as bytes.
    [[nodiscard]] std::error_code send_bind(write_buffer& out, std::string_view portal, std::string_view statement,
                                            std::span<const std::int16_t> parameter_formats,
                                            std::span<const frontend::raw_parameter> parameters,
                                            std::span<const std::int16_t> result_formats);
    /// Bind whose parameters the caller encodes itself (codecs): call begin_bind(), fill the
    /// encoder, then end_bind(). Errors of end_bind: those of bind_encoder::finish, invalid_state.
    [[nodiscard]] std::error_code end_bind(frontend::bind_encoder& encoder,
                                           std::span<const std::int16_t> result_formats);
    /// Describe statement ('S'): ParameterDescription, then RowDescription or NoData.
    [[nodiscard]] std::error_code send_describe_statement(write_buffer& out, std::string_view statement);
    /// Describe portal ('P'): RowDescription or NoData.
    [[nodiscard]] std::error_code send_describe_portal(write_buffer& out, std::string_view portal);
    /// Execute. `columns` is the number of columns each DataRow must have when known (from a
    /// cached description); -1 takes it from the latest RowDescription in this pipeline.
    [[nodiscard]] std::error_code send_execute(write_buffer& out, std::string_view portal, std::int32_t max_rows = 0,
                                               std::int32_t columns = -1);
    /// Close statement ('S') or portal ('P').
    [[nodiscard]] std::error_code send_close(write_buffer& out, char kind, std::string_view name);
    /// Sync: ends an extended-query batch; answered by ReadyForQuery.
    [[nodiscard]] std::error_code send_sync(write_buffer& out);
    /// Flush: asks the server to send what it has (no answer of its own).
    [[nodiscard]] std::error_code send_flush(write_buffer& out);
    /// CopyData (copy_in or copy_both only).
    [[nodiscard]] std::error_code send_copy_data(write_buffer& out, std::span<const std::byte> data);
    /// CopyDone (copy_in or copy_both only); in the extended protocol also a Sync when needed.
    [[nodiscard]] std::error_code send_copy_done(write_buffer& out);
    /// CopyFail (copy_in only): the server answers with an ErrorResponse.
    [[nodiscard]] std::error_code send_copy_fail(write_buffer& out, std::string_view message);
    /// Terminate; the session is closed afterwards.
    void terminate(write_buffer& out);

    // ---- input -------------------------------------------------------------------------

    /// Consumes bytes from the front of `input` (advancing it) until one event is known.
    /// May append authentication replies to `out`.
    event consume(std::span<const std::byte>& input, write_buffer& out);
    /// The fast path for the rows of an Execute (what consume() would return as a data_row
    /// event, without building the event): when the next message, whole in `input`, is a
    /// DataRow answering the front Execute, checks it as consume() does, consumes it and sets
    /// `row`. Otherwise returns false and consumes nothing: consume() takes it from there.
    bool next_data_row(std::span<const std::byte>& input, backend::data_row& row);
    /// next_data_row() in a loop, with the session's state checked once: hands each DataRow
    /// answering the front Execute to `on_row(context, row)` until the next message is not one
    /// (or is not whole in `input`), at most `max_rows`. Returns the number of rows taken.
    std::size_t take_data_rows(std::span<const std::byte>& input,
                               void (*on_row)(void* context, const backend::data_row& row), void* context,
                               std::size_t max_rows = static_cast<std::size_t>(-1));
    /// The server closed the stream (EOF or a socket error `ec`). Returns the fatal event:
    /// connection_closed with a message saying what was in flight.
    event connection_lost(std::error_code ec = {});

    // ---- state -------------------------------------------------------------------------

    session_state state() const noexcept { return state_; }
    /// True in `ready` with nothing in flight.
    bool idle() const noexcept { return state_ == session_state::ready && queue_.empty(); }
    /// Requests whose answers have not all arrived.
    std::size_t in_flight() const noexcept { return queue_.size(); }
    /// 'I' idle, 'T' in a transaction, 'E' in a failed transaction (from the last ReadyForQuery).
    char transaction_status() const noexcept { return transaction_status_; }
    const backend::backend_key_data& backend_key() const noexcept { return backend_key_; }
    /// The last value the server reported for a run-time parameter (ParameterStatus), or
    /// nullopt when it never did.
    std::optional<std::string_view> parameter(std::string_view name) const noexcept;
    /// Diagnostics of the last `error` or `fatal` event.
    const diagnostics& last_error() const noexcept { return last_error_; }
    /// Bytes copied to reassemble messages that spanned input buffers.
    std::uint64_t copied_bytes() const noexcept { return reader_.copied_bytes(); }

private:
    enum class expect : std::uint8_t {
        parse,               // ParseComplete
        bind,                // BindComplete
        close,               // CloseComplete
        describe_statement,  // ParameterDescription, then RowDescription | NoData
        describe_portal,     // RowDescription | NoData
        execute,             // DataRow*, CommandComplete | EmptyQuery | PortalSuspended | Copy*Response
        sync,                // ReadyForQuery
        simple_query,        // any results, ReadyForQuery
    };
    struct expectation {
        expect what;
        std::int32_t columns;  // execute: DataRow width, -1 unknown; simple_query: current width
        bool seen_first;       // describe_statement: ParameterDescription seen
    };

    // A FIFO that keeps its storage: no allocation per request once warm.
    class expectation_queue {
    public:
        bool empty() const noexcept { return size_ == 0; }
        std::size_t size() const noexcept { return size_; }
        expectation& front() noexcept { return items_[head_]; }
        const expectation& at(std::size_t i) const noexcept { return items_[(head_ + i) % items_.size()]; }
        void push(expectation e);
        void pop() noexcept;
        void clear() noexcept { head_ = size_ = 0; }
        /// Index of the first `what` entry from the front, or size() if none.
        std::size_t find(expect what) const noexcept;

    private:
        std::vector<expectation> items_;
        std::size_t head_ = 0;
        std::size_t size_ = 0;
    };

    std::error_code check_can_send() const noexcept;
    event handle(const frame& f, write_buffer& out);
    event on_startup(const frame& f, write_buffer& out);
    event on_authentication(const backend::authentication& auth, write_buffer& out);
    event on_startup_parameters(const frame& f);
    event on_ready(const frame& f);
    event on_copy(const frame& f, write_buffer& out);
    // Messages that may arrive in any state after startup: notices, notifications, parameter
    // status. Returns true with `ev` filled when `f` was one of them.
    bool on_async(const frame& f, event& ev);
    // `out` receives a Sync when a failed extended-protocol COPY swallowed the queued one.
    event on_error_response(std::span<const std::byte> body, write_buffer* out = nullptr);
    event on_ready_for_query(std::span<const std::byte> body);
    event fail(std::error_code ec, std::string message);
    event unexpected(const frame& f);
    void remember_parameter(std::string_view name, std::string_view value);

    session_options options_;
    session_state state_ = session_state::initial;
    frame_reader reader_;
    expectation_queue queue_;
    std::unique_ptr<scram_sha256> scram_;
    backend::backend_key_data backend_key_;
    std::vector<std::pair<std::string, std::string>> parameters_;
    diagnostics last_error_;
    std::error_code failure_;
    std::int32_t described_columns_ = -1;  // width from the latest RowDescription (pipeline)
    bool copy_from_extended_ = false;      // the current COPY came from an Execute
    bool copy_needs_sync_ = false;         // extended COPY whose Sync the server ignored
    char transaction_status_ = 'I';
};

}  // namespace pgring::wire
