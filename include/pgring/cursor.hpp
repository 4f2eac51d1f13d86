#pragma once

/// @file
/// Large results with bounded memory: `row_stream` (rows of one query in batches, through a
/// portal with an Execute row limit, or in a single pass with back-pressure on the socket) and
/// `cursor` (a server-side cursor, DECLARE ... [SCROLL] CURSOR, moved with FETCH and MOVE).
///
///     pgring::row_stream s =
///         co_await conn.stream({.fetch_size = 500}, "SELECT * FROM big WHERE k > $1", 10);
///     for (;;) {
///         std::optional<pgring::rows> batch = co_await s.next();
///         if (!batch) {
///             break;
///         }
///         for (pgring::row_view r : *batch) { ... }
///     }

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <pgring/connection.hpp>
#include <pgring/diagnostics.hpp>
#include <pgring/error.hpp>
#include <pgring/result.hpp>
#include <pgring/row.hpp>
#include <pgring/task.hpp>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace pgring {

namespace detail {
class stream_support;
struct one_pass;
}  // namespace detail

/// How connection::stream() reads a result (see row_stream).
enum class stream_mode : std::uint8_t {
    /// `portal` inside a transaction block, `single_pass` outside one.
    automatic,
    /// A portal with an Execute row limit per batch; outside a transaction block the stream
    /// opens one (BEGIN ... COMMIT) for the portal to live in.
    portal,
    /// One Execute without a row limit; the rows are read as they arrive and the socket is not
    /// read while `fetch_size` rows wait for next() (the server then blocks).
    single_pass,
};

/// Options of connection::stream().
struct stream_options {
    /// Rows per batch: the row limit of each Execute (portal), or the rows that may wait before
    /// the socket is paused (single_pass); 0 is taken as 1.
    std::size_t fetch_size = 1000;
    /// How the result is read.
    stream_mode mode = stream_mode::automatic;
};

class row_stream;

/// What row_stream::next_row() (`Throws`) and try_next_row() return: `co_await` it once, at once.
/// While the stream's current batch has rows, it is ready at once and yields the next row
/// without a coroutine frame (so a loop over many rows does not nest frames); otherwise it runs
/// the fetch of the next batch.
template <bool Throws>
class row_awaitable {
public:
    /// What `co_await` yields: the row (or nullopt at the end), as a result when !Throws.
    using value_type = std::conditional_t<Throws, std::optional<row_view>, result<std::optional<row_view>>>;
    /// Refers to `s`, which must outlive the co_await.
    explicit row_awaitable(row_stream& s) noexcept : s_(&s) {}
    /// Ready when the current batch has a row left, or when the fetch completed at once.
    bool await_ready();
    /// Suspends for the fetch of the next batch.
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> caller) { return fetch_->await_suspend(caller); }
    /// The next row; throws `pgring::error` on an error when `Throws`.
    value_type await_resume();

private:
    using fetch_task = task<result<std::optional<row_view>>>;
    using fetch_awaiter = decltype(std::declval<fetch_task>().operator co_await());
    row_stream* s_;
    std::optional<fetch_task> task_;
    std::optional<fetch_awaiter> fetch_;
};

/// The rows of one query, in batches of at most about `fetch_size` rows, with memory bounded by
/// a batch (plus those the caller keeps). Two ways to read the result (stream_options::mode):
///
/// **Portal** (the default inside a transaction block): the query is bound to a named portal
/// once, then each next() sends Execute(portal, fetch_size) + Sync and returns the rows that
/// answer it (PortalSuspended means more): batches of exactly `fetch_size` rows until the last.
/// A portal lives only inside a transaction block, so:
///   - inside one (connection::transaction_status() 'T'), the stream uses it and leaves it open;
///   - outside one ('I'), stream() first opens one with BEGIN (one more round trip) and ends it
///     with COMMIT after the last row, or with ROLLBACK on an error or when the stream is
///     destroyed or closed early. Statements run on the connection meanwhile (by this or other
///     coroutines) run inside that transaction: do not interleave statements that must commit
///     on their own, and do not end the transaction under the stream.
///
/// **Single pass** (the default outside a transaction block): one Bind + Execute without a row
/// limit + Sync, as query() sends; no transaction is opened and the server runs the query once,
/// sending rows as it produces them. next() returns the rows received so far (at least one); once
/// `fetch_size` rows wait unread, the connection stops reading the socket, the kernel's buffers
/// fill and the server blocks until next() takes them (back-pressure, as libpq's single-row
/// mode). A batch may so hold somewhat more than `fetch_size` rows (the rest of the receive
/// buffer being parsed). The result cannot be rewound or left early without reading it: close()
/// and the destructor drain what remains (the server is not cancelled). Calls made on the
/// connection meanwhile queue behind the stream, and since their answers come after its last row,
/// queueing one lifts the back-pressure (the rows are then buffered): run other statements on
/// another connection while a single-pass stream is open. The call's timeout covers the whole
/// stream.
///
/// In a failed transaction block ('E'), stream() fails with errc::invalid_state. The status is
/// the one of the last ReadyForQuery: start a stream after the statements that change it (BEGIN,
/// COMMIT) have completed, not pipelined with them.
/// In portal mode SQL text is parsed as the unnamed statement (as with the statement cache turned
/// off): a parameter of a non-string C++ type must have a preferred PostgreSQL type, and results
/// come in binary. In single-pass mode SQL text goes through the statement cache as query()'s
/// does. A prepared `statement` is bound as query() binds it (its parameter types and result
/// formats, connection_options::text_result_types included).
///
/// Errors end the stream: an error mid-stream (the server's, a timeout) is returned by next(),
/// the transaction the stream opened is rolled back, and the connection stays usable.
///
/// Lifetime: move-only; must not outlive its connection. Destroying an unfinished stream sends,
/// without waiting, a Close of the portal (or the ROLLBACK of the transaction the stream opened),
/// or leaves the rest of a single-pass result to be read and dropped; later statements of the
/// connection queue behind it. close() does the same and waits. The rows of a batch are
/// independent of the stream and of later batches (see `rows` for how long they hold receive
/// buffers).
/// Thread: the connection's loop thread. One next() at a time.
class row_stream {
public:
    /// A finished stream: next() returns no batch.
    row_stream() noexcept = default;
    /// Move-only; the moved-from object is finished.
    ///@{
    row_stream(row_stream&& o) noexcept;
    row_stream& operator=(row_stream&& o) noexcept;
    ///@}
    /// Closes an unfinished stream (see the class comment).
    ~row_stream();

    /// The next batch: 1 to `fetch_size` rows, or nullopt once the result is exhausted (also on
    /// every call after that). Errors: throws `pgring::error`: the server's (the stream is then
    /// over); errc::invalid_state while another next() of this stream runs, or after an error.
    task<std::optional<rows>> next() {
        auto r = co_await try_next();
        co_return std::move(r).value();
    }
    /// next() without exceptions.
    task<result<std::optional<rows>>> try_next();

    /// The next row: the stream as an async range of rows. Fetches the next batch when the
    /// current one is used up; nullopt once the result is exhausted.
    ///
    ///     for (;;) {
    ///         std::optional<pgring::row_view> r = co_await s.next_row();
    ///         if (!r) {
    ///             break;
    ///         }
    ///         auto [id, name] = r->as<std::int32_t, std::string>();
    ///     }
    ///
    /// Lifetime: the row_view (and the views decoded from it) stay valid until the next call of
    /// next_row() or next() on this stream, or its destruction; copy what you keep. next() after
    /// next_row() drops the rest of the current batch.
    /// Errors: as next().
    ///
    /// Returns an awaitable (await it at once): while the current batch has rows it yields the
    /// next one without suspending or allocating; otherwise it fetches the next batch.
    row_awaitable<true> next_row() noexcept { return row_awaitable<true>(*this); }
    /// next_row() without exceptions.
    row_awaitable<false> try_next_row() noexcept { return row_awaitable<false>(*this); }

    /// Ends the stream now: waits for the Close of the portal (or the ROLLBACK of the transaction
    /// the stream opened). Does nothing on a finished stream. Errors: the server's,
    /// errc::connection_closed.
    task<void> close() {
        auto r = co_await try_close();
        r.value();
    }
    /// close() without exceptions.
    task<result<void>> try_close();

    /// True until the last row was returned, an error ended the stream, or it was closed.
    bool is_open() const noexcept {
        return state_ == state::open || first_.has_value() || (current_ && current_index_ < current_->size());
    }
    /// The CommandComplete tag once the result is exhausted ("SELECT 0" style: PostgreSQL counts
    /// only the rows of the last Execute); empty before.
    const std::string& command_tag() const noexcept { return tag_; }
    /// Rows returned by next() so far.
    std::uint64_t rows_returned() const noexcept { return returned_; }
    /// Rows per batch.
    std::size_t fetch_size() const noexcept { return fetch_size_; }

private:
    friend class detail::stream_support;
    template <bool>
    friend class row_awaitable;
    // The next row of the current batch, if it has one left.
    std::optional<row_view> buffered_row() noexcept {
        if (current_ && current_index_ < current_->size()) {
            return (*current_)[current_index_++];
        }
        return std::nullopt;
    }
    bool has_buffered_row() const noexcept { return current_ && current_index_ < current_->size(); }
    // Fetches the next batch and returns its first row.
    task<result<std::optional<row_view>>> fetch_row();
    enum class state : std::uint8_t {
        open,       // the portal is suspended: more rows to fetch
        exhausted,  // CommandComplete seen and the portal ended
        failed,     // an error ended the stream
        closed,     // closed by the caller
    };
    void abandon() noexcept;

    detail::connection_impl* impl_ = nullptr;
    call_options call_;
    std::string portal_;
    std::size_t fetch_size_ = 0;
    std::int32_t column_count_ = -1;
    state state_ = state::exhausted;
    bool own_transaction_ = false;  // the stream sent BEGIN and ends the transaction
    bool busy_ = false;             // a next() or close() is running
    std::optional<rows> first_;     // the batch that answered the Bind, until the first next()
    std::optional<rows> current_;   // the batch next_row() walks
    std::unique_ptr<detail::one_pass> one_pass_;  // the request of a single-pass stream
    std::size_t current_index_ = 0; // its next row
    detail::block_ptr<detail::column_set> columns_;  // from the Describe, for the later batches
    std::string tag_;
    std::uint64_t returned_ = 0;
};

template <bool Throws>
bool row_awaitable<Throws>::await_ready() {
    if (s_->has_buffered_row()) {
        return true;
    }
    task_.emplace(s_->fetch_row());
    fetch_.emplace(std::move(*task_).operator co_await());
    return fetch_->await_ready();
}

template <bool Throws>
typename row_awaitable<Throws>::value_type row_awaitable<Throws>::await_resume() {
    result<std::optional<row_view>> r = fetch_ ? fetch_->await_resume() : result<std::optional<row_view>>(s_->buffered_row());
    if constexpr (Throws) {
        return std::move(r).value();
    } else {
        return r;
    }
}

/// A FETCH or MOVE direction (the SQL clause); see cursor::fetch() and cursor::move().
struct cursor_direction {
    /// The clause after FETCH/MOVE, e.g. "FORWARD 10", "ABSOLUTE -1".
    std::string clause;

    /// The next `n` rows (FORWARD n); a negative `n` goes backward.
    static cursor_direction forward(std::int64_t n) { return {"FORWARD " + std::to_string(n)}; }
    /// The previous `n` rows (BACKWARD n), last fetched first.
    static cursor_direction backward(std::int64_t n) { return {"BACKWARD " + std::to_string(n)}; }
    /// The rest of the rows (FORWARD ALL).
    static cursor_direction all() { return {"FORWARD ALL"}; }
    /// All rows before the current one, backward (BACKWARD ALL).
    static cursor_direction backward_all() { return {"BACKWARD ALL"}; }
    /// The row before the current one (PRIOR).
    static cursor_direction prior() { return {"PRIOR"}; }
    /// The first row (FIRST).
    static cursor_direction first() { return {"FIRST"}; }
    /// The last row (LAST).
    static cursor_direction last() { return {"LAST"}; }
    /// Row `k` (1-based; negative counts from the end; 0 is before the first) (ABSOLUTE k).
    static cursor_direction absolute(std::int64_t k) { return {"ABSOLUTE " + std::to_string(k)}; }
    /// The row `k` rows after the current one (negative: before; 0: the current row) (RELATIVE k).
    static cursor_direction relative(std::int64_t k) { return {"RELATIVE " + std::to_string(k)}; }
};

/// Options of cursor::open().
struct cursor_options {
    /// DECLARE ... SCROLL CURSOR (fetch backward and absolute) when true, NO SCROLL otherwise.
    bool scroll = true;
};

/// A server-side cursor: `DECLARE "name" [NO] SCROLL CURSOR FOR <query>` inside the
/// connection's transaction block, read with FETCH and repositioned with MOVE. Parameters of the
/// query are bound in binary like those of query() (the DECLARE goes through the extended
/// protocol as the unnamed statement: a parameter of a non-string C++ type must have a preferred
/// PostgreSQL type).
///
/// Lifetime: move-only; must not outlive its connection. The server closes the cursor at the end
/// of the transaction; destroying an open cursor sends, without waiting, a Close of its portal
/// (harmless if the transaction already ended).
/// Thread: the connection's loop thread.
class cursor {
public:
    /// A closed cursor.
    cursor() noexcept = default;
    /// Move-only; the moved-from object is closed.
    ///@{
    cursor(cursor&& o) noexcept;
    cursor& operator=(cursor&& o) noexcept;
    ///@}
    /// Closes an open cursor (see the class comment).
    ~cursor();

    /// Declares a cursor for `sql` with `args` on `conn`, which must be in a transaction block.
    /// Errors: throws `pgring::error`: errc::invalid_state outside a transaction block (or in a
    /// failed one); the server's; those of the parameters.
    ///@{
    template <class... Args>
    static task<cursor> open(connection& conn, std::string_view sql, const Args&... args) {
        auto r = co_await try_open(conn, cursor_options{}, sql, args...);
        co_return std::move(r).value();
    }
    template <class... Args>
    static task<cursor> open(connection& conn, cursor_options options, std::string_view sql,
                             const Args&... args) {
        auto r = co_await try_open(conn, options, sql, args...);
        co_return std::move(r).value();
    }
    ///@}
    /// open() without exceptions.
    ///@{
    template <class... Args>
    static task<result<cursor>> try_open(connection& conn, std::string_view sql, const Args&... args) {
        return try_open(conn, cursor_options{}, sql, args...);
    }
    template <class... Args>
    static task<result<cursor>> try_open(connection& conn, cursor_options options, std::string_view sql,
                                         const Args&... args) {
        return call_open(conn, options, sql, std::tuple<detail::param_holder_t<Args>...>(args...));
    }
    ///@}

    /// FETCH `direction`: the rows it returns (none past either end).
    /// Errors: throws `pgring::error`: the server's (a backward fetch on a NO SCROLL cursor is
    /// 55000); errc::invalid_state when closed.
    task<rows> fetch(cursor_direction direction) {
        auto r = co_await try_fetch(std::move(direction));
        co_return std::move(r).value();
    }
    /// fetch() without exceptions.
    task<result<rows>> try_fetch(cursor_direction direction);
    /// FETCH FORWARD `n` (negative: BACKWARD).
    task<rows> fetch(std::int64_t n = 1) { return fetch(cursor_direction::forward(n)); }
    /// FETCH PRIOR.
    task<rows> fetch_prior() { return fetch(cursor_direction::prior()); }
    /// FETCH ABSOLUTE `k`.
    task<rows> fetch_absolute(std::int64_t k) { return fetch(cursor_direction::absolute(k)); }
    /// FETCH RELATIVE `k`.
    task<rows> fetch_relative(std::int64_t k) { return fetch(cursor_direction::relative(k)); }

    /// MOVE `direction`: repositions without returning rows; returns the count of the MOVE tag
    /// (the rows a FETCH would have returned). Errors: as fetch().
    task<std::uint64_t> move(cursor_direction direction) {
        auto r = co_await try_move(std::move(direction));
        co_return std::move(r).value();
    }
    /// move() without exceptions.
    task<result<std::uint64_t>> try_move(cursor_direction direction);

    /// CLOSE: waits for the Close of the cursor's portal. Does nothing on a closed cursor.
    /// Errors: throws `pgring::error`: errc::connection_closed.
    task<void> close() {
        auto r = co_await try_close();
        r.value();
    }
    /// close() without exceptions.
    task<result<void>> try_close();

    /// True from open() until close() or a move from it.
    bool is_open() const noexcept { return impl_ != nullptr; }
    /// The cursor's name on the server.
    const std::string& name() const noexcept { return name_; }

private:
    friend class detail::stream_support;
    template <class Tuple>
    static task<result<cursor>> call_open(connection& conn, cursor_options options, std::string_view sql,
                                          Tuple held) {
        auto params = std::apply(
            [](const auto&... v) {
                return std::array<detail::param_ref, sizeof...(v)>{detail::make_param(v)...};
            },
            held);
        co_return co_await open_with(conn, options, sql, params);
    }
    static task<result<cursor>> open_with(connection& conn, cursor_options options, std::string_view sql,
                                          std::span<const detail::param_ref> params);
    task<result<rows>> command(std::string sql);
    void abandon() noexcept;

    detail::connection_impl* impl_ = nullptr;  // null: closed
    std::string name_;
};

// ---- operations::stream (declared in connection.hpp) ----------------------------------------------

template <class Tuple>
task<result<row_stream>> operations::call_stream(std::string_view sql, const statement* stmt,
                                                 stream_options options, Tuple held) {
    auto params = refs(held);
    co_return co_await run_stream(sql, stmt, params, options);
}

template <class... Args>
task<result<row_stream>> operations::try_stream(const stream_options& options, std::string_view sql,
                                                const Args&... args) {
    return call_stream(sql, nullptr, options, hold(args...));
}

template <class... Args>
task<result<row_stream>> operations::try_stream(std::string_view sql, const Args&... args) {
    return call_stream(sql, nullptr, stream_options{}, hold(args...));
}

template <class... Args>
task<result<row_stream>> operations::try_stream(const stream_options& options, const statement& stmt,
                                                const Args&... args) {
    return call_stream({}, &stmt, options, hold(args...));
}

template <class... Args>
task<row_stream> operations::stream(const stream_options& options, std::string_view sql,
                                    const Args&... args) {
    auto r = co_await try_stream(options, sql, args...);
    co_return std::move(r).value();
}

template <class... Args>
task<row_stream> operations::stream(std::string_view sql, const Args&... args) {
    auto r = co_await try_stream(sql, args...);
    co_return std::move(r).value();
}

template <class... Args>
task<row_stream> operations::stream(const stream_options& options, const statement& stmt,
                                    const Args&... args) {
    auto r = co_await try_stream(options, stmt, args...);
    co_return std::move(r).value();
}

}  // namespace pgring
